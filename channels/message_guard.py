"""Checks on what a visitor's browser sends, before the bot sees it (pure helpers).

Used by both channels (channels/guarded_rest.py, channels/chat_widget.py):

- `validate_rest_body`: the REST body must be a JSON object with a string
  `message`, a well-formed `sender` and, if any, small `metadata` (see
  `metadata_problem`); anything else is a 400 with a clear error.
- `sender_problem`: a conversation id is stored as it is (events, review tables,
  exports, audit log), so one that redaction would change (an e-mail address, a
  phone number, ...: storage/redaction/) is refused, by the REST channel and
  socket.io alike.
- `clean_text`: control, zero-width and bidirectional-override characters are
  removed (they can hide text from staff or spoof the review app's display), and
  so are lone surrogates (half an emoji, which the NLU cannot read).
- `MAX_MESSAGE_LENGTH`: longer messages get a polite reply and are not processed.
- `screen_payload`: a typed `/intent{...}` is only honoured when it is one of the
  buttons the bot has just offered, or the widget's language control (`/speak_spanish`,
  `/speak_english`, always on screen); otherwise the leading slashes (and spaces
  between them) are dropped and the words go to the NLU like any text (so nobody
  can type `/restart`, or `/ /restart`, or set slots).
- `RateLimiter`: a token bucket per conversation.
- `socket_session_problem` / `socket_message_problem`: socket.io payloads that
  Rasa's handlers would crash on (not an object, a non-string session id or
  message) are dropped before they reach them.
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from storage.redaction import redact_text

MAX_MESSAGE_LENGTH = 1_000
SENDER_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
INTENT_PREFIX = "/"
# C0/C1 controls except tab and newline, zero-width characters, bidi marks
# (including the Arabic letter mark U+061C), embeddings, overrides and isolates,
# the byte-order mark, and lone surrogates (JSON's "\ud83d" without its pair;
# a whole emoji is one character and stays).
INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2069\ufeff\ud800-\udfff]"
)
# The chat widget's "Español / English" control: always on screen, so always honoured.
LANGUAGE_PAYLOADS = frozenset({"/speak_spanish", "/speak_english"})
# Slashes and whitespace at the start of a message that was not an offered payload.
LEADING_SLASHES = re.compile(rf"^(?:{re.escape(INTENT_PREFIX)}|\s)+")
TOO_LONG_RESPONSE = "utter_message_too_long"
TOO_MANY_RESPONSE = "utter_too_many_messages"
# A message with nothing left to read once cleaned ("", spaces, zero-width characters):
# Rasa's NLU pipeline raises on empty text, so the bot asks again instead.
EMPTY_RESPONSE = "utter_ask_rephrase"
# Rasa stores a message's metadata with it (redacted first). Our widget sends only the
# conversation's language ({"language": "es"}); a
# REST or socket.io client's is kept small: an object nested ~1,000 levels deep cannot
# be saved (RecursionError), and redacting and storing a megabyte of it keeps the
# server busy for a second or more, every other visitor waiting.
MAX_METADATA_DEPTH = 20
MAX_METADATA_LENGTH = 10_000  # characters of its JSON


SENDER_FORMAT = (
    "sender must be a conversation id of 1 to 128 letters, digits or . _ : @ - characters."
)
PERSONAL_SENDER = (
    "sender must be an opaque conversation id, not personal data such as an e-mail address "
    "or phone number."
)


def sender_problem(sender: Any) -> str | None:
    """What is wrong with a conversation id (REST `sender`, socket.io `session_id`), or None.

    It must match SENDER_ID, and hold nothing redaction would remove: conversation ids are
    stored unredacted, so "dana@example.com" or "8165550142" would put a visitor's e-mail
    address or phone number in the database, the review app, its exports and audit log.
    """
    if not isinstance(sender, str) or not SENDER_ID.match(sender):
        return SENDER_FORMAT
    if redact_text(sender) != sender:
        return PERSONAL_SENDER
    return None


@dataclass(frozen=True)
class RestRequest:
    """A valid REST channel request."""

    sender: str
    message: str
    metadata: dict[str, Any] | None


def validate_rest_body(body: Any) -> RestRequest | str:
    """The request in a parsed JSON body, or what is wrong with it (for a 400 answer)."""
    if not isinstance(body, dict):
        return 'Send a JSON object: {"sender": "<conversation id>", "message": "<text>"}.'
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    problem = sender_problem(sender)
    if problem or not isinstance(sender, str):
        return problem or SENDER_FORMAT
    if not isinstance(message, str):
        return "message must be a string: the visitor's text."
    if metadata_problem(metadata):
        return (
            f"metadata, if sent, must be a JSON object of at most {MAX_METADATA_LENGTH:,} "
            f"characters, nested at most {MAX_METADATA_DEPTH} levels."
        )
    return RestRequest(sender, message, metadata)


def json_depth(value: Any) -> int:
    """How many levels of lists and objects a parsed JSON value has (0 for a scalar).

    Level by level rather than recursively, so any depth is measured.
    """
    depth, level = 0, [value]
    while True:
        containers = [item for item in level if isinstance(item, (dict, list))]
        if not containers:
            return depth
        depth += 1
        level = [
            child
            for container in containers
            for child in (container.values() if isinstance(container, dict) else container)
        ]


def metadata_problem(metadata: Any) -> str | None:
    """What is wrong with a message's metadata (absent, or a small JSON object), or None."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return "not an object"
    if json_depth(metadata) > MAX_METADATA_DEPTH:
        return "nested too deeply"
    if len(json.dumps(metadata, default=str)) > MAX_METADATA_LENGTH:
        return "too long"
    return None


