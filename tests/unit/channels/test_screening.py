"""channels/screening.py: the language of the guards' replies, and of undecided messages."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from channels.screening import reply_language, response_text, with_conversation_language

DOMAIN = Domain.load("domain.yml")


class OneConversation:
    """An agent whose tracker store holds one conversation, "visitor", in `language`."""

    def __init__(self, language: str | None) -> None:
        self.tracker_store = self
        self.language = language
        self.retrieved = 0

    async def retrieve(self, sender: str) -> DialogueStateTracker | None:
        self.retrieved += 1
        if sender != "visitor" or self.language is None:
            return None
        return DialogueStateTracker.from_events(
            sender, [SlotSet("language", self.language)], slots=DOMAIN.slots
        )


@pytest.mark.parametrize("text", ["klonopin?", "rivotril 2mg", "911", "ok"])
@pytest.mark.parametrize("metadata", [None, {}, {"page": "/faq"}])
async def test_an_undecided_message_keeps_a_spanish_conversation_spanish(
    text: str, metadata: Any
) -> None:
    stated = await with_conversation_language(OneConversation("es"), "visitor", text, metadata)
    assert stated == {**(metadata or {}), "language": "es"}


async def test_an_undecided_message_in_an_english_or_new_conversation_is_left_alone() -> None:
    assert (
        await with_conversation_language(OneConversation("en"), "visitor", "klonopin?", None)
        is None
    )
    assert await with_conversation_language(OneConversation(None), "visitor", "klonopin?", {}) == {}


@pytest.mark.parametrize(
    "text, metadata",
    [
        ("is klonopin addictive", None),  # the message says its own language
        ("¿es adictivo?", None),
        ("klonopin?", {"language": "en"}),  # the client states the conversation's
    ],
)
async def test_the_conversation_is_not_read_when_it_is_not_needed(text: str, metadata: Any) -> None:
    agent = OneConversation("es")
    assert await with_conversation_language(agent, "visitor", text, metadata) == metadata
    assert agent.retrieved == 0


@pytest.mark.parametrize(
    "text, metadata, language",
    [
        ("x" * 2000, {"language": "es"}, "es"),  # the widget's stated language wins
        ("hola necesito ayuda con mi hijo", None, "es"),
        ("is klonopin addictive", None, "en"),
        ("is klonopin addictive", {"language": "fr"}, "en"),  # not ours: ignored
        (None, None, "en"),
    ],
)
def test_a_guard_replies_in_the_visitors_language(text: Any, metadata: Any, language: str) -> None:
    assert reply_language(text, metadata) == language


def test_a_guard_reply_is_the_response_variation_in_that_language() -> None:
    english = response_text(DOMAIN, "utter_message_too_long", "en")
    spanish = response_text(DOMAIN, "utter_message_too_long", "es")
    assert english != spanish
    assert "911" in english and "911" in spanish
