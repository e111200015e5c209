"""Live takeover: the staff review app's door into a visitor's conversation.

The review app (review/live.py) calls these routes when a member of the intake team takes a
conversation over, writes to the visitor, and hands it back (docs/live-takeover.md):

- `POST /webhooks/takeover/start`   `{"conversation", "staff"}`: pauses the bot (Rasa's
  `ConversationPaused`, its metadata naming the staff member) and tells the visitor that a
  member of the intake team has joined (`utter_staff_joined`);
- `POST /webhooks/takeover/message` `{"conversation", "staff", "text"}`: the staff member's
  message, stored as a bot event whose metadata names them;
- `POST /webhooks/takeover/end`     `{"conversation", "staff"}`: `utter_staff_left`, then
  `ConversationResumed`: the bot answers again.

Every change is made under the conversation's lock and saved before it is pushed to the
visitor's widget (the socket.io room of the conversation, channels/chat_widget.py). A REST
visitor gets the staff messages with the answer to their next message
(channels/guarded_rest.py, `undelivered_staff_messages`). While the bot is paused it still
answers emergencies, crises and extra doses (channels/safety_during_takeover.py).

The routes are for the review app only: they require `Authorization: Bearer <TAKEOVER_TOKEN>`
(compared in constant time; without the variable set, live takeover is off and they answer
503), and nginx does not expose them. Nothing the staff or the visitor wrote is logged.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import safety_during_takeover
from channels.screening import request_json, response_text
from content.languages import ENGLISH, LANGUAGE_SLOT, known_language

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "TAKEOVER_TOKEN"
MAX_TEXT_LENGTH = 2000
MAX_NAME_LENGTH = 255
# Who sent a staff message, as stored in the conversation: the review app's account reference
# ("staff-<account id>"), never an e-mail address, which the tracker store would redact.
STAFF_REFERENCE = re.compile(r"^[A-Za-z0-9_:-]{1,64}$")
JOINED, MESSAGE, LEFT = "joined", "message", "left"
NOTICES = {JOINED: "utter_staff_joined", LEFT: "utter_staff_left"}
# `metadata.from` of what a person (not the bot) said, in the widget and over REST.
FROM_PERSON = "person"


@dataclass(frozen=True)
class TakeoverRequest:
    """A checked request body: which conversation, which staff member, and any text."""

    conversation: str
    staff: str
    text: str = ""


def parse_request(body: Any, with_text: bool = False) -> TakeoverRequest | str:
    """The request in a body, or what is wrong with it (for a 400 answer)."""
    if not isinstance(body, dict):
        return "Send a JSON object."
    conversation, staff = body.get("conversation"), body.get("staff")
    if not isinstance(conversation, str) or not 0 < len(conversation) <= MAX_NAME_LENGTH:
        return "conversation is missing or malformed."
    if not isinstance(staff, str) or not STAFF_REFERENCE.match(staff):
        return (
            "staff must be a staff account reference such as staff-12 (letters, digits, '-', "
            "'_', ':'): conversations are stored redacted, an e-mail address would not survive."
        )
    if not with_text:
        return TakeoverRequest(conversation, staff)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_LENGTH:
        return f"text must be 1 to {MAX_TEXT_LENGTH} characters."
    return TakeoverRequest(conversation, staff, text.strip())


def holder(events: Iterable[Event]) -> str | None:
    """Who holds the conversation: the staff member of its latest pause, if no resume since."""
    held_by = None
    for event in events:
        if isinstance(event, ConversationPaused):
            held_by = str((event.metadata or {}).get("staff") or "") or None
        elif isinstance(event, ConversationResumed):
            held_by = None
    return held_by


def staff_event(text: str, staff: str, kind: str, response_name: str | None = None) -> BotUttered:
    """A bot event holding what a staff member said (or the notice of their joining/leaving)."""
    metadata = {"staff": staff, "takeover": kind}
    if response_name:
        metadata["utter_action"] = response_name
    return BotUttered(text=text, metadata=metadata)


def is_staff_event(event: Event) -> bool:
    """Whether a bot event is a staff member's message or notice."""
    return isinstance(event, BotUttered) and bool((event.metadata or {}).get("staff"))


