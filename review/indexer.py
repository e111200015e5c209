"""Summaries of Rasa's stored events, kept up to date incrementally for fast review pages.

Rasa's tracker store only appends to `events`, so the indexer remembers the
highest event id it has read (`review_index_state`) and, on each refresh, reads
only newer rows, in batches. Per conversation it keeps the flags staff filter on
(emergency, crisis, intake prompt shown, unanswered, 👍/👎) and its languages; per
visitor message the topic the bot understood, its confidence, the (already
redacted) text and the language it was answered in.

Languages follow the `language` slot as Rasa's tracker does: "en" at the start and
after a new session, a restart or a slot reset (the slots go back to their initial
values), else the last `slot` event's value. Rasa stores that event after the
visitor message that changed it, so a message's language is the slot's value after
the slot events that follow it, up to the next visitor message or new session
(possibly in the next batch). A conversation's `languages` are those its visitor
messages were answered in (its current language while it has none).

Concurrent refreshes (several app threads or processes) are serialised by
updating the watermark row first, which takes the database's write lock on
SQLite and a row lock on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from content.languages import ENGLISH, LANGUAGE_SLOT
from review.schema import conversations, events, feedback, index_state, messages

logger = logging.getLogger(__name__)

BATCH_SIZE = 5_000
WATERMARK = "events"
# Intents meaning the bot could not answer: unsure (nlu_fallback, which also
# leads to the "did you mean" suggestions) or outside what it covers.
UNANSWERED_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
SAFETY_MODE_SLOT = "safety_mode"
INTAKE_PROMPT_SLOT = "intake_prompt_shown"
FEEDBACK_SLOT = "answer_feedback"
DEFAULT_LANGUAGE = ENGLISH  # the slot's initial value (domain.yml)
# Events after which Rasa's tracker has every slot at its initial value again.
LANGUAGE_RESETS = frozenset({"session_started", "restart", "reset_slots"})
MAX_LANGUAGES = 8  # kept per conversation (the column holds 8 codes of up to 3 letters)
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# index_state row saying the language columns are filled for every indexed event.
LANGUAGES_INDEXED = "languages"


@dataclass(frozen=True)
class VisitorMessage:
    """What the bot understood of one visitor message."""

    topic: str
    confidence: float | None
    unanswered: bool
    text: str
    caution: bool = False  # 911 and 988 were put before the answer (channels/safety_caution.py)


def message_topic(parse_data: Mapping[str, Any]) -> tuple[str, float | None]:
    """The topic of a parsed message: `faq/<topic>` for retrieval intents, else the intent."""
    intent = parse_data.get("intent") or {}
    name = str(intent.get("name") or "unknown")
    confidence = intent.get("confidence")
    selected = (parse_data.get("response_selector") or {}).get(name) or {}
    key = (selected.get("response") or {}).get("intent_response_key")
    return (str(key) if key else name), (float(confidence) if confidence is not None else None)


def visitor_message(event: Mapping[str, Any]) -> VisitorMessage:
    """The review row of a stored `user` event."""
    parse_data = event.get("parse_data") or {}
    topic, confidence = message_topic(parse_data)
    return VisitorMessage(
        topic=topic,
        confidence=confidence,
        unanswered=topic in UNANSWERED_INTENTS,
        text=str(event.get("text") or ""),
        caution=bool((parse_data.get("semantic_safety") or {}).get("caution")),
    )


def language_code(value: Any) -> str:
    """The slot value as a language code: "en", "es"; the default if unset or odd."""
    code = value.strip().lower() if isinstance(value, str) else ""
    return code if _LANGUAGE_CODE.fullmatch(code) else DEFAULT_LANGUAGE


def joined_languages(codes: Iterable[str]) -> str:
    """The `languages` column's form of a set of codes: sorted, comma-separated."""
    return ",".join(sorted(set(codes))[:MAX_LANGUAGES])


