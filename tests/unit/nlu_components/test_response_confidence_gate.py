from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.response_confidence_gate import GATE_KEY, ResponseConfidenceGate


def classified_message(intent: str, response_confidence: float) -> Message:
    data: dict[str, Any] = {
        "text": "a visitor question",
        "intent": {"name": intent, "confidence": 0.99},
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {"intent_response_key": "faq/detox", "confidence": response_confidence},
                "ranking": [],
            },
        },
    }
    return Message(data=data, output_properties=set(data))


@pytest.fixture
def gate() -> ResponseConfidenceGate:
    return ResponseConfidenceGate({"threshold": 0.5})


def test_unsure_answer_becomes_a_fallback(gate: ResponseConfidenceGate) -> None:
    [message] = gate.process([classified_message("faq", response_confidence=0.3)])

    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.3}
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["nlu_fallback", "faq"]
    assert message.get(GATE_KEY) == {
        "retrieval_intent": "faq",
        "response_confidence": 0.3,
        "threshold": 0.5,
    }
    assert GATE_KEY in message.as_dict(only_output_properties=True)


def test_sure_answer_is_kept(gate: ResponseConfidenceGate) -> None:
    [message] = gate.process([classified_message("faq", response_confidence=0.8)])
    assert message.get("intent")["name"] == "faq"
    assert message.get(GATE_KEY) is None


def test_other_intents_are_not_gated(gate: ResponseConfidenceGate) -> None:
    [message] = gate.process([classified_message("greet", response_confidence=0.1)])
    assert message.get("intent")["name"] == "greet"


def test_message_without_response_selector_is_untouched(gate: ResponseConfidenceGate) -> None:
    message = Message(data={"text": "hi", "intent": {"name": "faq", "confidence": 0.9}})
    gate.process([message])
    assert message.get("intent")["name"] == "faq"
