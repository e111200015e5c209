"""One visitor message through the guards, for either channel (see message_guard.py).

`screen_message` decides, before the bot sees a message, whether it is processed
(and with which text) or answered at once with a polite response from domain.yml.
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


def response_text(domain: Any, name: str) -> str:
    """The first text variation of a domain.yml response (the guards' replies have one)."""
    variations = domain.responses.get(name) or [{}]
    return str(variations[0].get("text", ""))


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
