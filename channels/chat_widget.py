"""The website chat widget's channel: Rasa's socket.io channel, locked to our origins, plus 👍/👎.

Standard Rasa widgets (botfront's rasa-webchat 1.0.x, socket.io client 3.x or 4.x)
connect to it like to Rasa's own `socketio` channel: same events, same session
persistence. Two differences:

- only the origins in `cors_allowed_origins` may connect (Rasa's channel allows any);
- `POST /webhooks/chat_widget/feedback` records a visitor's 👍 / 👎 on an answer as
  an `answer_feedback` slot event in the conversation, for the staff review app;
- messages pass the same guards as the REST channel (channels/message_guard.py):
  length limit, rate limit per conversation, typed `/intent` only when offered;
- each `bot_uttered` of a domain response carries `lang` ("en" / "es"): "es" for a Spanish
  variation (its `metadata: {language: es}` in domain.yml), else "en", so that the widget
  can mark it for screen readers and follow the conversation's language.

Session persistence needs python-socketio < 5.10 with Rasa 3.6.21 (see
requirements.in); tests/integration/test_chat_widget_socketio.py catches the regression.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, SlotSet
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import rasa_fixes
from channels.message_guard import RateLimiter, socket_message_problem, socket_session_problem
from channels.screening import (
    reply_language,
    request_json,
    response_text,
    screen_message,
    with_conversation_language,
)
from content.languages import ENGLISH, LANGUAGE_SLOT, known_language
from storage.redaction import redact_text

logger = logging.getLogger(__name__)

FEEDBACK_SLOT = "answer_feedback"
RATINGS = ("up", "down")
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT_LENGTH = 2000


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


def feedback_event(events: list[Any], feedback: Feedback) -> SlotSet | None:
    """The slot event recording the rating of the latest bot message containing the text.

    The widget shows each paragraph of a response as its own message, so the
    rated text is found inside a BotUttered; stored conversations are redacted
    (storage/redaction/), so the redacted text is looked for too. None if the
    bot never said it.
    """
    wanted = {feedback.text, redact_text(feedback.text)}
    for event in reversed(events):
        if isinstance(event, BotUttered) and any(text in (event.text or "") for text in wanted):
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
    """Rasa's socket.io output, with `lang` on each part of a message that has a language."""

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
            response = {**response, "lang": self.language}
        await super()._send_message(socket_id, response)


class ChatWidgetInput(SocketIOInput):
    """Rasa's socket.io channel with allowed origins and a feedback endpoint."""

    @classmethod
    def name(cls) -> str:
        """Name of the channel: its HTTP routes are under /webhooks/chat_widget/."""
        return "chat_widget"

    origins: list[str] = []  # set by from_credentials; required before blueprint()
    rate_limiter: RateLimiter = RateLimiter()  # replaced per channel by from_credentials
    app: Any = None  # the Sanic app, kept when the server starts (for the agent)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ChatWidgetInput:
        """Rasa's socket.io settings, plus `cors_allowed_origins`, from credentials.yml."""
        rasa_fixes.install()
        channel = super().from_credentials(credentials)
        assert isinstance(channel, ChatWidgetInput)
        settings = credentials or {}
        channel.origins = allowed_origins(settings.get("cors_allowed_origins"))
        channel.rate_limiter = RateLimiter.from_settings(settings)
        return channel

    def guarded(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[Any]]:
        """`on_new_message` behind the visitor-input guards."""

        async def guarded_on_new_message(message: UserMessage) -> None:
            if not isinstance(message.text, str):
                logger.info("Ignored a socket.io message without text.")
                return
            agent = self.app.ctx.agent
            screened = await screen_message(
                agent, self.rate_limiter, message.sender_id, message.text
            )
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

    def drop_malformed(self, event: str, problem_of: Callable[[Any], str | None]) -> None:
        """Puts a payload check in front of Rasa's handler of a socket.io event.

        Rasa's handlers index whatever a client sends (`data["session_id"]`), so a
        string, a list or a non-string id would raise inside the server.
        """
        assert self.sio is not None
        handlers = self.sio.handlers[self.namespace or "/"]
        rasa_handler = handlers[event]

        async def checked(sid: str, data: Any = None) -> Any:
            problem = problem_of(data)
            if problem:
                logger.info("Dropped a socket.io %s event: %s.", event, problem)
                return None
            return await rasa_handler(sid, data)

        handlers[event] = checked

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint, restricted to our origins, plus /feedback."""
        if not self.origins:
            raise ValueError("chat_widget: no allowed origins (use from_credentials).")
        blueprint = super().blueprint(self.guarded(on_new_message))

        @blueprint.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            self.app = app

        assert self.sio is not None
        # Rasa creates the server with cors_allowed_origins=[] (no origin check at
        # all); Engine.IO reads this attribute on every connection.
        self.sio.eio.cors_allowed_origins = self.origins
        self.drop_malformed("session_request", socket_session_problem)
        self.drop_malformed(self.user_message_evt, socket_message_problem)

        @blueprint.route("/feedback", methods=["POST", "OPTIONS"])
        async def feedback(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty()
            parsed = parse_feedback(request_json(request))
            if isinstance(parsed, str):
                return response.json({"error": parsed}, status=400)
            return await record_feedback(request, parsed)

        return blueprint


async def record_feedback(request: Request, feedback: Feedback) -> HTTPResponse:
    """Appends the rating to the conversation (under its lock) and saves it."""
    agent = request.app.ctx.agent
    try:
        async with agent.lock_store.lock(feedback.session_id):
            tracker = await agent.tracker_store.retrieve(feedback.session_id)
            event = feedback_event(list(tracker.events), feedback) if tracker else None
            if event is None:
                return response.json({"error": "No such message in this conversation."}, 404)
            tracker.update(event)
            await agent.tracker_store.save(tracker)
    except Exception as error:  # noqa: BLE001 - a storage failure is logged and reported as 503
        # The type only, as in actions/guarded_action.py: database errors quote the
        # stored conversation in their message.
        logger.error("Could not record answer feedback: %s", type(error).__name__)
        return response.json({"error": "Feedback could not be saved."}, status=503)
    logger.info("Answer feedback recorded: %s", feedback.rating)
    return response.json({"status": "recorded"})
