from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.spanish_gate import SPANISH_GATE_KEY, SPANISH_MESSAGE_INTENT, SpanishGate


def classified(text: str, intent: str, language: str | None) -> Message:
    entities = (
        []
        if language is None
        else [{"entity": "language", "value": language, "start": 0, "end": 0, "confidence": 0.95}]
    )
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.8},
        "intent_ranking": [{"name": intent, "confidence": 0.8}],
        "entities": entities,
    }
    return Message(data=data, output_properties=set(data))


def gate(message: Message) -> Message:
    return SpanishGate.create({}, None, None, None).process([message])[0]  # type: ignore[arg-type]


@pytest.mark.parametrize("intent", ["faq", "nlu_fallback", "greet", "ask_dose_or_prescription"])
def test_spanish_without_a_safety_intent_gets_the_spanish_reply(intent: str) -> None:
    message = gate(classified("el clonazepam es adictivo?", intent, "es"))

    assert message.get("intent") == {"name": SPANISH_MESSAGE_INTENT, "confidence": 0.95}
    assert message.get(SPANISH_GATE_KEY) == {"intent_before": intent}


@pytest.mark.parametrize(
    "intent", ["report_emergency", "express_crisis", "report_accidental_extra_dose"]
)
def test_spanish_safety_messages_keep_their_intent(intent: str) -> None:
    message = gate(classified("mi hijo no despierta", intent, "es"))
    assert message.get("intent")["name"] == intent
    assert message.get(SPANISH_GATE_KEY) is None


@pytest.mark.parametrize("language", ["en", None])
def test_english_and_unmarked_messages_pass(language: str | None) -> None:
    message = gate(classified("is klonopin addictive", "faq", language))
    assert message.get("intent")["name"] == "faq"


def test_button_payloads_pass() -> None:
    assert gate(classified("/affirm", "affirm", "es")).get("intent")["name"] == "affirm"
