"""The website chat widget's channel: Rasa's socket.io channel, locked to our origins, plus 👍/👎.

Standard Rasa widgets (botfront's rasa-webchat 1.0.x, socket.io client 3.x or 4.x)
connect to it like to Rasa's own `socketio` channel: same events, same session
persistence, over WebSocket or HTTP long-polling. The differences:

- only the origins in `cors_allowed_origins` may connect (Rasa's channel allows any), and
  this channel is the only CORS layer of its paths (`cors_headers`): Sanic-CORS, which
  `rasa run --cors` adds to every path, leaves them alone, so a polling response carries
  one `Access-Control-Allow-Origin`, as browsers require;
- conversation ids are issued by the server and carry their own proof
  (channels/conversation_ids.py); each socket holds one conversation and has an event
  allowance, and new conversations are capped per minute (channels/socket_sessions.py);
- `POST /webhooks/chat_widget/feedback` records a visitor's 👍 / 👎 on an answer as
  an `answer_feedback` slot event in the conversation, for the staff review app;
- messages pass the same guards as the REST channel (channels/message_guard.py):
  length limit, rate limit per conversation, typed `/intent` only when offered;
- each `bot_uttered` of a domain response carries `metadata: {"language": "en" | "es"}`:
  "es" for a Spanish variation (its `metadata: {language: es}` in domain.yml), else "en",
  so that the widget can mark it for screen readers and follow the conversation's
  language. In `metadata`, which standard widgets set aside: rasa-webchat shows a text
  message only if it has no other key than `text` (and `metadata`).

Several Rasa instances: a staff member's message (channels/takeover.py) is emitted by the
instance the review app called, while the visitor's socket may be held by another. With
SOCKET_MESSAGE_QUEUE set to a Redis URL, every instance's socket.io server shares its
emits through Redis (python-socketio's AsyncRedisManager), so a room's sockets get them
wherever they are connected. One instance (`make run`) needs none.

Session persistence needs python-socketio < 5.10 with Rasa 3.6.21 (see
requirements.in); tests/integration/test_chat_widget_socketio.py catches the regression.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, SlotSet
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncRedisManager

from channels import rasa_fixes
from channels.conversation_ids import ConversationIds
from channels.message_guard import (
    TOO_MANY_RESPONSE,
    RateLimiter,
    socket_message_problem,
    socket_session_problem,
)
from channels.screening import (
    Screened,
    reply_language,
    request_json,
    response_text,
    screen_message,
    with_conversation_language,
)
from channels.socket_sessions import SocketSessions
from content.languages import ENGLISH, LANGUAGE_SLOT, known_language
from storage.redaction import redact_text

logger = logging.getLogger(__name__)

FEEDBACK_SLOT = "answer_feedback"
RATINGS = ("up", "down")
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT_LENGTH = 2000
# Rasa's socket.io output sends each paragraph of a bot message as its own message.
PARAGRAPH_BREAK = "\n\n"
PREFLIGHT_MAX_AGE_SECONDS = "600"
NO_SUCH_MESSAGE = "No such message in this conversation."
# A Redis URL: several Rasa instances share socket.io emits through it (share_emits).
MESSAGE_QUEUE_VARIABLE = "SOCKET_MESSAGE_QUEUE"
MESSAGE_QUEUE_CHANNEL = "clonazepam-chat-widget"


def allowed_origins(setting: Any) -> list[str]:
    """Origins from a list or a comma-separated string; "*" is refused."""
    if isinstance(setting, str):
        origins = [origin.strip() for origin in setting.split(",")]
    elif isinstance(setting, list):
        origins = [str(origin).strip() for origin in setting]
    else:
        origins = []
    origins = [origin.rstrip("/") for origin in origins if origin]
    if not origins or "*" in origins:
        raise ValueError(
            "chat_widget: set cors_allowed_origins (WIDGET_ORIGINS) to the website origins "
            "that embed the widget, e.g. https://www.example.org; '*' is not allowed."
        )
    return origins


@dataclass(frozen=True)
class Feedback:
    """A visitor's rating of one bot message."""

    session_id: str
    rating: str
    text: str


