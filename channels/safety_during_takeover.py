"""The safety net never pauses: a paused bot still answers emergencies, crises, extra doses.

While a member of the intake team holds a conversation (channels/takeover.py) the tracker
is paused, and Rasa's `MessageProcessor` then only stores what the visitor writes: it
predicts no action (`_should_handle_message`, checked before every prediction). This
module widens that one check: when the visitor's latest message was understood as an
emergency, a crisis or an accidental extra dose, the processor runs as usual, so the rules
of data/rules.yml send the 911, 988 or Poison Control reply at once (and end a callback
form), then listen again; the bot stays paused for everything else. The staff page
highlights those messages (review/live.py).

Installed by `install()`, which the takeover channel calls from `from_credentials`; a
second call changes nothing. tests/unit/channels/test_safety_during_takeover.py checks it
against Rasa's own check.
"""

from __future__ import annotations

from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from content.safety_intents import SAFETY_INTENTS

_RASA_SHOULD_HANDLE_MESSAGE = MessageProcessor._should_handle_message


def is_safety_message(tracker: Any) -> bool:
    """Whether the visitor's latest message was understood as an emergency, crisis or extra dose."""
    latest = tracker.latest_message
    return latest is not None and latest.intent.get(INTENT_NAME_KEY) in SAFETY_INTENTS


def should_handle_message(tracker: Any) -> bool:
    """Rasa's check (not paused, or a restart), or a safety message."""
    return bool(_RASA_SHOULD_HANDLE_MESSAGE(tracker)) or is_safety_message(tracker)


def install() -> None:
    """Replaces the processor's check (once)."""
    MessageProcessor._should_handle_message = staticmethod(should_handle_message)
