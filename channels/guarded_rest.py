"""Rasa's REST channel with the visitor-input guards (channels/message_guard.py).

Same URL and answer format as Rasa's `rest` channel (POST
/webhooks/rest/webhook, `{"sender": ..., "message": ...}` → a list of bot
messages), but:

- a body that is not JSON, a missing or non-string `message`, an over-long or odd
  `sender` → 400 with a clear error, never a 500;
- a message over MAX_MESSAGE_LENGTH characters → a polite reply, not processed;
- too many messages in one conversation → 429 with a polite reply;
- a typed `/intent` is honoured only if the bot just offered it as a button;
- nothing the visitor wrote is logged (Rasa's own REST channel logs the text of
  a failed message at ERROR level); a failure while processing gets a polite
  reply with the 911 line, never a 5xx;
- the `stream` option and a client-chosen `input_channel` are not supported;
- while a member of the intake team holds the conversation (channels/takeover.py), each
  answer starts with what they wrote since the visitor's previous message (a REST client
  cannot be sent anything unasked), marked `"custom": {"from": "person", ...}`.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import rasa_fixes
from channels.message_guard import RateLimiter, validate_rest_body
from channels.screening import (
    reply_language,
    request_json,
    response_text,
    screen_message,
    with_conversation_language,
)
from channels.takeover import undelivered_staff_messages
from storage.tracker_store import tracker_saved_in_this_request

logger = logging.getLogger(__name__)

FAILURE_RESPONSE = "utter_something_went_wrong"


class GuardedRestInput(RestInput):
    """The REST channel, guarded. Configured in credentials.yml."""

    def __init__(self, rate_limiter: RateLimiter | None = None) -> None:
        self.rate_limiter = rate_limiter or RateLimiter()

    @classmethod
    def name(cls) -> str:
        """Same name, hence same URL, as Rasa's REST channel."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        """Optional `messages_per_minute` and `burst` (default 20 and 20) per conversation."""
        rasa_fixes.install()
        return cls(RateLimiter.from_settings(credentials or {}))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / (health) and POST /webhook, guarded."""
        blueprint = Blueprint("guarded_rest_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = validate_rest_body(request_json(request))
            if isinstance(parsed, str):
                return response.json({"error": parsed}, status=400)
            agent = request.app.ctx.agent

            def reply(name: str, status: int = 200) -> HTTPResponse:
                language = reply_language(parsed.message, parsed.metadata)
                text = response_text(agent.domain, name, language)
                return response.json([{"recipient_id": parsed.sender, "text": text}], status)

            screened = await screen_message(agent, self.rate_limiter, parsed.sender, parsed.message)
            if screened.text is None:
                logger.info("REST message not processed: %s", screened.reply_response)
                return reply(str(screened.reply_response), screened.status)
            metadata = await with_conversation_language(
                agent, parsed.sender, screened.text, parsed.metadata
            )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        screened.text,
                        collector,
                        parsed.sender,
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except CancelledError:
                logger.error("A REST message timed out.")
                return reply(FAILURE_RESPONSE)
            except Exception as error:  # noqa: BLE001 - the visitor gets a reply, not a 500
                logger.error("A REST message failed: %s", type(error).__name__)
                return reply(FAILURE_RESPONSE)
            staff_messages = await staff_messages_before(agent, parsed.sender)
            return response.json(staff_messages + collector.messages)

        return blueprint


async def staff_messages_before(agent: Any, sender: str) -> list[dict[str, Any]]:
    """What the intake team wrote between the visitor's previous message and this one.

    Read from the conversation as handling the message saved it (the tracker store keeps it
    for the request), else from the tracker store; none when the conversation cannot be read:
    the visitor still gets the bot's answer.
    """
    saved = tracker_saved_in_this_request(sender)
    if saved is not None:
        return undelivered_staff_messages(saved)
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception as error:  # noqa: BLE001 - the answer matters more than staff messages
        logger.warning("Staff messages not read: %s", type(error).__name__)
        return []
    return undelivered_staff_messages(tracker)
