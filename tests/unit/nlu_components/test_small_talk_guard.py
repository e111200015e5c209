from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.small_talk_guard import SMALL_TALK_GUARD_KEY, SmallTalkGuard


def classified(text: str, intent: str) -> Message:
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.7},
        "intent_ranking": [{"name": intent, "confidence": 0.7}],
    }
    return Message(data=data, output_properties=set(data))


def guard(message: Message) -> Message:
    return SmallTalkGuard.create({}, None, None, None).process([message])[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("no one told me how long withdrawal lasts?", "deny"),
        ("what if i just stop cold turkey", "affirm"),
        ("thanks, but is it safe to drive on it?", "thank"),
        ("bye, should i worry about the tremors?", "goodbye"),
        ("?", "affirm"),  # punctuation alone is neither a yes nor a no
        ("...", "deny"),
        (" ¿? ", "thank"),
    ],
)
def test_a_question_read_as_small_talk_gets_did_you_mean(text: str, intent: str) -> None:
    message = guard(classified(text, intent))

    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.7}
    assert message.get("intent_ranking")[1]["name"] == intent  # "did you mean" keeps the ranking
    assert message.get(SMALL_TALK_GUARD_KEY) == {"intent_before": intent}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yes please", "affirm"),
        ("no thanks", "deny"),
        ("ok?", "affirm"),
        ("👍", "affirm"),  # an emoji is not punctuation
        ("thank you so much for the help", "thank"),
        ("ok bye, take care", "goodbye"),
        ("hi, is anyone there?", "greet"),  # the greeting invites a question: no dead end
        ("is klonopin addictive?", "faq"),
    ],
)
def test_small_talk_and_other_intents_stand(text: str, intent: str) -> None:
    message = guard(classified(text, intent))
    assert message.get("intent")["name"] == intent
    assert message.get(SMALL_TALK_GUARD_KEY) is None