def parse_feedback(body: Any) -> Feedback | str:
    """The feedback in a request body, or what is wrong with it (for a 400 answer)."""
    if not isinstance(body, dict):
        return "Send a JSON object."
    session_id, rating, text = body.get("session_id"), body.get("rating"), body.get("text")
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        return "session_id is missing or malformed."
    if rating not in RATINGS:
        return "rating must be 'up' or 'down'."
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_LENGTH:
        return f"text must be the rated message (1 to {MAX_TEXT_LENGTH} characters)."
    return Feedback(session_id, rating, text.strip())


def paragraphs(text: str | None) -> set[str]:
    """The paragraphs of a bot message, as the widget shows them (one message each)."""
    return {part.strip() for part in (text or "").strip().split(PARAGRAPH_BREAK)}


def feedback_event(events: list[Any], feedback: Feedback) -> SlotSet | None:
    """The slot event recording the rating of the latest bot message the visitor rated.

    The widget shows each paragraph of a response as its own message, so the rated
    text must be one whole paragraph of a BotUttered (a part of one would let anyone
    probe past replies a character at a time); stored conversations are redacted
    (storage/redaction/), so the redacted text is looked for too. None if the bot
    never said it.
    """
    wanted = {feedback.text, redact_text(feedback.text)}
    for event in reversed(events):
        if isinstance(event, BotUttered) and wanted & paragraphs(event.text):
            return SlotSet(
                FEEDBACK_SLOT,
                {
                    "rating": feedback.rating,
                    "response": (event.metadata or {}).get("utter_action"),
                    "text": feedback.text,
                    "answered_at": event.timestamp,
                },
            )
    return None


def response_language(message: dict[str, Any]) -> str | None:
    """The language a bot message is in.

    Its response variation's `metadata.language` (the Spanish ones have it), else English
    for a domain response, else unknown (None).
    """
    metadata = message.get("metadata")
    language = known_language(metadata.get(LANGUAGE_SLOT)) if isinstance(metadata, dict) else None
    if language:
        return language
    return ENGLISH if message.get("utter_action") else None