class LanguageTrack:
    """The `language` slot through a run of one conversation's events, in order.

    Starts from the language in effect before the run (the stored one, for a batch).
    `of_message` is the language each visitor message of the run was answered in;
    `earlier_message` is set when language slot events came first in the run, before
    any visitor message or new session: they belong to the turn of the conversation's
    last message before the run, `(id of the slot event, language)`.
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language
        self.of_message: dict[int, str] = {}
        self.earlier_message: tuple[int, str] | None = None
        self._open: int | None = None  # the visitor message whose turn is going on
        self._earlier_open = True  # no visitor message or new session yet in the run

    def add(self, event_id: int, event: Mapping[str, Any]) -> None:
        """Follows one event (others than visitor messages, slots and resets are ignored)."""
        kind = event.get("event")
        if kind == "user":
            self._open, self._earlier_open = event_id, False
            self.of_message[event_id] = self.language
        elif kind == "slot" and event.get("name") == LANGUAGE_SLOT:
            self.language = language_code(event.get("value"))
            if self._open is not None:
                self.of_message[self._open] = self.language
            elif self._earlier_open:
                self.earlier_message = (event_id, self.language)
        elif kind in LANGUAGE_RESETS:
            self.language = DEFAULT_LANGUAGE
            self._open, self._earlier_open = None, False


@dataclass
class ConversationSummary:
    """The running totals of one conversation while a batch is indexed."""

    started_at: float
    last_event_at: float
    visitor_messages: int = 0
    emergency: bool = False
    crisis: bool = False
    intake_prompt_shown: bool = False
    unanswered: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    new_messages: list[dict[str, Any]] = field(default_factory=list)
    new_feedback: list[dict[str, Any]] = field(default_factory=list)
    language: LanguageTrack = field(default_factory=LanguageTrack)

    def add(self, event_id: int, sender_id: str, event: Mapping[str, Any]) -> None:
        """Counts one event into the summary."""
        timestamp = float(event.get("timestamp") or self.last_event_at)
        self.started_at = min(self.started_at, timestamp)
        self.last_event_at = max(self.last_event_at, timestamp)
        self.language.add(event_id, event)
        kind = event.get("event")
        if kind == "user":
            message = visitor_message(event)
            self.visitor_messages += 1
            self.unanswered += int(message.unanswered)
            self.new_messages.append(
                {"event_id": event_id, "sender_id": sender_id, "at": timestamp, **vars(message)}
            )
        elif kind == "slot":
            self._add_slot(event_id, sender_id, timestamp, event.get("name"), event.get("value"))

    def _add_slot(
        self, event_id: int, sender_id: str, timestamp: float, name: Any, value: Any
    ) -> None:
        if name == SAFETY_MODE_SLOT:
            self.emergency |= value == "emergency"
            self.crisis |= value == "crisis"
        elif name == INTAKE_PROMPT_SLOT:
            self.intake_prompt_shown |= value is True
        elif name == FEEDBACK_SLOT and isinstance(value, Mapping):
            rating = value.get("rating")
            if rating not in ("up", "down"):
                return
            self.thumbs_up += int(rating == "up")
            self.thumbs_down += int(rating == "down")
            self.new_feedback.append(
                {
                    "event_id": event_id,
                    "sender_id": sender_id,
                    "at": timestamp,
                    "response": str(value.get("response") or "unknown")[:255],
                    "rating": rating,
                }
            )


def _load_event(data: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(data or "{}")
    except ValueError:
        logger.warning("Skipped a stored event that is not valid JSON.")
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _lock_watermark(connection: sa.engine.Connection) -> int:
    """Takes the write lock and returns the id of the last indexed event."""
    locked = connection.execute(
        index_state.update()
        .where(index_state.c.name == WATERMARK)
        .values(value=index_state.c.value)
    )
    if locked.rowcount == 0:
        connection.execute(index_state.insert().values(name=WATERMARK, value=0))
    return int(
        connection.execute(
            sa.select(index_state.c.value).where(index_state.c.name == WATERMARK)
        ).scalar_one()
    )


def _summaries(rows: Iterable[Any], existing: Mapping[str, Any]) -> dict[str, ConversationSummary]:
    """The batch's summaries, each following the language from its stored summary."""
    summaries: dict[str, ConversationSummary] = {}
    for row in rows:
        summary = summaries.get(row.sender_id)
        if summary is None:
            timestamp = float(row.timestamp or 0.0)
            stored = existing.get(row.sender_id)
            start = stored.language if stored is not None else DEFAULT_LANGUAGE
            summary = ConversationSummary(timestamp, timestamp, language=LanguageTrack(start))
            summaries[row.sender_id] = summary
        summary.add(row.id, row.sender_id, _load_event(row.data))
    return summaries


