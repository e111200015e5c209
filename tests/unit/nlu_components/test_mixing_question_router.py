"""MixingQuestionRouter: "can I take X with clonazepam" gets the interaction answer."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.mixing_question_router import ROUTER_KEY, MixingQuestionRouter
from nlu_components.substance_extractor import SubstanceExtractor


@pytest.fixture(scope="module")
def extractor() -> SubstanceExtractor:
    return SubstanceExtractor(SubstanceExtractor.get_default_config())


@pytest.fixture(scope="module")
def router() -> MixingQuestionRouter:
    return MixingQuestionRouter.create({}, None, None, None)  # type: ignore[arg-type]


def routed(
    extractor: SubstanceExtractor, router: MixingQuestionRouter, text: str, intent: str
) -> Message:
    """`text` as the pipeline leaves it: the classifier's intent, the substances, the router."""
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.6},
        "intent_ranking": [{"name": intent, "confidence": 0.6}],
    }
    message = Message(data=data, output_properties=set(data))
    return router.process(extractor.process([message]))[0]


@pytest.mark.parametrize(
    ("text", "intent", "substance"),
    [
        # both drugs named in a question that reads like an FAQ
        ("is it safe to take seroquel and clonazepam", "faq", "Seroquel"),
        ("can i take my xanax and klonopin on the same day", "ask_dose_or_prescription", "Xanax"),
        ("klonopin + muscle relaxer safe?", "faq", "muscle relaxants"),
        ("puedo tomarme unas cheves si tomo clonazepam", "ask_dose_or_prescription", "alcohol"),
        ("can u take klonopin w trazodone", "nlu_fallback", "trazodone"),  # "w": "with"
        # the drink's first mention is in the story, the question names it again
        (
            "Going to a wedding this weekend and everyone will be drinking. I don't want to be "
            "the only one with a soda. Is it actually dangerous to have a few drinks on klonopin?",
            "faq",
            "alcohol",
        ),
        # the story first, then "those two together"
        (
            "Sorry this is long. My mother has taken trazodone to sleep for a few years, and "
            "last week her psychiatrist added clonazepam for daytime anxiety. The pharmacist "
            "made a face but didn't say much. Are those two ok to take together?",
            "nlu_fallback",
            "trazodone",
        ),
        (
            "My roommate takes klonopin and still goes out drinking every weekend. She says "
            "it's fine because her dose is tiny. I don't want to nag her but is mixing those "
            "two actually dangerous",
            "ask_dose_or_prescription",
            "alcohol",
        ),
    ],
)
def test_a_question_about_taking_two_things_together_gets_the_interaction_answer(
    extractor: SubstanceExtractor,
    router: MixingQuestionRouter,
    text: str,
    intent: str,
    substance: str,
) -> None:
    message = routed(extractor, router, text, intent)

    assert message.get("intent")["name"] == "ask_interaction"
    assert message.get("intent_ranking")[0]["name"] == "ask_interaction"
    record = message.get(ROUTER_KEY)
    assert record["intent_before"] == intent
    assert substance.lower() in [name.lower() for name in record["substances"]]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the drink is background; the question is about addiction, overdose or signs
        (
            "My brother takes klonopin and drinks most weekends, my mom thinks it's fine. "
            "Honestly I just want to understand him better. What are the signs of addiction?",
            "faq",
        ),
        ("can you overdose on klonopin and alcohol together", "faq"),
        ("is xanax stronger than klonopin", "faq"),
        # no substance other than clonazepam
        ("is it safe to take klonopin every day", "faq"),
        ("can i take two klonopin together", "ask_dose_or_prescription"),
        # a question, not a mix: no asking word
        ("i take klonopin and drink on weekends, am i addicted", "faq"),
        # safety intents and the personal-advice referral stand
        (
            "i took my klonopin with a bottle of vodka and now i cant stay awake, is it bad",
            "report_emergency",
        ),
        ("should i take my klonopin with my ambien tonight", "ask_personal_medical_advice"),
    ],
)
def test_other_questions_keep_their_intent(
    extractor: SubstanceExtractor, router: MixingQuestionRouter, text: str, intent: str
) -> None:
    message = routed(extractor, router, text, intent)

    assert message.get("intent")["name"] == intent
    assert message.get(ROUTER_KEY) is None


def test_a_button_payload_is_left_alone(
    extractor: SubstanceExtractor, router: MixingQuestionRouter
) -> None:
    message = routed(extractor, router, '/faq{"topic": "is_safe"}', "faq")

    assert message.get("intent")["name"] == "faq"
