"""Rasa's SQL tracker store, writing only redacted events (database and event broker).

The bot decides on the visitor's original message, in memory; what is written
has phone numbers, e-mail addresses, SSNs, dates of birth, street addresses,
card numbers and introduced names replaced by typed placeholders
(storage/redaction.py) in user text, parse data, metadata, slot values and bot
text. Later turns of a conversation are read back redacted too.

Configured in endpoints.yml; the database is the URL in CONVERSATIONS_DB_URL
(`make run`: a SQLite file, conversations.db; PostgreSQL with a postgresql:// URL).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from storage.redaction import redact


def redacted_event(event: Event) -> Event:
    """A copy of the event with every string in it redacted."""
    return Event.from_parameters(redact(event.as_dict()))


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Stores and streams redacted copies of the events; the live tracker is untouched."""

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events not stored yet, redacted (SQLTrackerStore.save writes these)."""
        return (redacted_event(event) for event in super()._additional_events(session, tracker))

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        """Publishes redacted copies to the event broker, if one is configured."""
        redacted = [redacted_event(event) for event in new_events]
        await super()._stream_new_events(event_broker, redacted, sender_id)