def _existing(connection: sa.engine.Connection, sender_ids: Iterable[str]) -> dict[str, Any]:
    """The stored summaries of these conversations, by sender id."""
    return {
        row.sender_id: row
        for row in connection.execute(
            sa.select(conversations).where(conversations.c.sender_id.in_(list(sender_ids)))
        )
    }


def _message_languages(
    connection: sa.engine.Connection, sender_ids: Iterable[str] | None = None
) -> dict[str, list[str]]:
    """The languages each conversation's visitor messages were answered in (all if None)."""
    query = sa.select(messages.c.sender_id, messages.c.language).distinct()
    if sender_ids is not None:
        query = query.where(messages.c.sender_id.in_(list(sender_ids)))
    found: dict[str, list[str]] = {}
    for sender_id, language in connection.execute(query):
        found.setdefault(sender_id, []).append(language)
    return found


def _answer_earlier_message(
    connection: sa.engine.Connection, sender_id: str, slot_event_id: int, language: str
) -> None:
    """Sets the language of the conversation's last message before this batch.

    Its turn's language slot events came in this batch; a new session in between
    would have ended that turn, and then nothing changes.
    """
    last = connection.execute(
        sa.select(sa.func.max(messages.c.event_id)).where(
            messages.c.sender_id == sender_id, messages.c.event_id < slot_event_id
        )
    ).scalar()
    if last is None:
        return
    reset = connection.execute(
        sa.select(events.c.id)
        .where(
            events.c.sender_id == sender_id,
            events.c.id > last,
            events.c.id < slot_event_id,
            events.c.type_name.in_(sorted(LANGUAGE_RESETS)),
        )
        .limit(1)
    ).first()
    if reset is None:
        connection.execute(
            messages.update().where(messages.c.event_id == last).values(language=language)
        )


def _merge(
    connection: sa.engine.Connection,
    summaries: Mapping[str, ConversationSummary],
    existing: Mapping[str, Any],
) -> None:
    """Adds the batch's totals to the stored summaries (inserting new conversations)."""
    new_messages = [
        {**row, "language": summary.language.of_message[row["event_id"]]}
        for summary in summaries.values()
        for row in summary.new_messages
    ]
    if new_messages:
        connection.execute(messages.insert(), new_messages)
    new_feedback = [row for summary in summaries.values() for row in summary.new_feedback]
    if new_feedback:
        connection.execute(feedback.insert(), new_feedback)
    for sender_id, summary in summaries.items():
        if summary.language.earlier_message and sender_id in existing:
            _answer_earlier_message(connection, sender_id, *summary.language.earlier_message)
    answered_in = _message_languages(connection, summaries)
    inserts = []
    for sender_id, summary in summaries.items():
        language = summary.language.language
        languages = joined_languages(answered_in.get(sender_id) or [language])
        stored = existing.get(sender_id)
        if stored is None:
            inserts.append(
                {
                    "sender_id": sender_id,
                    "started_at": summary.started_at,
                    "last_event_at": summary.last_event_at,
                    "visitor_messages": summary.visitor_messages,
                    "emergency": summary.emergency,
                    "crisis": summary.crisis,
                    "intake_prompt_shown": summary.intake_prompt_shown,
                    "unanswered": summary.unanswered,
                    "thumbs_up": summary.thumbs_up,
                    "thumbs_down": summary.thumbs_down,
                    "reviewed": False,
                    "language": language,
                    "languages": languages,
                }
            )
            continue
        connection.execute(
            conversations.update()
            .where(conversations.c.sender_id == sender_id)
            .values(
                started_at=min(stored.started_at, summary.started_at),
                last_event_at=max(stored.last_event_at, summary.last_event_at),
                visitor_messages=stored.visitor_messages + summary.visitor_messages,
                emergency=stored.emergency or summary.emergency,
                crisis=stored.crisis or summary.crisis,
                intake_prompt_shown=stored.intake_prompt_shown or summary.intake_prompt_shown,
                unanswered=stored.unanswered + summary.unanswered,
                thumbs_up=stored.thumbs_up + summary.thumbs_up,
                thumbs_down=stored.thumbs_down + summary.thumbs_down,
                # New visitor messages after a review need another look.
                reviewed=stored.reviewed and summary.visitor_messages == 0,
                language=language,
                languages=languages,
            )
        )
    if inserts:
        connection.execute(conversations.insert(), inserts)


