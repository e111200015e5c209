"""The chat widget's socket.io channel on the running system, with a standard socket.io client.

The regression it guards: with Rasa 3.6.21 and python-socketio >= 5.10,
`AsyncServer.enter_room` is a coroutine that Rasa never awaits, so a persistent
session never joins its room and the browser gets no replies at all.
"""

from __future__ import annotations

import inspect

import pytest
import socketio
import websockets

from devtools.running_system import RunningSystem
from tests.support.socketio_client import SocketIOClient


def test_python_socketio_still_joins_rooms_synchronously() -> None:
    assert not inspect.iscoroutinefunction(socketio.AsyncServer.enter_room), (
        "python-socketio >= 5.10 breaks Rasa 3.6's session persistence: keep it pinned"
    )


async def test_persistent_session_gets_its_replies_and_keeps_its_id(
    system: RunningSystem,
) -> None:
    client = await SocketIOClient.connect(system, system.website_url.rstrip("/"))
    try:
        await client.emit("session_request", {"session_id": "socketio-test-visitor"})
        assert await client.event() == ("session_confirm", "socketio-test-visitor")
        await client.emit(
            "user_uttered",
            {"message": "is klonopin addictive", "session_id": "socketio-test-visitor"},
        )
        name, message = await client.event()
        assert name == "bot_uttered"
        assert message["text"].startswith("Yes, clonazepam can be addictive")
    finally:
        await client.websocket.close()


async def test_a_website_that_is_not_allowed_cannot_connect(system: RunningSystem) -> None:
    with pytest.raises(websockets.exceptions.InvalidStatusCode):
        await SocketIOClient.connect(system, "https://not-our-site.example")
