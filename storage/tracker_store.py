"""Rasa's SQL tracker store, writing only redacted events, and riding out database outages.

The bot decides on the visitor's original message, in memory; what is written
has phone numbers, e-mail addresses, SSNs, dates of birth, street addresses,
card numbers and introduced names replaced by typed placeholders
(storage/redaction/) in user text, parse data, metadata, slot values and bot
text; the callback form's answers to its name, phone and best-time questions are
placeholders whatever they look like (storage/form_answers.py). Later turns of a
conversation are read back redacted too.

When the database cannot be reached, conversations are held in this process's
memory (at most `max_held_conversations`, oldest dropped first) so visitors keep
getting answers with their conversation's context; the database is retried at
most every `retry_seconds`, and once it answers again the held conversations are
written in order. Rasa's own fail-safe wrapper would instead answer each message
as a new conversation and lose what was said during the outage, silently:
`outage()` is what the health check (channels/health.py) reports.

Configured in endpoints.yml; the database is the URL in CONVERSATIONS_DB_URL
(`make run`: a SQLite file, conversations.db; PostgreSQL with a postgresql:// URL).
"""

from __future__ import annotations

import itertools
import json
import logging
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker, TrackerEventDiffEngine
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.exc import SQLAlchemyError

from storage.form_answers import asked_before_each, conceal
from storage.redaction import redact, strings_in
from storage.redaction.echoes import without_echoes

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 5.0
DEFAULT_MAX_HELD_CONVERSATIONS = 10_000
# How long one attempt to reach PostgreSQL may take before the store gives up.
CONNECT_TIMEOUT_SECONDS = 3
# Conversations whose stored event count is remembered between reading and writing.
MAX_REMEMBERED_COUNTS = 1_000


