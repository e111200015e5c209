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
from content.languages import ENGLISH, LANGUAGE_SLOT, SPANISH, known_language, variation_language
from nlu_components.language_detector import detect_language, is_undecided


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
    stated = known_language(metadata.get(LANGUAGE_SLOT)) if isinstance(metadata, dict) else None
    if stated:
        return stated
    return detect_language(text[:2000])[0] if isinstance(text, str) else ENGLISH


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


async def with_conversation_language(agent: Any, sender: str, text: str, metadata: Any) -> Any:
    """The message's metadata, stating the conversation's language where the message cannot.

    A message that says nothing about its language ("klonopin?", "911") keeps the
    conversation's. The chat widget always states it; a REST client may not, so for such a
    message without it the stored conversation's `language` slot is read (the NLU cannot
    see the conversation) and a Spanish one is added: `{"language": "es"}`.
    """
    if isinstance(metadata, dict) and known_language(metadata.get(LANGUAGE_SLOT)):
        return metadata
    if not is_undecided(text):
        return metadata
    tracker = await agent.tracker_store.retrieve(sender)
    if tracker is None or tracker.get_slot(LANGUAGE_SLOT) != SPANISH:
        return metadata
    return {**(metadata if isinstance(metadata, dict) else {}), LANGUAGE_SLOT: SPANISH}
