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
    async def connect(cls, bot: RunningSystem | str, origin: str) -> SocketIOClient:
        """Connects to the running system's bot, or to the bot at a URL (e.g. through nginx)."""
        base = bot.bot_url if isinstance(bot, RunningSystem) else bot.rstrip("/")
        url = base.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
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

    async def session(self, session_id: str | None = None) -> str:
        """Asks to resume `session_id` (or for a new conversation): the id the server confirms."""
        await self.emit("session_request", {"session_id": session_id})
        name, confirmed = await self.event()
        assert name == "session_confirm", (name, confirmed)
        return str(confirmed)

    async def ask(self, session_id: str, message: str) -> dict[str, Any]:
        """Sends a message in the conversation: the bot's first reply."""
        await self.emit("user_uttered", {"message": message, "session_id": session_id})
        name, reply = await self.event()
        assert name == "bot_uttered", (name, reply)
        return dict(reply)

    async def events_until_quiet(self, seconds: float = 3.0) -> list[tuple[str, Any]]:
        """Every event that arrives until none has for `seconds` (the rest of a reply)."""
        events = []
        while True:
            try:
                events.append(await asyncio.wait_for(self.event(), timeout=seconds))
            except asyncio.TimeoutError:
                return events

    async def close(self) -> None:
        await self.websocket.close()