def stored_forms(
    events: Sequence[Event],
    asked: Mapping[int, str | None],
    unchanged: Container[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The events' dicts as they may leave Rasa: to the database or to an event broker.

    A personal answer to the callback form is replaced by its placeholder (`asked`: the slot
    the form asked for when each event happened, by `id`), every other string is redacted
    but those in `unchanged`, and what a message's redaction removed is removed from the
    rest of the batch too (storage/redaction/echoes.py).
    """
    originals = [event.as_dict() for event in events]
    return without_echoes(
        (data, redact(conceal(event, data, asked.get(id(event))), unchanged))
        for event, data in zip(events, originals, strict=True)
    )


def event_row(sender_id: str, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The `events` table's columns for one event's dict, as `SQLTrackerStore.save` fills them."""
    return {
        "sender_id": sender_id,
        "type_name": type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def events_query(events: sa.Table, current_session_only: bool) -> sa.sql.Select:
    """The `data` of a conversation's stored events, in order (as `SQLTrackerStore._event_query`).

    `current_session_only`: from its latest `session_started` event on (all if it has none).
    The conversation is the bound parameter `sender_id`.
    """
    of_sender = events.c.sender_id == sa.bindparam("sender_id")
    query = sa.select(events.c.data).where(of_sender).order_by(events.c.id)
    if not current_session_only:
        return query
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(of_sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return query.where(sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))


def assistant_strings(domain: Domain) -> frozenset[str]:
    """Every string of the domain's responses: texts, button titles and payloads.

    A stored string equal to one of these is the assistant's own words, not the
    visitor's, and needs no redaction. A response filled in with a slot value
    ("call {intake_phone}") no longer equals its template, so it is still redacted.
    """
    return frozenset(strings_in(domain.responses))


@dataclass(frozen=True)
class Outage:
    """What the health check reports about the conversation database."""

    reachable: bool
    unreachable_since: float | None  # time.time() of the first failure, if unreachable
    conversations_waiting: int  # held in memory, not yet written


# The conversation saved last while handling the current request (each request is its own
# asyncio task, with its own context): the REST channel finds the staff messages in it
# instead of reading the conversation back from the database after every message.
_saved_in_this_request: ContextVar[DialogueStateTracker | None] = ContextVar(
    "saved_in_this_request", default=None
)


def tracker_saved_in_this_request(sender_id: str) -> DialogueStateTracker | None:
    """The conversation `sender_id` as this request saved it, if it saved it."""
    tracker = _saved_in_this_request.get()
    return tracker if tracker is not None and tracker.sender_id == sender_id else None


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Stores redacted copies of the events; holds conversations in memory while the DB is down."""

    def __init__(
        self,
        *args: Any,
        retry_seconds: float = DEFAULT_RETRY_SECONDS,
        max_held_conversations: int = DEFAULT_MAX_HELD_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Rasa's __init__ sets _domain directly: pass it through the setter, which derives
        # the assistant's strings from it.
        self.domain = self.domain
        self._use_resilient_engine()
        events = self.SQLEvent.__table__
        self._read_all = events_query(events, current_session_only=False)
        self._read_current_session = events_query(events, current_session_only=True)
        self.retry_seconds = float(retry_seconds)
        self.max_held_conversations = int(max_held_conversations)
        self.clock = clock
        self._held: OrderedDict[str, str] = OrderedDict()  # sender -> serialised tracker
        # sender -> (the tracker read or written last, its events then in the database)
        self._stored_counts: OrderedDict[str, tuple[weakref.ref[DialogueStateTracker], int]] = (
            OrderedDict()
        )
        self._last_failure: float | None = None  # clock() of the latest failure
        self._unreachable_since: float | None = None  # time.time() of the first

    def _use_resilient_engine(self) -> None:
        """Pings pooled connections before use; bounds how long connecting may block.

        A restarted database leaves the pool's connections dead; without the ping
        the first message after an outage would fail once more. A SQLite file gets a pool
        too (SQLAlchemy 1.4 opens and closes a connection for every read and write of it,
        about 1 % of a message's time; 2.0 pools them, as here).
        """
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        url = engine.url
        options: dict[str, Any] = {"pool_pre_ping": True, **create_engine_kwargs(url)}
        if url.get_backend_name() == "postgresql":
            connect_args = dict(options.pop("connect_args", {}))
            connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
            options["connect_args"] = connect_args
        elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            options.update(pool_pre_ping=False, poolclass=sa.pool.QueuePool)
            options["connect_args"] = {
                **options.get("connect_args", {}),
                "check_same_thread": False,
            }
        engine.dispose()
        self.engine = sa.create_engine(url, **options)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # -- Rasa's TrackerStore interface -------------------------------------------

    @property
    def domain(self) -> Domain:
        """The model's domain (Rasa sets it when the model is loaded)."""
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        self._assistant_strings = assistant_strings(self._domain)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's current session: held in memory if not yet written."""
        return await self._retrieve_resiliently(sender_id, self._retrieve_current_session)

    async def _retrieve_current_session(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = await SQLTrackerStore.retrieve(self, sender_id)
        if tracker is not None:
            self._remember_stored_count(tracker)
        return tracker

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """Every session of the conversation (held in memory: what is held)."""
        return await self._retrieve_resiliently(sender_id, super().retrieve_full_tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Writes the new events, or holds the conversation if the database is down."""
        _saved_in_this_request.set(tracker)
        if self._waiting_to_retry():
            self._hold(tracker)
            return
        try:
            await self._write(tracker)
        except SQLAlchemyError as error:
            self._stored_counts.pop(tracker.sender_id, None)
            self._record_failure(error)
            self._hold(tracker)
            return
        self._held.pop(tracker.sender_id, None)
        self._remember_stored_count(tracker)
        await self._record_success()

    # -- outage handling -----------------------------------------------------------

    def outage(self) -> Outage:
        """Whether the database answered last time, and how many conversations wait."""
        return Outage(
            reachable=self._unreachable_since is None,
            unreachable_since=self._unreachable_since,
            conversations_waiting=len(self._held),
        )

    def probe(self) -> bool:
        """Asks the database for `SELECT 1` (blocking: run it in a thread)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except SQLAlchemyError as error:
            self._record_failure(error)
            return False
        return True

    async def check(self) -> Outage:
        """Probes the database; if it is back, writes the held conversations first."""
        import asyncio

        if await asyncio.get_running_loop().run_in_executor(None, self.probe):
            self._last_failure = None
            await self._record_success()
        return self.outage()

    async def _retrieve_resiliently(
        self, sender_id: str, read: Callable[[str], Any]
    ) -> DialogueStateTracker | None:
        if sender_id in self._held and not self._waiting_to_retry():
            await self._write_held()  # the database may be back: write first, then read
        held = self._held.get(sender_id)
        if held is not None:
            return self.deserialise_tracker(sender_id, held)
        if self._waiting_to_retry():
            return None
        try:
            tracker: DialogueStateTracker | None = await read(sender_id)
        except SQLAlchemyError as error:
            self._record_failure(error)
            return None
        await self._record_success()
        return tracker

    def _waiting_to_retry(self) -> bool:
        return self._last_failure is not None and (
            self.clock() - self._last_failure < self.retry_seconds
        )

    def _hold(self, tracker: DialogueStateTracker) -> None:
        self._held.pop(tracker.sender_id, None)
        self._held[tracker.sender_id] = self.serialise_tracker(tracker)
        while len(self._held) > self.max_held_conversations:
            self._held.popitem(last=False)
            logger.error("Conversation store full while the database is down: dropped one.")

    def _record_failure(self, error: Exception) -> None:
        # The error's class only: its text can carry SQL parameters (visitor text).
        if self._unreachable_since is None:
            self._unreachable_since = time.time()
            logger.error(
                "Conversation database unreachable (%s): holding conversations in "
                "memory and retrying every %.0f s.",
                type(error).__name__,
                self.retry_seconds,
            )
        self._last_failure = self.clock()

    async def _record_success(self) -> None:
        """The database answered: forget the outage and write what was held."""
        was_down = self._unreachable_since is not None
        self._last_failure = None
        self._unreachable_since = None
        if self._held:
            await self._write_held()
        if was_down and self._unreachable_since is None:
            logger.warning("Conversation database reachable again; held conversations written.")

    async def _write_held(self) -> None:
        for sender_id in list(self._held):
            held = self._held.get(sender_id)
            if held is None:
                continue
            try:
                await self._write(self.deserialise_tracker(sender_id, held))
            except SQLAlchemyError as error:
                self._record_failure(error)
                return
            self._held.pop(sender_id, None)

    # -- what is written and read -----------------------------------------------------

    async def _write(self, tracker: DialogueStateTracker) -> None:
        """As `SQLTrackerStore.save`, the new events in one multi-row INSERT.

        Rasa adds one ORM object per event, which SQLAlchemy then inserts one by one to
        learn each new row's id: about 3 ms of every message (docs/deploying.md, "Speed").
        """
        await self.stream_events(tracker)
        asked = asked_before_each(tracker.events)
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            stored = stored_forms(events, asked, self._assistant_strings)
            rows = [
                event_row(tracker.sender_id, event.type_name, data)
                for event, data in zip(events, stored, strict=True)
            ]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """As `SQLTrackerStore._retrieve`: its query, built once, reading only the `data` column.

        Rasa builds an ORM query and whole row objects on every read (~1 ms more a message).
        """
        query = self._read_all if fetch_events_from_all_sessions else self._read_current_session
        with self.engine.connect() as connection:
            stored = connection.execute(query, {"sender_id": sender_id}).all()
        if not stored:
            return None
        events = [json.loads(data) for (data,) in stored]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _remember_stored_count(self, tracker: DialogueStateTracker) -> None:
        """Notes that all of this tracker's events are in the database now.

        Saving the same tracker object then writes the events after these without
        asking the database to count the stored ones: Rasa reads, handles and saves a
        conversation's message under its lock, so nothing else writes in between.
        """
        if tracker.events.maxlen is not None:  # a truncated history: counts would differ
            return
        self._stored_counts.pop(tracker.sender_id, None)
        self._stored_counts[tracker.sender_id] = (weakref.ref(tracker), len(tracker.events))
        while len(self._stored_counts) > MAX_REMEMBERED_COUNTS:
            self._stored_counts.popitem(last=False)

    def _stored_count(self, tracker: DialogueStateTracker) -> int | None:
        """The number of this tracker's events already stored, if this store knows it."""
        remembered = self._stored_counts.get(tracker.sender_id)
        if remembered is None or remembered[0]() is not tracker:
            return None
        return remembered[1]

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events not stored yet (`_write` writes them, redacted).

        A conversation held during an outage may have started afresh (its first
        message could not be read back), or another Rasa instance may have held
        part of it, so its unwritten events are those whose timestamps are not
        stored yet, not "all after the stored count". Otherwise they are those after
        the count, remembered from reading the tracker (Rasa's store would count them
        with one more query on every message).
        """
        if tracker.sender_id in self._held:
            stored = {
                timestamp
                for (timestamp,) in session.query(self.SQLEvent.timestamp).filter(
                    self.SQLEvent.sender_id == tracker.sender_id
                )
            }
            return (event for event in tracker.events if event.timestamp not in stored)
        if (count := self._stored_count(tracker)) is not None:
            return itertools.islice(tracker.events, count, None)
        return super()._additional_events(session, tracker)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publishes the events new since the stored conversation, as the database gets them.

        As Rasa's, if an event broker is configured; but never as said (`stored_forms`).
        """
        if self.event_broker is None:
            return
        new_events = TrackerEventDiffEngine.event_difference(
            await self.retrieve(tracker.sender_id), tracker
        )
        asked = asked_before_each(tracker.events)
        stored = stored_forms(new_events, asked, self._assistant_strings)
        self._publish(self.event_broker, tracker.sender_id, stored)

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        """As `stream_events`, for a caller with the new events only (Rasa's own has none)."""
        asked = asked_before_each(new_events)
        stored = stored_forms(new_events, asked, self._assistant_strings)
        self._publish(event_broker, sender_id, stored)

    def _publish(self, broker: EventBroker, sender_id: str, stored: list[dict[str, Any]]) -> None:
        for data in stored:
            broker.publish({"sender_id": sender_id, **data})


def conversation_store(tracker_store: TrackerStore | None) -> RedactingSQLTrackerStore | None:
    """Our store inside Rasa's wrappers (the agent wraps it in a FailSafeTrackerStore)."""
    store: Any = tracker_store
    for _ in range(3):
        if isinstance(store, RedactingSQLTrackerStore):
            return store
        store = getattr(store, "_tracker_store", None)
    return None
