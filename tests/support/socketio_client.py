"""The socket.io protocol as the chat widget speaks it, for tests on the running system."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

from devtools.running_system import RunningSystem


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