def person_message(event: BotUttered, language: str) -> dict[str, Any]:
    """What the widget receives for a staff event (no staff name: visitors see the team)."""
    kind = str((event.metadata or {}).get("takeover") or MESSAGE)
    return {
        "text": event.text or "",
        "metadata": {LANGUAGE_SLOT: language, "from": FROM_PERSON, "takeover": kind},
    }


def undelivered_staff_messages(tracker: DialogueStateTracker | None) -> list[dict[str, Any]]:
    """The staff messages between the visitor's last two messages, as REST answers carry them.

    A REST client cannot be sent anything unasked, so the answer to each message starts
    with what the intake team wrote after the visitor's previous one. Read once the message
    is stored: a staff message written while it was processed comes with the next answer.
    """
    if tracker is None:
        return []
    pending: list[BotUttered] = []
    visitor_messages = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            visitor_messages += 1
            if visitor_messages == 2:
                break
        elif visitor_messages == 1 and is_staff_event(event):
            assert isinstance(event, BotUttered)
            pending.append(event)
    language = conversation_language(tracker)
    return [
        {"recipient_id": tracker.sender_id, **rest_fields(person_message(event, language))}
        for event in reversed(pending)
    ]


def rest_fields(message: dict[str, Any]) -> dict[str, Any]:
    """A person's message as the REST channel answers it: its labels under `custom`."""
    return {"text": message["text"], "custom": message["metadata"]}


def conversation_language(tracker: DialogueStateTracker) -> str:
    """The conversation's language (its `language` slot), English if it has none."""
    return known_language(tracker.get_slot(LANGUAGE_SLOT)) or ENGLISH


class TakeoverInput(InputChannel):
    """The takeover routes. Configured in credentials.yml (no settings)."""

    def __init__(self, token: str | None) -> None:
        self.token = token

    @classmethod
    def name(cls) -> str:
        """Name of the channel: its routes are under /webhooks/takeover/."""
        return "takeover"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TakeoverInput:
        """The token from TAKEOVER_TOKEN (off without it); the safety net for paused bots."""
        safety_during_takeover.install()
        token = os.environ.get(TOKEN_VARIABLE, "").strip() or None
        if token is None:
            logger.info("Live takeover is off: %s is not set.", TOKEN_VARIABLE)
        return cls(token)

    def refusal(self, request: Request) -> HTTPResponse | None:
        """An answer refusing the request, unless it carries the token."""
        if self.token is None:
            return response.json({"error": "live takeover is off"}, status=503)
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            return response.json({"error": "a valid token is required"}, status=401)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """POST /start, /message and /end."""
        blueprint = Blueprint("takeover_webhook", __name__)

        @blueprint.route("/start", methods=["POST"])
        async def start(request: Request) -> HTTPResponse:
            return await self.handle(request, take_over)

        @blueprint.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            return await self.handle(request, send_message, with_text=True)

        @blueprint.route("/end", methods=["POST"])
        async def end(request: Request) -> HTTPResponse:
            return await self.handle(request, hand_back)

        return blueprint

    async def handle(
        self, request: Request, change: Change, with_text: bool = False
    ) -> HTTPResponse:
        """Checks the token and body, then makes the change under the conversation's lock."""
        refused = self.refusal(request)
        if refused is not None:
            return refused
        parsed = parse_request(request_json(request), with_text)
        if isinstance(parsed, str):
            return response.json({"error": parsed}, status=400)
        agent = request.app.ctx.agent
        try:
            async with agent.lock_store.lock(parsed.conversation):
                tracker = await agent.tracker_store.retrieve(parsed.conversation)
                if tracker is None or not tracker.events:
                    return response.json({"error": "no such conversation"}, status=404)
                outcome = change(tracker, parsed, agent.domain)
                if outcome.events:
                    tracker.update_with_events(outcome.events, agent.domain)
                    await agent.tracker_store.save(tracker)
        except Exception as error:  # noqa: BLE001 - the review app gets a 503, not a 500
            # The type only: database errors quote the stored conversation.
            logger.error("A takeover request failed: %s", type(error).__name__)
            return response.json({"error": "the conversation could not be changed"}, status=503)
        language = conversation_language(tracker)
        for event in outcome.events:
            if is_staff_event(event):
                assert isinstance(event, BotUttered)
                await push_to_widget(
                    request.app, parsed.conversation, person_message(event, language)
                )
        logger.info("Takeover %s: %s.", request.path.rsplit("/", 1)[-1], outcome.status)
        return response.json(outcome.answer, status=outcome.status)


