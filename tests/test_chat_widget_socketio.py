"""The chat widget's socket.io channel on the running system, with a standard socket.io client.

The regression it guards: with Rasa 3.6.21 and python-socketio >= 5.10,
`AsyncServer.enter_room` is a coroutine that Rasa never awaits, so a persistent
session never joins its room and the browser gets no replies at all.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any

import pytest
import socketio
import websockets

from tests.running_system import RunningSystem


def test_python_socketio_still_joins_rooms_synchronously() -> None:
    assert not inspect.iscoroutinefunction(socketio.AsyncServer.enter_room), (
        "python-socketio >= 5.10 breaks Rasa 3.6's session persistence: keep it pinned"
    )


class SocketIOClient:
    """The socket.io protocol (Engine.IO 4, websocket transport) as any browser widget speaks it.

    python-socketio's own async client needs a newer aiohttp than Rasa 3.6 allows,
    and the protocol is small: "0" open, "40" connect, "42[event, data]" events,
    "2"/"3" ping/pong.
    """

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket

    @classmethod
    async def connect(cls, system: RunningSystem, origin: str) -> SocketIOClient:
        url = f"ws://localhost:{system.rasa_port}/socket.io/?EIO=4&transport=websocket"
        websocket = await websockets.connect(url, extra_headers={"Origin": origin})
        client = cls(websocket)
        assert (await client.packet()).startswith("0")  # Engine.IO open
        await websocket.send("40")
        assert (await client.packet()).startswith("40")  # Socket.IO connect
        return client

    async def packet(self) -> str:
        while True:
            packet = await asyncio.wait_for(self.websocket.recv(), timeout=90)  # hang guard
            if packet == "2":
                await self.websocket.send("3")
                continue
            return str(packet)

    async def emit(self, event: str, data: Any) -> None:
        await self.websocket.send("42" + json.dumps([event, data]))

    async def event(self) -> tuple[str, Any]:
        packet = await self.packet()
        assert packet.startswith("42"), packet
        name, data = json.loads(packet[2:])
        return name, data


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