def _has_new_events(engine: sa.engine.Engine) -> bool:
    """Whether any event is newer than the watermark: two index lookups, no lock."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(events.name):
            return False  # the bot has not stored anything yet
        newest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar()
        watermark = connection.execute(
            sa.select(index_state.c.value).where(index_state.c.name == WATERMARK)
        ).scalar()
    return newest is not None and newest > (watermark or 0)


def refresh_index(engine: sa.engine.Engine, batch_size: int = BATCH_SIZE) -> int:
    """Indexes the events stored since the last refresh; returns how many were read."""
    read = 0
    while _has_new_events(engine):
        with engine.begin() as connection:
            watermark = _lock_watermark(connection)
            rows = connection.execute(
                sa.select(events.c.id, events.c.sender_id, events.c.timestamp, events.c.data)
                .where(events.c.id > watermark)
                .order_by(events.c.id)
                .limit(batch_size)
            ).all()
            if not rows:
                break
            existing = _existing(connection, {row.sender_id for row in rows})
            _merge(connection, _summaries(rows, existing), existing)
            connection.execute(
                index_state.update()
                .where(index_state.c.name == WATERMARK)
                .values(value=rows[-1].id)
            )
        read += len(rows)
    return read


def _index_languages(connection: sa.engine.Connection, watermark: int) -> None:
    """Fills the language columns from every event up to the watermark (already indexed)."""
    tracks: dict[str, LanguageTrack] = {}
    is_slot = events.c.type_name == "slot"
    rows = connection.execution_options(stream_results=True).execute(
        sa.select(
            events.c.id,
            events.c.sender_id,
            events.c.type_name,
            sa.case((is_slot, events.c.data), else_=sa.null()).label("data"),
        )
        .where(
            events.c.id <= watermark,
            events.c.type_name.in_(["user", "slot", *sorted(LANGUAGE_RESETS)]),
            sa.or_(~is_slot, events.c.data.like(f'%"{LANGUAGE_SLOT}"%')),
        )
        .order_by(events.c.id)
    )
    for row in rows:
        event = _load_event(row.data) if row.type_name == "slot" else {"event": row.type_name}
        tracks.setdefault(row.sender_id, LanguageTrack()).add(row.id, event)
    answered = [
        {"message": event_id, "answered_in": language}
        for track in tracks.values()
        for event_id, language in track.of_message.items()
        if language != DEFAULT_LANGUAGE
    ]
    if answered:
        connection.execute(
            messages.update()
            .where(messages.c.event_id == sa.bindparam("message"))
            .values(language=sa.bindparam("answered_in")),
            answered,
        )
    answered_in = _message_languages(connection)
    changed = []
    for sender_id in tracks.keys() | answered_in.keys():
        language = tracks[sender_id].language if sender_id in tracks else DEFAULT_LANGUAGE
        languages = joined_languages(answered_in.get(sender_id) or [language])
        if (language, languages) != (DEFAULT_LANGUAGE, DEFAULT_LANGUAGE):
            changed.append({"sender": sender_id, "now": language, "used": languages})
    if changed:
        connection.execute(
            conversations.update()
            .where(conversations.c.sender_id == sa.bindparam("sender"))
            .values(language=sa.bindparam("now"), languages=sa.bindparam("used")),
            changed,
        )


def index_languages_once(engine: sa.engine.Engine) -> None:
    """Fills the language columns of a database indexed before they existed, once.

    A new database is marked done at once; an older one is filled from its events up
    to the watermark, with refreshes held off meanwhile (the watermark's lock).
    """
    marker = sa.select(index_state.c.value).where(index_state.c.name == LANGUAGES_INDEXED)
    with engine.connect() as connection:
        if connection.execute(marker).first() is not None:
            return
    with engine.begin() as connection:
        watermark = _lock_watermark(connection)
        if connection.execute(marker).first() is not None:
            return  # another process did it meanwhile
        if watermark:
            logger.info("Indexing the languages of the conversations indexed so far.")
            _index_languages(connection, watermark)
        connection.execute(index_state.insert().values(name=LANGUAGES_INDEXED, value=1))
