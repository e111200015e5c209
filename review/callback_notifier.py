"""Tells the intake team that callback requests are waiting, from the review app.

The action server stores requests but has no route out of its network
(deploy/docker-compose.yml), so the review app announces them: a background thread
looks every CALLBACK_NOTIFY_SECONDS (30) for `new` requests not yet announced, marks
them, and sends one notice through clinic/notifications.py (e-mail and/or webhook,
with no personal or health data: only that requests wait, and the link). When sending
fails the marks are taken back, so the next pass tries again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa

from clinic.notifications import NotificationSettings, notify_callback_requested
from storage.callbacks import NEW, callbacks

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 30.0
Sender = Callable[[NotificationSettings], list[str]]


def _claim(engine: sa.engine.Engine, now: float) -> list[int]:
    """Marks the new, unannounced requests as announced at `now`; their ids."""
    unannounced = sa.and_(callbacks.c.status == NEW, callbacks.c.notified_at.is_(None))
    with engine.begin() as connection:
        ids = list(connection.execute(sa.select(callbacks.c.id).where(unannounced)).scalars())
        if ids:
            connection.execute(
                callbacks.update()
                .where(callbacks.c.id.in_(ids), callbacks.c.notified_at.is_(None))
                .values(notified_at=now)
            )
    return ids


def _unclaim(engine: sa.engine.Engine, ids: list[int], now: float) -> None:
    with engine.begin() as connection:
        connection.execute(
            callbacks.update()
            .where(callbacks.c.id.in_(ids), callbacks.c.notified_at == now)
            .values(notified_at=None)
        )


def announce_waiting(
    engine: sa.engine.Engine,
    settings: NotificationSettings,
    now: float,
    send: Sender = notify_callback_requested,
) -> int:
    """Sends one notice if new requests wait unannounced; how many it announced."""
    if not (settings.email_enabled or settings.webhook_enabled):
        return 0
    ids = _claim(engine, now)
    if not ids:
        return 0
    if not send(settings):
        _unclaim(engine, ids, now)
        return 0
    logger.info("Announced %d waiting callback request(s)", len(ids))
    return len(ids)


def start(
    engine: sa.engine.Engine,
    settings: NotificationSettings,
    interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
) -> threading.Thread | None:
    """Starts the announcing thread (a daemon); None when no channel is configured."""
    if not (settings.email_enabled or settings.webhook_enabled):
        logger.info("Callback notifications are off (no SMTP server or webhook configured)")
        return None

    def run() -> None:
        while True:
            try:
                announce_waiting(engine, settings, time.time())
            except sa.exc.SQLAlchemyError as error:
                logger.warning("Callback notifier: database error %s", type(error).__name__)
            time.sleep(interval_seconds)

    thread = threading.Thread(target=run, name="callback-notifier", daemon=True)
    thread.start()
    return thread