def socket_session_problem(data: Any) -> str | None:
    """What is wrong with a socket.io `session_request` payload, or None if it is fine."""
    if data is None:
        return None
    if not isinstance(data, dict):
        return "not an object"
    session_id = data.get("session_id")
    if session_id is None:
        return None
    # A well-formed id is only a wish: the channel confirms it only if it issued it, and
    # else issues a new one (channels/socket_sessions.py), so personal data asked for as an
    # id is never stored: the visitor gets a new conversation instead.
    return "malformed session_id" if sender_problem(session_id) == SENDER_FORMAT else None


def socket_message_problem(data: Any) -> str | None:
    """What is wrong with a socket.io `user_uttered` payload, or None if it is fine."""
    if not isinstance(data, dict):
        return "not an object"
    problem = sender_problem(data.get("session_id"))
    if problem == PERSONAL_SENDER:
        return "session_id is personal data, not an opaque conversation id"
    if problem:
        return "missing or malformed session_id"
    if not isinstance(data.get("message"), str):
        return "message is not a string"
    problem = metadata_problem(data.get("metadata"))
    return f"metadata is {problem}" if problem else None


def clean_text(text: str) -> str:
    """The text without invisible or direction-changing characters, trimmed."""
    return INVISIBLE.sub("", text).strip()


def is_too_long(text: str) -> bool:
    """Whether the message is over the documented limit (MAX_MESSAGE_LENGTH characters)."""
    return len(text) > MAX_MESSAGE_LENGTH


def offered_payloads(events: Iterable[Mapping[str, Any]]) -> set[str]:
    """The button payloads of the bot's messages since the visitor last wrote.

    `events` are a tracker's events as dicts (`tracker.current_state()["events"]`
    or `[event.as_dict() for event in tracker.events]`).
    """
    payloads: set[str] = set()
    for event in reversed(list(events)):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            for button in (event.get("data") or {}).get("buttons") or []:
                payload = button.get("payload") if isinstance(button, Mapping) else None
                if isinstance(payload, str):
                    payloads.add(payload)
    return payloads


def screen_payload(text: str, offered: set[str]) -> str:
    """The text to process: an offered `/intent` payload as is, any other without its slashes.

    Whitespace between the slashes goes too: "/ /restart" must not become "/restart",
    which Rasa would run as the restart intent.
    """
    if not text.startswith(INTENT_PREFIX) or text in offered or text in LANGUAGE_PAYLOADS:
        return text
    return LEADING_SLASHES.sub("", text).strip()


class RateLimiter:
    """At most `burst` messages at once per conversation, refilled at `per_minute`.

    In memory, per Rasa instance; nginx limits per client address in front of it
    (deploy/). The oldest conversations are forgotten beyond `max_conversations`.
    """

    def __init__(
        self,
        per_minute: float = 20.0,
        burst: int = 20,
        max_conversations: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_conversations = max_conversations
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> RateLimiter:
        """From a channel's credentials.yml entry: `messages_per_minute` and `burst` (20, 20)."""
        return cls(
            per_minute=float(settings.get("messages_per_minute", 20)),
            burst=int(settings.get("burst", 20)),
        )

    def allow(self, sender: str) -> bool:
        """Takes one message from the conversation's allowance; False if none is left."""
        now = self.clock()
        tokens, last = self._buckets.pop(sender, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[sender] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self.max_conversations:
            self._buckets.popitem(last=False)
        return allowed