class LanguageTaggedOutput(SocketIOOutput):
    """Rasa's socket.io output, each part of a message stating the message's language."""

    def __init__(self, output: SocketIOOutput) -> None:
        super().__init__(output.sio, output.bot_message_evt)
        self.language: str | None = None

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Sends the message's parts, each tagged with the message's language."""
        self.language = response_language(message)
        try:
            await super().send_response(recipient_id, message)
        finally:
            self.language = None

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if self.language and isinstance(response, dict):
            metadata = response.get("metadata")
            metadata = metadata if isinstance(metadata, dict) else {}
            response = {**response, "metadata": {**metadata, LANGUAGE_SLOT: self.language}}
        await super()._send_message(socket_id, response)


def cors_headers(origin: str | None, origins: list[str]) -> dict[str, str]:
    """The CORS headers of an answer to a page of `origin`: none unless it is allowed."""
    if origin is None or origin.rstrip("/") not in origins:
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_SECONDS,
        "Vary": "Origin",
    }


class ChatWidgetInput(SocketIOInput):
    """Rasa's socket.io channel with allowed origins, server-issued ids and a feedback endpoint."""

    @classmethod
    def name(cls) -> str:
        """Name of the channel: its HTTP routes are under /webhooks/chat_widget/."""
        return "chat_widget"

    origins: list[str] = []  # set by from_credentials; required before blueprint()
    rate_limiter: RateLimiter = RateLimiter()  # replaced per channel by from_credentials
    sessions: SocketSessions | None = None  # set by from_credentials
    app: Any = None  # the Sanic app, kept when the server starts (for the agent)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ChatWidgetInput:
        """Rasa's socket.io settings, plus our own (credentials.yml), checked at start-up."""
        rasa_fixes.install()
        settings = credentials or {}
        if not settings.get("session_persistence"):
            raise ValueError("chat_widget: session_persistence must be true.")
        channel = super().from_credentials(credentials)
        assert isinstance(channel, ChatWidgetInput)
        channel.origins = allowed_origins(settings.get("cors_allowed_origins"))
        channel.rate_limiter = RateLimiter.from_settings(settings)
        channel.sessions = SocketSessions.from_settings(settings)
        return channel

    @property
    def conversation_ids(self) -> ConversationIds:
        """The issuer of this channel's conversation ids."""
        if self.sessions is None:
            raise ValueError("chat_widget: not configured (use from_credentials).")
        return self.sessions.ids

    def guarded(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[Any]]:
        """`on_new_message` behind the visitor-input guards and the cap on new conversations."""

        async def guarded_on_new_message(message: UserMessage) -> None:
            if not isinstance(message.text, str):
                logger.info("Ignored a socket.io message without text.")
                return
            agent = self.app.ctx.agent
            assert self.sessions is not None
            if self.sessions.may_start(message.sender_id):
                screened = await screen_message(
                    agent, self.rate_limiter, message.sender_id, message.text
                )
            else:
                logger.warning("New conversations over the cap: a first message not read.")
                screened = Screened(reply_response=TOO_MANY_RESPONSE, status=429)
            if screened.text is None:
                logger.info("Widget message not processed: %s", screened.reply_response)
                language = reply_language(message.text, message.metadata)
                text = response_text(agent.domain, str(screened.reply_response), language)
                await message.output_channel.send_text_message(message.sender_id, text)
                return
            message.text = screened.text
            message.metadata = await with_conversation_language(
                agent, message.sender_id, screened.text, message.metadata
            )
            if isinstance(message.output_channel, SocketIOOutput):
                message.output_channel = LanguageTaggedOutput(message.output_channel)
            await on_new_message(message)

        return guarded_on_new_message

    def hold_one_conversation_per_socket(self) -> None:
        """Replaces Rasa's `session_request` and guards its message handler.

        Rasa's handlers confirm whatever id a client asks for and read messages naming any
        conversation, and index whatever a client sends (`data["session_id"]`: a string,
        a list or a non-string id would raise inside the server).
        """
        assert self.sio is not None and self.sessions is not None
        sio, sessions, namespace = self.sio, self.sessions, self.namespace or "/"
        handlers = sio.handlers[namespace]
        rasa_message_handler = handlers[self.user_message_evt]
        rasa_disconnect = handlers["disconnect"]

        async def session_request(sid: str, data: Any = None) -> None:
            problem = socket_session_problem(data)
            if not problem and not sessions.allow_event(sid):
                problem = "over the socket's allowance"
            if problem:
                logger.info("Dropped a socket.io session_request: %s.", problem)
                return
            previous = sessions.held_by(sid)
            conversation_id = sessions.confirm(sid, (data or {}).get("session_id"))
            if previous is not None and previous != conversation_id:
                sio.leave_room(sid, previous, namespace=namespace)
            sio.enter_room(sid, conversation_id, namespace=namespace)
            await sio.emit("session_confirm", conversation_id, room=sid, namespace=namespace)

        async def user_uttered(sid: str, data: Any = None) -> None:
            problem = socket_message_problem(data)
            if not problem and not sessions.allow_event(sid):
                problem = "over the socket's allowance"
            held_before = sessions.held_by(sid)
            if not problem and not sessions.adopt(sid, data["session_id"]):
                problem = "not the socket's conversation"
            if problem:
                logger.info("Dropped a socket.io %s event: %s.", self.user_message_evt, problem)
                return
            if held_before is None:  # sent before its session_request: it joins the room now
                sio.enter_room(sid, data["session_id"], namespace=namespace)
            await rasa_message_handler(sid, data)

        async def disconnect(sid: str) -> None:
            sessions.forget(sid)
            await rasa_disconnect(sid)

        handlers["session_request"] = session_request
        handlers[self.user_message_evt] = user_uttered
        handlers["disconnect"] = disconnect

    def owns(self, path: str) -> bool:
        """Whether a request path is this channel's (socket.io, or under /webhooks/chat_widget/)."""
        socketio_path = "/" + (self.socketio_path or "socket.io").strip("/")
        return path.startswith((socketio_path, f"/webhooks/{self.name()}/"))

    def answer_cors_first(self, app: Any) -> None:
        """Makes this channel the only CORS layer of its paths.

        `rasa run` always installs Sanic-CORS on every path (with the `--cors` origins, or
        none): its request middleware answers every preflight itself, and its response
        middleware adds a second `Access-Control-Allow-Origin` to Engine.IO's, which
        browsers refuse. Registered when the server starts, after Sanic-CORS, these run
        before its own: preflights of our paths are answered here (the socket.io ones by
        Engine.IO), and every answer of our paths is marked as already given its headers.
        """
        assert self.sio is not None
        sio = self.sio

        async def preflight(request: Request) -> HTTPResponse | None:
            if request.method != "OPTIONS" or not self.owns(request.path):
                return None
            if request.path.startswith(f"/webhooks/{self.name()}/"):
                return response.empty(
                    headers=cors_headers(request.headers.get("origin"), self.origins)
                )
            return await sio.handle_request(request)

        async def headers_given(request: Request, _response: Any) -> None:
            if self.owns(request.path):
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")

        app.request_middleware.appendleft(preflight)  # before Sanic-CORS's, as it puts its own
        app.register_middleware(headers_given, "response")  # response ones run newest first

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint, restricted to our origins and ids, plus /feedback."""
        if not self.origins or self.sessions is None:
            raise ValueError("chat_widget: not configured (use from_credentials).")
        blueprint = super().blueprint(self.guarded(on_new_message))

        @blueprint.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            self.app = app
            app.ctx.chat_widget = self  # the takeover channel pushes staff messages through it
            self.answer_cors_first(app)

        assert self.sio is not None
        # Rasa creates the server with cors_allowed_origins=[] (no origin check at
        # all); Engine.IO reads this attribute on every connection.
        self.sio.eio.cors_allowed_origins = self.origins
        share_emits(self.sio, os.environ.get(MESSAGE_QUEUE_VARIABLE, "").strip())
        self.hold_one_conversation_per_socket()

        @blueprint.route("/feedback", methods=["POST", "OPTIONS"])
        async def feedback(request: Request) -> HTTPResponse:
            origin = request.headers.get("origin")
            headers = cors_headers(origin, self.origins)
            if origin is not None and "Access-Control-Allow-Origin" not in headers:
                return response.json(
                    {"error": "This website may not use the chat."}, status=403, headers=headers
                )
            if request.method == "OPTIONS":
                return response.empty(headers=headers)
            parsed = parse_feedback(request_json(request))
            if isinstance(parsed, str):
                return response.json({"error": parsed}, status=400, headers=headers)
            if not self.conversation_ids.is_genuine(parsed.session_id):
                answer = response.json({"error": NO_SUCH_MESSAGE}, status=404)
            else:
                answer = await record_feedback(request, parsed)
            answer.headers.update(headers)
            return answer

        return blueprint


def share_emits(sio: Any, queue_url: str) -> None:
    """Makes the socket.io server share its emits with the other instances through Redis.

    Replaces the server's client manager before any socket connects (it is initialised on
    the first connection). Nothing without a URL.
    """
    if not queue_url:
        return
    manager = AsyncRedisManager(queue_url, channel=MESSAGE_QUEUE_CHANNEL)
    manager.set_server(sio)
    sio.manager = manager
    logger.info("socket.io emits shared through Redis.")


async def record_feedback(request: Request, feedback: Feedback) -> HTTPResponse:
    """Appends the rating to the conversation (under its lock) and saves it."""
    agent = request.app.ctx.agent
    try:
        async with agent.lock_store.lock(feedback.session_id):
            tracker = await agent.tracker_store.retrieve(feedback.session_id)
            event = feedback_event(list(tracker.events), feedback) if tracker else None
            if event is None:
                return response.json({"error": NO_SUCH_MESSAGE}, 404)
            tracker.update(event)
            await agent.tracker_store.save(tracker)
    except Exception as error:  # noqa: BLE001 - a storage failure is logged and reported as 503
        # The type only, as in actions/guarded_action.py: database errors quote the
        # stored conversation in their message.
        logger.error("Could not record answer feedback: %s", type(error).__name__)
        return response.json({"error": "Feedback could not be saved."}, status=503)
    logger.info("Answer feedback recorded: %s", feedback.rating)
    return response.json({"status": "recorded"})
