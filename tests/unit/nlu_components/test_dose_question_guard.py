"""The dose question guard overrides an answer with the referral, and only where it may.

Its patterns' own examples are checked with the safety net's, in test_safety_patterns.py.
"""

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.dose_question_guard import DOSE_INTENT, GUARD_KEY, DoseQuestionGuard


def classified(
    text: str, intent: str = "faq", entities: list[dict[str, Any]] | None = None
) -> Message:
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.97},
        "intent_ranking": [
            {"name": intent, "confidence": 0.97},
            {"name": DOSE_INTENT, "confidence": 0.02},
        ],
        "entities": entities or [],
    }
    return Message(data=data, output_properties=set(data))


def substance(value: str, text: str = "") -> dict[str, Any]:
    start = text.find(value) if value in text else 0
    return {"entity": "substance", "value": value, "start": start, "end": start + len(value)}


def test_a_dose_question_answered_as_an_faq_gets_the_referral_instead() -> None:
    [message] = DoseQuestionGuard({}).process([classified("what is a normal dosage of klonopin")])

    assert message.get("intent") == {"name": DOSE_INTENT, "confidence": 1.0}
    assert [entry["name"] for entry in message.get("intent_ranking")] == [DOSE_INTENT, "faq"]
    assert message.get(GUARD_KEY) == {
        "intent": DOSE_INTENT,
        "pattern": "which_dose",
        "why": "asks for a dose, a strength or an amount",
        "classifier_intent": "faq",
    }
    assert GUARD_KEY in message.as_dict(only_output_properties=True)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("can you write me a prescription", "faq"),
        ("what color is the clonazepam", "faq"),
        ("What is the dose of Klonopin?", "nlu_fallback"),
        ("how often can i take ativan", "ask_interaction"),  # no second substance
    ],
)
def test_the_guard_overrides_answers_fallbacks_and_single_substance_questions(
    text: str, intent: str
) -> None:
    entities = [substance("Ativan")] if intent == "ask_interaction" else []
    [message] = DoseQuestionGuard({}).process([classified(text, intent, entities)])
    assert message.get("intent")["name"] == DOSE_INTENT


@pytest.mark.parametrize(
    "text, intent",
    [
        ("i took 6 mg and my friend wont wake up", "report_emergency"),
        ("how many mg to end it", "express_crisis"),
        ("i took my 1mg twice by accident", "report_accidental_extra_dose"),
        ("is 2mg ok while pregnant", "ask_personal_medical_advice"),
    ],
)
def test_safety_and_referral_intents_are_left_alone(text: str, intent: str) -> None:
    [message] = DoseQuestionGuard({}).process([classified(text, intent)])
    assert message.get("intent")["name"] == intent
    assert message.get(GUARD_KEY) is None


@pytest.mark.parametrize(
    "text, name",
    [
        ("can i take 1mg klonopin with a beer", "beer"),
        ("how many mg of xanax and klonopin is too much", "xanax"),
        ("how much klonopin can i take if i had a few beers after work", "beers"),
        ("can u take klonopin w trazodone", "trazodone"),  # text-speak "w" for "with"
        ("me operan con anestesia general, propofol creo. puedo tomar clonazepam?", "propofol"),
    ],
)
def test_a_question_about_mixing_keeps_the_interaction_answer(text: str, name: str) -> None:
    message = classified(text, "ask_interaction", [substance(name, text)])
    [message] = DoseQuestionGuard({}).process([message])
    assert message.get("intent")["name"] == "ask_interaction"


def test_a_dose_question_about_another_drug_gets_the_referral() -> None:
    # "and" is there, but far from the drug's name: nothing is taken with anything.
    text = "what is the usual zoloft dose, my doctor wants to raise mine and i am worried"
    message = classified(text, "ask_interaction", [substance("zoloft", text)])
    [message] = DoseQuestionGuard({}).process([message])
    assert message.get("intent")["name"] == DOSE_INTENT


@pytest.mark.parametrize(
    "text",
    [
        "is klonopin addictive",
        "how much does treatment cost",
        "/affirm",
        "what does withdrawal look like",
    ],
)
def test_other_messages_are_left_to_the_classifier(text: str) -> None:
    [message] = DoseQuestionGuard({}).process([classified(text)])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize("intent", ["nlu_fallback", "greet", "affirm"])
def test_a_medication_word_is_enough_when_the_classifier_did_not_understand(intent: str) -> None:
    [message] = DoseQuestionGuard({}).process([classified("dose question for you", intent)])
    assert message.get("intent")["name"] == DOSE_INTENT
    assert message.get(GUARD_KEY)["pattern"] == "medication_words_when_unsure"


def test_a_medication_word_alone_does_not_override_an_answer() -> None:
    [message] = DoseQuestionGuard({}).process([classified("dose question for you", "faq")])
    assert message.get("intent")["name"] == "faq"


def unsure_safety_guess(intent: str, confidence: float) -> Message:
    """An onset question DIET took for a safety intent, not sure."""
    text = "how long does it take klonopin to start working after you swallow it?"
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    return Message(data=data, output_properties=set(data))


@pytest.mark.parametrize("intent", ["express_crisis", "report_emergency"])
def test_an_unsure_emergency_or_crisis_guess_yields_to_a_pattern(intent: str) -> None:
    guard = DoseQuestionGuard({"overrides_unsure_safety_below": 0.5})
    [message] = guard.process([unsure_safety_guess(intent, 0.42)])

    assert message.get("intent")["name"] == "ask_personal_medical_advice"
    # DIET's guess stays in the ranking: the reply still starts with 911 and 988
    assert [entry["name"] for entry in message.get("intent_ranking")] == [
        "ask_personal_medical_advice",
        intent,
    ]


@pytest.mark.parametrize(
    ("intent", "confidence", "overrides_below"),
    [
        ("express_crisis", 0.5, 0.5),  # sure enough
        ("express_crisis", 0.42, 0.0),  # off by default
        ("report_accidental_extra_dose", 0.2, 0.5),  # Poison Control has no caution line
    ],
)
def test_a_sure_or_extra_dose_guess_stands(
    intent: str, confidence: float, overrides_below: float
) -> None:
    guard = DoseQuestionGuard({"overrides_unsure_safety_below": overrides_below})
    [message] = guard.process([unsure_safety_guess(intent, confidence)])
    assert message.get("intent")["name"] == intent
