"""storage/tracker_store.py with PostgreSQL down: nothing raised or lost, the outage reported."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from devtools.services import PostgresServer, postgres_server
from storage.tracker_store import RedactingSQLTrackerStore
from tests.support.stored_events import stored_texts, turn

DOMAIN = Domain.load("domain.yml")


@pytest.fixture
def server() -> Iterator[PostgresServer]:
    with postgres_server() as started:
        yield started


def store_for(server: PostgresServer, **options: float) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(DOMAIN, host=server.url, retry_seconds=0, **options)


async def test_a_conversation_held_during_an_outage_is_written_when_the_database_returns(
    server: PostgresServer,
) -> None:
    store = store_for(server)
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    turn(tracker, "is it addictive?", "answer one")
    await store.save(tracker)

    server.stop()
    tracker = await store.retrieve("visitor")  # fails quietly: no tracker
    assert tracker is None
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)  # Rasa starts afresh
    turn(tracker, "can I drink on it?", "answer two")
    await store.save(tracker)  # no exception: held
    outage = store.outage()
    assert not outage.reachable and outage.conversations_waiting == 1
    held = await store.retrieve("visitor")
    assert held is not None
    turn(held, "what about withdrawal?", "answer three")
    await store.save(held)

    server.start()
    outage = await store.check()
    assert outage.reachable and outage.conversations_waiting == 0
    assert stored_texts(server.url, "visitor") == [
        "is it addictive?",
        "answer one",
        "can I drink on it?",
        "answer two",
        "what about withdrawal?",
        "answer three",
    ]


async def test_only_so_many_conversations_are_held(server: PostgresServer) -> None:
    store = store_for(server, max_held_conversations=3)
    server.stop()
    for number in range(5):
        tracker = DialogueStateTracker(f"visitor-{number}", DOMAIN.slots)
        turn(tracker, "hello", "hi")
        await store.save(tracker)
    assert store.outage().conversations_waiting == 3
    assert await store.retrieve("visitor-0") is None  # the oldest were dropped
    assert await store.retrieve("visitor-4") is not None
    server.start()


async def test_the_health_probe_sees_the_outage_before_any_visitor_does(
    server: PostgresServer,
) -> None:
    store = store_for(server)
    assert (await store.check()).reachable
    server.stop()
    outage = await store.check()
    assert not outage.reachable and outage.unreachable_since is not None
    server.start()
    assert (await store.check()).reachable
