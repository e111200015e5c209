"""One visitor message through the guards, for either channel (see message_guard.py).

`screen_message` decides, before the bot sees a message, whether it is processed
(and with which text) or answered at once with a polite response from domain.yml, in the
visitor's language (`reply_language`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.message_guard import (
    EMPTY_RESPONSE,
    INTENT_PREFIX,
    TOO_LONG_RESPONSE,
    TOO_MANY_RESPONSE,
    RateLimiter,
    clean_text,
    is_too_long,
    offered_payloads,
    screen_payload,
)
from nlu_components.language_detector import ENGLISH, SPANISH, detect_language


@dataclass(frozen=True)
class Screened:
    """Either the text to process, or the response to answer with instead (and its status)."""

    text: str | None = None
    reply_response: str | None = None
    status: int = 200


def request_json(request: Any) -> Any:
    """The request's parsed JSON body, or None if it has none or it is not JSON."""
    try:
        return request.json
    except Exception:  # noqa: BLE001 - any unparsable body is the client's error
        return None


def reply_language(text: Any, metadata: Any) -> str:
    """The language to answer a message in without the bot.

    The conversation's, as the client states it (`{"language": "es"}`, as the widget
    sends), else the message's own.
    """
    stated = metadata.get("language") if isinstance(metadata, dict) else None
    if stated in (ENGLISH, SPANISH):
        return str(stated)
    return detect_language(text[:2000])[0] if isinstance(text, str) else ENGLISH


def variation_language(variation: dict[str, Any]) -> str:
    """Whether a response variation is Spanish ("es": condition `language` is `es`) or "en"."""
    conditions = variation.get("condition") or []
    spanish = any(c.get("name") == "language" and c.get("value") == SPANISH for c in conditions)
    return SPANISH if spanish else ENGLISH


def response_text(domain: Any, name: str, language: str = ENGLISH) -> str:
    """A domain.yml response's text in `language` (the guards' replies have one per language)."""
    variations = domain.responses.get(name) or [{}]
    chosen = [v for v in variations if variation_language(v) == language] or variations
    return str(chosen[0].get("text", ""))


async def screen_message(agent: Any, limiter: RateLimiter, sender: str, raw_text: str) -> Screened:
    """Cleans the text, then applies the length limit, the rate limit and the payload check.

    A message with nothing left to read gets a request to rephrase, not the NLU.
    """
    text = clean_text(raw_text)
    if is_too_long(text):
        return Screened(reply_response=TOO_LONG_RESPONSE)
    if not limiter.allow(sender):
        return Screened(reply_response=TOO_MANY_RESPONSE, status=429)
    if text.startswith(INTENT_PREFIX):
        tracker = await agent.tracker_store.retrieve(sender)
        events = [event.as_dict() for event in tracker.events] if tracker else []
        text = screen_payload(text, offered_payloads(events))
    if not text:
        return Screened(reply_response=EMPTY_RESPONSE)
    return Screened(text=text)
