"""storage/lock_store.py on a real Redis server: tickets stay unique across Rasa instances."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rasa.utils.endpoints import EndpointConfig

from devtools.services import RedisServer, ServiceError
from storage.lock_store import AtomicRedisLockStore


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    server = RedisServer(Path(tmp_path_factory.mktemp("redis")))
    try:
        server.start()
    except ServiceError as error:
        pytest.fail(f"{error} (.ci/run installs it)")
    yield server.port
    server.stop()


def instance(redis_port: int) -> AtomicRedisLockStore:
    """A lock store as one Rasa instance creates it from endpoints.yml."""
    config = EndpointConfig(url="127.0.0.1", port=redis_port, db=1, key_prefix="test")
    return AtomicRedisLockStore(endpoint_config=config)


def test_many_instances_asking_at_once_get_distinct_tickets(redis_port: int) -> None:
    stores = [instance(redis_port) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(
            pool.map(lambda n: stores[n % 8].issue_ticket("same-conversation"), range(64))
        )
    assert sorted(tickets) == list(range(64))


async def test_a_second_instance_waits_for_the_first_to_finish(redis_port: int) -> None:
    first, second = instance(redis_port), instance(redis_port)
    order: list[str] = []

    async def handle(store: AtomicRedisLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock("waiting-conversation", wait_time_in_seconds=0.05):
            order.append(f"{name} starts")
            await asyncio.sleep(0.3)
            order.append(f"{name} ends")

    await asyncio.gather(handle(first, "first", 0), handle(second, "second", 0.05))
    assert order == ["first starts", "first ends", "second starts", "second ends"]
    assert first.get_lock("waiting-conversation") is None  # cleaned up after both
