"""Which conversation each widget socket holds, and the limits on sockets (#17, points 1, 2).

Rasa's socket.io channel lets a socket name any conversation in each message and join
any conversation's room. Here:

- A socket holds **one conversation**, confirmed by `session_request`: the one it asks
  to resume if the id is genuine (channels/conversation_ids.py) and it holds none yet,
  else a new one the server issues. Asking for another conversation later gives a new
  one ("Clear conversation"), never someone else's. Messages naming any other conversation
  are dropped; a message arriving before the `session_request` (sent from the widget's
  buffer on reconnecting) counts as asking for its conversation.
- Every event a socket sends (session requests, messages, refused ones too) takes one
  token from the **socket's allowance** (`socket_burst` at once, refilled at
  `socket_events_per_minute`): one socket cannot churn through conversations.
- Across all sockets, at most `new_conversations_per_minute` conversations (with a
  burst of as many) get their **first message** read each minute; conversations already
  under way go on as usual. A flood of new conversations from many sockets thus cannot
  take the bot from visitors already talking to it; a new visitor during one gets the
  "too many messages" reply, which gives the 911 guidance.

In memory, per Rasa instance (as the per-conversation limit); nginx limits requests
and connections per client address in front of it (deploy/nginx/).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from channels.conversation_ids import ConversationIds
from channels.message_guard import RateLimiter

ALL_SOCKETS = "all sockets"
MAX_REMEMBERED_CONVERSATIONS = 100_000


class SocketSessions:
    """Each socket's conversation, its event allowance, and the cap on new conversations."""

    def __init__(
        self,
        ids: ConversationIds,
        socket_events_per_minute: float = 20.0,
        socket_burst: int = 20,
        new_conversations_per_minute: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ids = ids
        self.socket_allowance = RateLimiter(socket_events_per_minute, socket_burst, clock=clock)
        cap = max(1, round(new_conversations_per_minute))
        self.new_conversations = RateLimiter(
            new_conversations_per_minute, cap, max_conversations=1, clock=clock
        )
        self._held: dict[str, str] = {}
        self._started: OrderedDict[str, None] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SocketSessions:
        """From the chat_widget entry of credentials.yml (defaults 20, 20 and 60)."""
        return cls(
            ConversationIds(str(settings.get("conversation_id_secret") or "")),
            socket_events_per_minute=float(settings.get("socket_events_per_minute", 20)),
            socket_burst=int(settings.get("socket_burst", 20)),
            new_conversations_per_minute=float(settings.get("new_conversations_per_minute", 60)),
        )

    def allow_event(self, socket_id: str) -> bool:
        """Takes one event from the socket's allowance; False once it is spent."""
        return self.socket_allowance.allow(socket_id)

    def confirm(self, socket_id: str, requested: Any) -> str:
        """The conversation a `session_request` gets: the one asked for, or a new one.

        The one asked for only if the server issued it and the socket holds no other
        conversation yet (the first request after connecting); asking again for the
        conversation the socket holds confirms it again.
        """
        held = self._held.get(socket_id)
        if held is not None and requested == held:
            return held
        if held is None and self.ids.is_genuine(requested):
            conversation_id = str(requested)
        else:
            conversation_id = self.ids.issue()
        self._held[socket_id] = conversation_id
        return conversation_id

    def adopt(self, socket_id: str, conversation_id: Any) -> bool:
        """Whether the socket may write into the conversation a message names.

        Yes if it holds it; also if it holds none yet and the server issued the id, which
        it then holds: a message a widget buffered while its connection was dying is sent
        on the new connection before its `session_request`, and must not be lost.
        """
        held = self._held.get(socket_id)
        if held is None and self.ids.is_genuine(conversation_id):
            self._held[socket_id] = held = str(conversation_id)
        return held is not None and held == conversation_id

    def held_by(self, socket_id: str) -> str | None:
        """The conversation the socket holds, if it has been confirmed one."""
        return self._held.get(socket_id)

    def may_start(self, conversation_id: str) -> bool:
        """Whether a message of this conversation may be read (the cap on new ones)."""
        if conversation_id in self._started:
            self._started.move_to_end(conversation_id)
            return True
        if not self.new_conversations.allow(ALL_SOCKETS):
            return False
        self._started[conversation_id] = None
        while len(self._started) > MAX_REMEMBERED_CONVERSATIONS:
            self._started.popitem(last=False)
        return True

    def forget(self, socket_id: str) -> None:
        """The socket disconnected: it holds nothing any more."""
        self._held.pop(socket_id, None)
