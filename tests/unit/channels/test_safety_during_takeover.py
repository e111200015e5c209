"""A paused bot (a staff member holds the conversation) still answers safety messages."""

from __future__ import annotations

import pytest
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels import safety_during_takeover


def tracker(intent: str, paused: bool) -> DialogueStateTracker:
    events = [ConversationPaused()] if paused else []
    events.append(UserUttered("…", {"name": intent, "confidence": 0.99}))
    return DialogueStateTracker.from_events("visitor", events)


@pytest.fixture(autouse=True)
def installed() -> None:
    safety_during_takeover.install()


@pytest.mark.parametrize(
    "intent", ["report_emergency", "express_crisis", "report_accidental_extra_dose"]
)
def test_a_safety_message_is_answered_while_paused(intent: str) -> None:
    assert MessageProcessor._should_handle_message(tracker(intent, paused=True))


@pytest.mark.parametrize("intent", ["faq", "request_intake", "nlu_fallback", "greet"])
def test_anything_else_waits_for_the_staff_member(intent: str) -> None:
    assert not MessageProcessor._should_handle_message(tracker(intent, paused=True))


@pytest.mark.parametrize("intent", ["faq", "report_emergency", "restart"])
def test_an_unpaused_bot_answers_as_rasa_decides(intent: str) -> None:
    assert MessageProcessor._should_handle_message(tracker(intent, paused=False))


def test_rasa_own_exception_for_restart_is_kept() -> None:
    assert MessageProcessor._should_handle_message(tracker("restart", paused=True))
