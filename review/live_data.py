"""What the Live now pages read: the conversations going on now, one conversation's turns.

The takeover happens on the Rasa server (channels/takeover.py); this module only reads
what it stores in Rasa's `events` table:

- a conversation is *held* while its latest `pause`/`resume` row is a `pause`, by that
  row's `metadata.staff`: the holder's account reference, `staff-<account id>`
  (review/accounts.py `staff_reference`), never an e-mail address, which the tracker store
  would redact;
- `bot` rows with `metadata.staff` are the holder's messages (`takeover` "message") and
  the joined/left notices the visitor saw (`takeover` "joined"/"left");
- the bot still answers emergencies, crises and extra doses while a conversation is held:
  those visitor messages are highlighted (`ALERTS`).

Availability for live chats is storage/live_chat.py's table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from content.safety_intents import CRISIS_INTENT, EMERGENCY_INTENT, EXTRA_DOSE_INTENT
from review.conversations import transcript_turn
from review.indexer import LanguageTrack
from review.schema import events
from storage import live_chat

# The visitor messages the bot still answers during a takeover, and what staff are told.
ALERT_INTENTS: Mapping[str, str] = {
    EMERGENCY_INTENT: "emergency",
    CRISIS_INTENT: "crisis",
    EXTRA_DOSE_INTENT: "extra_dose",
}
ALERTS: Mapping[str, str] = {
    "emergency": "Emergency: the bot sent the 911 guidance",
    "crisis": "Crisis: the bot sent 988",
    "extra_dose": "Extra dose: the bot sent Poison Control",
    "caution": "Safety caution: the bot put 911 and 988 before its answer",
}
# The Live now list's badges, in the order shown; each alert counts as one of them.
BADGES: Mapping[str, str] = {
    "emergency": "Emergency",
    "crisis": "Crisis",
    "caution": "Safety caution",
    "person": "Asked for a person",
}
ALERT_BADGES: Mapping[str, str] = {
    "emergency": "emergency",
    "extra_dose": "emergency",
    "crisis": "crisis",
    "caution": "caution",
}
# Bot responses meaning the visitor asked to talk to a person (the intake prompt, or the
# offer of a live chat with the intake team).
PERSON_RESPONSES = frozenset({"utter_intake_prompt", "utter_live_chat_available"})
# Events the pages read: turns, what the language and the holder follow.
READ_TYPES = ("user", "bot", "slot", "pause", "resume", "session_started", "restart", "reset_slots")
HOLD_TYPES = ("pause", "resume")


@dataclass(frozen=True)
class LiveTurn:
    """One line of a live transcript: a message (visitor, bot, staff) or a joined/left notice."""

    event_id: int
    kind: str  # "visitor", "bot", "staff", "notice"
    at: float
    text: str = ""
    topic: str = ""  # visitor: what the message was understood as
    staff: str = ""  # staff and notice: the staff member's account
    takeover: str = ""  # notice: "joined" or "left"
    alert: str = ""  # visitor: a key of ALERTS, when the bot still answered it


@dataclass
class _Progress:
    """What one conversation's events add up to, read in order."""

    language: LanguageTrack = field(default_factory=LanguageTrack)
    holder: str | None = None  # "" for a pause that names no one
    last_visitor_at: float | None = None
    badges: set[str] = field(default_factory=set)
    turns: list[LiveTurn] = field(default_factory=list)


