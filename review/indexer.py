"""Summaries of Rasa's stored events, kept up to date incrementally for fast review pages.

Rasa's tracker store only appends to `events`, so the indexer remembers the
highest event id it has read (`review_index_state`) and, on each refresh, reads
only newer rows, in batches. Per conversation it keeps the flags staff filter on
(emergency, crisis, intake prompt shown, unanswered, 👍/👎); per visitor message
the topic the bot understood, its confidence and the (already redacted) text.

Concurrent refreshes (several app threads or processes) are serialised by
updating the watermark row first, which takes the database's write lock on
SQLite and a row lock on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

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


@dataclass(frozen=True)
class VisitorMessage:
    """What the bot understood of one visitor message."""

    topic: str
    confidence: float | None
    unanswered: bool
    text: str


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
    topic, confidence = message_topic(event.get("parse_data") or {})
    return VisitorMessage(
        topic=topic,
        confidence=confidence,
        unanswered=topic in UNANSWERED_INTENTS,
        text=str(event.get("text") or ""),
    )


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

    def add(self, event_id: int, sender_id: str, event: Mapping[str, Any]) -> None:
        """Counts one event into the summary."""
        timestamp = float(event.get("timestamp") or self.last_event_at)
        self.started_at = min(self.started_at, timestamp)
        self.last_event_at = max(self.last_event_at, timestamp)
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


def _summaries(rows: Iterable[Any]) -> dict[str, ConversationSummary]:
    summaries: dict[str, ConversationSummary] = {}
    for row in rows:
        timestamp = float(row.timestamp or 0.0)
        summary = summaries.setdefault(row.sender_id, ConversationSummary(timestamp, timestamp))
        summary.add(row.id, row.sender_id, _load_event(row.data))
    return summaries


def _merge(connection: sa.engine.Connection, summaries: Mapping[str, ConversationSummary]) -> None:
    """Adds the batch's totals to the stored summaries (inserting new conversations)."""
    existing = {
        row.sender_id: row
        for row in connection.execute(
            sa.select(conversations).where(conversations.c.sender_id.in_(list(summaries)))
        )
    }
    inserts = []
    for sender_id, summary in summaries.items():
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
            )
        )
    if inserts:
        connection.execute(conversations.insert(), inserts)
    new_messages = [row for summary in summaries.values() for row in summary.new_messages]
    if new_messages:
        connection.execute(messages.insert(), new_messages)
    new_feedback = [row for summary in summaries.values() for row in summary.new_feedback]
    if new_feedback:
        connection.execute(feedback.insert(), new_feedback)


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
            _merge(connection, _summaries(rows))
            connection.execute(
                index_state.update()
                .where(index_state.c.name == WATERMARK)
                .values(value=rows[-1].id)
            )
        read += len(rows)
    return read
