"""Rasa's Redis lock store, with its ticket bookkeeping made atomic across instances.

Rasa 3.6's `RedisLockStore` keeps each conversation's ticket lock as one Redis
value and changes it by read, modify, write. Two Rasa instances receiving
messages of the same conversation at the same moment can both read "no
lock", both write ticket 0, and both process at once; each then stores its
events counted from the same starting point, and one message's events are lost.
Seen in tests/test_multi_instance.py (two of eight messages lost); the fix is a
short Redis mutex (redis-py's `Lock`: SET NX with expiry, released by token)
around every read-modify-write of a conversation's lock.

Configured in endpoints.yml with LOCK_STORE_TYPE=storage.lock_store.AtomicRedisLockStore
and the same settings as Rasa's `redis` type (url = host, port, db, password, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A ticket operation takes a millisecond; the mutex expires by itself if its
# holder dies, and a waiter gives up (LockError, a polite failure reply) after this.
MUTEX_SECONDS = 5.0


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes cannot interleave between Rasa instances."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        """From endpoints.yml (as Rasa creates custom lock stores) or keyword settings."""
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**settings)

    @contextmanager
    def _exclusive(self, conversation_id: str) -> Iterator[None]:
        """Holds the conversation's mutex while its ticket lock is read and rewritten."""
        mutex = self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_SECONDS,
            blocking_timeout=MUTEX_SECONDS,
        )
        with mutex:
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """The next ticket for the conversation, issued once."""
        with self._exclusive(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Removes expired tickets."""
        with self._exclusive(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Removes a served ticket."""
        with self._exclusive(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes a served ticket, and the lock when nobody else waits for it."""
        with self._exclusive(conversation_id):
            lock = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)