def _load(data: str | None) -> dict[str, Any]:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _metadata(event: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = event.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _staff_of(event: Mapping[str, Any]) -> str:
    staff_member = _metadata(event).get("staff")
    return staff_member if isinstance(staff_member, str) else ""


def live_turn(event_id: int, event: Mapping[str, Any], at: float) -> LiveTurn | None:
    """The live transcript's line for a stored event (None: not shown there)."""
    if event.get("event") == "bot" and _staff_of(event):
        takeover = str(_metadata(event).get("takeover") or "")
        kind = "staff" if takeover == "message" else "notice"
        text = str(event.get("text") or "")
        return LiveTurn(event_id, kind, at, text=text, staff=_staff_of(event), takeover=takeover)
    turn = transcript_turn(event, at)
    if turn is None or turn.kind not in ("visitor", "bot"):
        return None
    alert = ALERT_INTENTS.get(turn.name, "caution" if turn.caution else "")
    return LiveTurn(event_id, turn.kind, at, text=turn.text, topic=turn.name, alert=alert)


def _follow(progress: _Progress, row: Any, since: float | None) -> None:
    """Adds one `events` row to the conversation's progress.

    `since`: where the live window starts, for the "asked for a person" badge (None: the
    whole conversation).
    """
    event = _load(row.data)
    at = float(row.timestamp or event.get("timestamp") or 0.0)
    progress.language.add(row.id, event)
    kind = event.get("event")
    if kind == "pause":
        progress.holder = _staff_of(event)
    elif kind == "resume":
        progress.holder = None
    turn = live_turn(row.id, event, at)
    if turn is None:
        return
    progress.turns.append(turn)
    if turn.kind == "visitor":
        progress.last_visitor_at = at
        if turn.alert:
            progress.badges.add(ALERT_BADGES[turn.alert])
    elif turn.kind == "bot" and turn.topic in PERSON_RESPONSES and (since is None or at >= since):
        progress.badges.add("person")


def _held(connection: sa.engine.Connection) -> dict[str, str]:
    """Every held conversation and its holder: its latest pause/resume row is a pause."""
    latest: dict[str, Any] = {}
    for row in connection.execute(
        sa.select(events.c.sender_id, events.c.type_name, events.c.data)
        .where(events.c.type_name.in_(HOLD_TYPES))
        .order_by(events.c.id)
    ):
        latest[row.sender_id] = row
    return {
        sender_id: _staff_of(_load(row.data))
        for sender_id, row in latest.items()
        if row.type_name == "pause"
    }


@dataclass(frozen=True)
class LiveRow:
    """One line of the Live now list: no message text."""

    sender_id: str
    last_visitor_at: float | None
    language: str
    holder: str | None  # the staff account holding it; None: the bot answers
    badges: tuple[str, ...]


def live_conversations(engine: sa.engine.Engine, now: float, minutes: int) -> list[LiveRow]:
    """The conversations a visitor wrote in within `minutes` of `now`, and the held ones.

    Newest visitor message first.
    """
    since = now - minutes * 60
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(events.name):
            return []  # the bot has not stored anything yet
        recent = set(
            connection.execute(
                sa.select(events.c.sender_id)
                .where(events.c.type_name == "user", events.c.timestamp >= since)
                .distinct()
            ).scalars()
        )
        wanted = sorted(recent | _held(connection).keys())
        progress = {sender_id: _Progress() for sender_id in wanted}
        if wanted:
            for row in connection.execute(
                sa.select(events.c.id, events.c.sender_id, events.c.timestamp, events.c.data)
                .where(events.c.sender_id.in_(wanted), events.c.type_name.in_(READ_TYPES))
                .order_by(events.c.id)
            ):
                _follow(progress[row.sender_id], row, since)
    rows = [
        LiveRow(
            sender_id=sender_id,
            last_visitor_at=found.last_visitor_at,
            language=found.language.language,
            holder=found.holder,
            badges=tuple(badge for badge in BADGES if badge in found.badges),
        )
        for sender_id, found in progress.items()
    ]
    return sorted(rows, key=lambda row: (-(row.last_visitor_at or 0.0), row.sender_id))


@dataclass(frozen=True)
class LiveConversation:
    """One conversation as its live page shows it, or the turns after a given event."""

    sender_id: str
    turns: list[LiveTurn]
    holder: str | None
    language: str
    last_event_id: int  # the newest event read: the next poll asks for what comes after


def live_conversation(
    engine: sa.engine.Engine, sender_id: str, after: int = 0
) -> LiveConversation | None:
    """The conversation's turns after event `after` (all with 0); None if it is unknown.

    The holder is always the current one; the language, the one after the events read.
    """
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(events.name):
            return None
        exists = connection.execute(
            sa.select(events.c.id).where(events.c.sender_id == sender_id).limit(1)
        ).first()
        if exists is None:
            return None
        progress = _Progress(holder=_holder(connection, sender_id))
        rows = connection.execute(
            sa.select(events.c.id, events.c.timestamp, events.c.data)
            .where(events.c.sender_id == sender_id, events.c.id > after)
            .order_by(events.c.id)
        ).all()
    for row in rows:
        _follow(progress, row, None)
    return LiveConversation(
        sender_id=sender_id,
        turns=progress.turns,
        holder=progress.holder,
        language=progress.language.language,
        last_event_id=rows[-1].id if rows else after,
    )


def _holder(connection: sa.engine.Connection, sender_id: str) -> str | None:
    """Who holds the conversation now (None: nobody, "" a pause naming no one)."""
    latest = connection.execute(
        sa.select(events.c.type_name, events.c.data)
        .where(events.c.sender_id == sender_id, events.c.type_name.in_(HOLD_TYPES))
        .order_by(events.c.id.desc())
        .limit(1)
    ).first()
    if latest is None or latest.type_name != "pause":
        return None
    return _staff_of(_load(latest.data))


def holder_of(engine: sa.engine.Engine, sender_id: str) -> str | None:
    """Who holds the conversation now (None: the bot answers)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(events.name):
            return None
        return _holder(connection, sender_id)


def switched_on(engine: sa.engine.Engine, actor: str) -> bool:
    """Whether the member has a row in the availability table, even one that ran out.

    "Stop taking live chats" deletes it; a page that missed heartbeats (a sleeping laptop)
    only lets it run out, and its next heartbeat makes the member available again.
    """
    with engine.connect() as connection:
        return (
            connection.execute(
                sa.select(live_chat.live_staff.c.actor).where(live_chat.live_staff.c.actor == actor)
            ).first()
            is not None
        )
