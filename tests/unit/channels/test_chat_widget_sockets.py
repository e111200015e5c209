"""channels/chat_widget.py's socket.io handlers, in-process: whose conversation a socket may
join or write into, the socket's allowance, and the cap on new conversations."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain

from channels.chat_widget import ChatWidgetInput
from channels.message_guard import TOO_MANY_RESPONSE
from channels.screening import response_text

DOMAIN = Domain.load("domain.yml")


class Widget:
    """The channel's handlers driven as sockets would drive them, with what each socket got."""

    def __init__(self, **settings: Any) -> None:
        self.channel = ChatWidgetInput.from_credentials(
            {
                "session_persistence": True,
                "cors_allowed_origins": "https://www.example.org",
                "conversation_id_secret": "k" * 32,
                **settings,
            }
        )
        self.read: list[UserMessage] = []  # the messages that reached the bot
        self.channel.blueprint(self.bot)
        assert self.channel.sio is not None
        self.channel.app = SimpleNamespace(ctx=SimpleNamespace(agent=self))
        self.domain, self.tracker_store = DOMAIN, self
        self.emitted: list[tuple[str, Any, str]] = []
        self.channel.sio.emit = self.record  # type: ignore[method-assign]
        self.handlers = self.channel.sio.handlers["/"]
        self.sids: dict[str, str] = {}

    def sid(self, socket: str) -> str:
        """The socket.io id of a (named) connected socket."""
        if socket not in self.sids:
            assert self.channel.sio is not None
            self.sids[socket] = self.channel.sio.manager.connect(socket, "/")
        return self.sids[socket]

    async def bot(self, message: UserMessage) -> None:
        self.read.append(message)

    async def retrieve(self, _sender: str) -> None:
        return None

    async def record(self, event: str, data: Any, room: str, **_: Any) -> None:
        self.emitted.append((event, data, room))

    async def session(self, socket: str, session_id: str | None = None) -> str | None:
        """The id the socket is confirmed, or None if nothing was confirmed."""
        before = len(self.emitted)
        await self.handlers["session_request"](self.sid(socket), {"session_id": session_id})
        confirms = [data for event, data, _ in self.emitted[before:] if event == "session_confirm"]
        return confirms[-1] if confirms else None

    async def say(self, socket: str, session_id: str, text: str) -> None:
        message = {"session_id": session_id, "message": text}
        await self.handlers["user_uttered"](self.sid(socket), message)

    def replies_to(self, room: str) -> list[str]:
        return [
            data["text"]
            for event, data, to in self.emitted
            if event == "bot_uttered" and to == room
        ]


async def test_a_visitor_resumes_the_conversation_after_a_reload() -> None:
    widget = Widget()
    conversation = await widget.session("tab-before-reload")
    assert conversation and widget.channel.conversation_ids.is_genuine(conversation)
    await widget.say("tab-before-reload", conversation, "is klonopin addictive")
    await widget.handlers["disconnect"](widget.sid("tab-before-reload"))
    assert await widget.session("tab-after-reload", conversation) == conversation
    await widget.say("tab-after-reload", conversation, "can I drink on it")
    assert [message.sender_id for message in widget.read] == [conversation, conversation]


async def test_a_message_buffered_before_reconnecting_is_not_lost() -> None:
    widget = Widget()
    conversation = await widget.session("before")
    assert conversation
    await widget.handlers["disconnect"](widget.sid("before"))
    # socket.io clients send what they buffered while offline before the session request.
    await widget.say("reconnected", conversation, "are you still there")
    assert [message.sender_id for message in widget.read] == [conversation]
    rooms = widget.channel.sio.manager.get_rooms(widget.sid("reconnected"), "/")  # type: ignore[union-attr]
    assert conversation in rooms  # so the reply reaches it
    assert await widget.session("reconnected", conversation) == conversation


@pytest.mark.parametrize("made_up", ["socketio-test-visitor", "0" * 48, "victim@example.org"])
async def test_a_made_up_id_is_refused_and_a_new_conversation_given(made_up: str) -> None:
    widget = Widget()
    confirmed = await widget.session("socket", made_up)
    assert confirmed != made_up
    await widget.say("socket", made_up, "hello")
    assert widget.read == []


async def test_a_socket_cannot_join_or_write_into_another_sockets_conversation() -> None:
    widget = Widget()
    victims = await widget.session("victim")
    attackers = await widget.session("attacker")
    assert victims and attackers
    assert await widget.session("attacker", victims) not in (victims, attackers)
    await widget.say("attacker", victims, "posted into someone else's conversation")
    assert widget.read == []
    rooms = widget.channel.sio.manager.get_rooms(widget.sid("attacker"), "/")  # type: ignore[union-attr]
    assert victims not in rooms and attackers not in rooms  # left its old room too


async def test_a_socket_rotating_ids_is_throttled_and_another_visitor_is_answered() -> None:
    widget = Widget(socket_events_per_minute=30, socket_burst=30)
    flooder = await widget.session("flooder")
    assert flooder
    for number in range(200):
        await widget.say("flooder", f"rotating-{number:04d}", "hello")
    assert widget.read == []  # not one reached the bot
    assert await widget.session("flooder") is None  # its allowance is spent
    visitor = await widget.session("visitor")
    assert visitor
    await widget.say("visitor", visitor, "is klonopin addictive")
    assert [message.sender_id for message in widget.read] == [visitor]


async def test_new_conversations_over_the_cap_get_the_911_line_not_the_bot() -> None:
    widget = Widget(new_conversations_per_minute=3)
    talking = await widget.session("talking")
    assert talking
    await widget.say("talking", talking, "is klonopin addictive")
    newcomers = [await widget.session(f"new-{number}") for number in range(5)]
    for number, conversation in enumerate(newcomers):
        assert conversation
        await widget.say(f"new-{number}", conversation, "hello")
    assert len(widget.read) == 3  # the cap: the one under way and two new ones
    turned_away = [c for c in newcomers if c not in {m.sender_id for m in widget.read}]
    assert len(turned_away) == 3
    too_many = response_text(DOMAIN, TOO_MANY_RESPONSE)
    assert "911" in too_many
    assert all(widget.replies_to(conversation) == [too_many] for conversation in turned_away)
    await widget.say("talking", talking, "can I drink on it")  # under way: still read
    assert widget.read[-1].sender_id == talking
