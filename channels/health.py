"""GET /webhooks/health/: whether this Rasa instance can reach what it depends on.

Rasa's own `GET /` says "Hello from Rasa" even when the conversation database
is down (its fail-safe tracker store falls back to memory without telling
anyone). This check asks each dependency:

- the conversation database (storage/tracker_store.py): `SELECT 1`, and how many
  conversations are held in memory waiting to be written;
- the lock store: Redis `PING` (with more than one Rasa instance), or "in memory";
- the action server: its `/health`.

200 with `"status": "ok"` when all answer, 503 with `"status": "degraded"` and
the failing parts otherwise. Visitors keep getting answers either way (911 and
988 never need any of these); this is for monitoring, per instance, and not
exposed through nginx (deploy/nginx/). Configured in credentials.yml.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.lock_store import RedisLockStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from storage.tracker_store import conversation_store

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0


async def database_health(tracker_store: Any) -> dict[str, Any]:
    """The conversation database's state, from our tracker store."""
    store = conversation_store(tracker_store)
    if store is None:
        return {"ok": True, "kind": type(tracker_store).__name__}
    outage = await store.check()
    return {
        "ok": outage.reachable and outage.conversations_waiting == 0,
        "reachable": outage.reachable,
        "unreachable_since": outage.unreachable_since,
        "conversations_waiting_to_be_written": outage.conversations_waiting,
    }


async def lock_store_health(lock_store: Any) -> dict[str, Any]:
    """Redis answers PING, or the lock store is this process's memory."""
    if not isinstance(lock_store, RedisLockStore):
        return {"ok": True, "kind": "in memory (one Rasa instance only)"}
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, lock_store.red.ping)
    except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
        logger.error("Lock store unreachable (%s).", type(error).__name__)
        return {"ok": False, "kind": "redis", "reachable": False}
    return {"ok": True, "kind": "redis", "reachable": True}


def action_server_health_url(webhook_url: str) -> str:
    """http://host:5055/webhook -> http://host:5055/health (rasa-sdk's health route)."""
    parts = urlsplit(webhook_url)
    return urlunsplit((parts.scheme, parts.netloc, "/health", "", ""))


async def action_server_health(action_endpoint: Any) -> dict[str, Any]:
    """The action server answers its /health."""
    if action_endpoint is None or not getattr(action_endpoint, "url", None):
        return {"ok": True, "kind": "not configured"}
    timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(action_server_health_url(action_endpoint.url)) as reply:
                reachable = reply.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        reachable = False
    return {"ok": reachable, "reachable": reachable}


async def health_report(agent: Any) -> dict[str, Any]:
    """Every dependency's state and an overall `status`."""
    checks = {
        "conversation_database": await database_health(agent.tracker_store),
        "lock_store": await lock_store_health(agent.lock_store),
        "action_server": await action_server_health(agent.action_endpoint),
    }
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "degraded", **checks}


class HealthInput(InputChannel):
    """Not a chat channel: the health check route. Configured in credentials.yml."""

    @classmethod
    def name(cls) -> str:
        """URL prefix: /webhooks/health/."""
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET /webhooks/health/."""
        blueprint = Blueprint("health", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                return response.json({"status": "starting"}, status=503)
            report = await health_report(agent)
            return response.json(report, status=200 if report["status"] == "ok" else 503)

        return blueprint