@dataclass(frozen=True)
class Outcome:
    """What a takeover request changes, and its answer."""

    events: list[Event]
    answer: dict[str, Any]
    status: int = 200


Change = Callable[[DialogueStateTracker, TakeoverRequest, Any], Outcome]


def held_by_another(held_by: str | None, staff: str) -> Outcome | None:
    """The 409 answer when someone else holds the conversation."""
    if held_by is None or held_by == staff:
        return None
    return Outcome(
        [], {"error": "another staff member holds this conversation", "staff": held_by}, 409
    )


def notice(domain: Any, tracker: DialogueStateTracker, staff: str, kind: str) -> BotUttered:
    """The joined/left notice, in the conversation's language."""
    name = NOTICES[kind]
    return staff_event(
        response_text(domain, name, conversation_language(tracker)), staff, kind, name
    )


def take_over(tracker: DialogueStateTracker, request: TakeoverRequest, domain: Any) -> Outcome:
    """Pauses the bot and tells the visitor a person joined (nothing if already theirs)."""
    held_by = holder(tracker.events)
    refused = held_by_another(held_by, request.staff)
    if refused:
        return refused
    answer = {"status": "taken", "staff": request.staff}
    if held_by == request.staff:
        return Outcome([], answer)
    return Outcome(
        [
            ConversationPaused(metadata={"staff": request.staff}),
            notice(domain, tracker, request.staff, JOINED),
        ],
        answer,
    )


def send_message(tracker: DialogueStateTracker, request: TakeoverRequest, domain: Any) -> Outcome:
    """The staff member's message, if they hold the conversation."""
    held_by = holder(tracker.events)
    if held_by != request.staff:
        error = "take the conversation over first"
        return Outcome([], {"error": error, "staff": held_by} if held_by else {"error": error}, 409)
    return Outcome([staff_event(request.text, request.staff, MESSAGE)], {"status": "sent"})


def hand_back(tracker: DialogueStateTracker, request: TakeoverRequest, domain: Any) -> Outcome:
    """Tells the visitor the person left and resumes the bot (nothing if not held)."""
    held_by = holder(tracker.events)
    refused = held_by_another(held_by, request.staff)
    if refused:
        return refused
    answer = {"status": "handed back"}
    if held_by is None:
        return Outcome([], answer)
    return Outcome(
        [
            notice(domain, tracker, request.staff, LEFT),
            ConversationResumed(metadata={"staff": request.staff}),
        ],
        answer,
    )


async def push_to_widget(app: Any, conversation: str, message: dict[str, Any]) -> None:
    """Sends a message to the conversation's widget, if the chat widget channel runs here.

    The widget's sockets are in the conversation's room (channels/chat_widget.py). A
    widget that is not connected at that moment does not show it; the message stays in the
    conversation, and the staff page shows what was sent.
    """
    widget = getattr(app.ctx, "chat_widget", None)
    if widget is None or widget.sio is None:
        return
    try:
        await widget.sio.emit(
            widget.bot_message_evt, message, room=conversation, namespace=widget.namespace or "/"
        )
    except Exception as error:  # noqa: BLE001 - stored already; the visitor may be offline
        logger.warning("A staff message could not be pushed: %s", type(error).__name__)
