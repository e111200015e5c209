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


def fallback_over(runner_up: str, intent_confidence: float, response_confidence: float) -> Message:
    """What the FallbackClassifier leaves when `runner_up` was ambiguous with a neighbour."""
    message = classified_message(runner_up, response_confidence)
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": runner_up, "confidence": intent_confidence},
        {"name": "ask_personal_medical_advice", "confidence": intent_confidence - 0.05},
    ]
    message.set("intent", dict(ranking[0]), add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    return message


def test_ambiguous_faq_with_a_sure_answer_is_answered(gate: ResponseConfidenceGate) -> None:
    # "how do i stop taking clonazepam": faq 0.48 vs its neighbour, faq/stopping_safely 0.95
    [message] = gate.process([fallback_over("faq", 0.48, response_confidence=0.95)])

    assert message.get("intent") == {"name": "faq", "confidence": 0.48}
    assert message.get("intent_ranking")[0]["name"] == "faq"
    assert message.get(GATE_KEY)["rescued"] is True


@pytest.mark.parametrize(
    ("runner_up", "intent_confidence", "response_confidence"),
    [
        ("faq", 0.48, 0.6),  # the answer is not sure enough
        ("faq", 0.2, 0.99),  # the classifier hardly thought it was an FAQ
        ("greet", 0.48, 0.99),  # not a retrieval intent
        ("ask_dose_or_prescription", 0.25, 0.0),  # the referral was hardly a guess
    ],
)
def test_other_fallbacks_stay_fallbacks(
    gate: ResponseConfidenceGate,
    runner_up: str,
    intent_confidence: float,
    response_confidence: float,
) -> None:
    [message] = gate.process([fallback_over(runner_up, intent_confidence, response_confidence)])

    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("intent_ranking")[0]["name"] == "nlu_fallback"
    assert message.get(GATE_KEY) is None


@pytest.mark.parametrize("referral", ["ask_dose_or_prescription", "ask_personal_medical_advice"])
def test_an_unsure_referral_is_given_rather_than_did_you_mean(
    gate: ResponseConfidenceGate, referral: str
) -> None:
    # The referral states no fact; "Did you mean" would offer FAQ topics to a personal question.
    [message] = gate.process([fallback_over(referral, 0.34, response_confidence=0.1)])

    assert message.get("intent") == {"name": referral, "confidence": 0.34}
    assert message.get(GATE_KEY) == {
        "retrieval_intent": referral,
        "intent_confidence": 0.34,
        "rescued": True,
        "referral": True,
    }


@pytest.fixture
def trusting_gate() -> ResponseConfidenceGate:
    return ResponseConfidenceGate({"threshold": 0.6, "agreement_threshold": 0.3})


def with_neighbours(message: Message, label: str) -> Message:
    message.set("faq_neighbours", {"label": label, "share": 1.0, "similarity": 0.7})
    return message


def test_an_unsure_answer_the_neighbours_agree_with_is_given(
    trusting_gate: ResponseConfidenceGate,
) -> None:
    # A long story about a brother buying pills off the street: faq/detox first, at 0.4.
    message = with_neighbours(classified_message("faq", response_confidence=0.4), "faq/detox")
    [message] = trusting_gate.process([message])

    assert message.get("intent")["name"] == "faq"
    assert message.get(GATE_KEY) == {
        "retrieval_intent": "faq",
        "response_confidence": 0.4,
        "agreed": True,
    }


@pytest.mark.parametrize(
    ("neighbours", "response_confidence"),
    [
        ("faq/withdrawal_symptoms", 0.4),  # the two opinions differ
        ("ask_personal_medical_advice", 0.4),  # the neighbours say it is not an FAQ
        ("faq/detox", 0.2),  # they agree, but the answer is too unsure
        (None, 0.4),  # no second opinion (a button, or no neighbours in the pipeline)
    ],
)
def test_without_agreement_an_unsure_answer_is_still_a_fallback(
    trusting_gate: ResponseConfidenceGate, neighbours: str | None, response_confidence: float
) -> None:
    message = classified_message("faq", response_confidence)
    if neighbours:
        with_neighbours(message, neighbours)
    [message] = trusting_gate.process([message])

    assert message.get("intent")["name"] == "nlu_fallback"


def test_the_neighbours_of_a_long_storys_question_alone_may_agree(
    trusting_gate: ResponseConfidenceGate,
) -> None:
    # The whole story's neighbours are about withdrawal; its question's are about detox.
    message = classified_message("faq", response_confidence=0.4)
    message.set(
        "faq_neighbours",
        {"label": "faq/withdrawal_symptoms", "question_label": "faq/detox", "share": 0.7},
    )
    [message] = trusting_gate.process([message])

    assert message.get("intent")["name"] == "faq"
    assert message.get(GATE_KEY)["agreed"] is True


def test_agreement_also_rescues_an_ambiguous_faq(trusting_gate: ResponseConfidenceGate) -> None:
    message = with_neighbours(fallback_over("faq", 0.48, response_confidence=0.5), "faq/detox")
    [message] = trusting_gate.process([message])

    assert message.get("intent") == {"name": "faq", "confidence": 0.48}
    assert message.get(GATE_KEY)["agreed"] is True


def test_agreement_is_off_by_default(gate: ResponseConfidenceGate) -> None:
    message = with_neighbours(classified_message("faq", response_confidence=0.4), "faq/detox")
    [message] = gate.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def lost_on_a_long_story(whole: str | None, question: str | None) -> Message:
    """The ResponseSelector lost (faq/detox at 0.15, faq/outpatient_levels below it)."""
    message = classified_message("faq", response_confidence=0.15)
    message.get("response_selector")["faq"]["ranking"] = [
        {"intent_response_key": "faq/detox", "confidence": 0.15},
        {"intent_response_key": "faq/outpatient_levels", "confidence": 0.09},
    ]
    message.set("faq_neighbours", {"label": whole, "question_label": question, "share": 0.8})
    return message


@pytest.fixture
def concurring_gate() -> ResponseConfidenceGate:
    return ResponseConfidenceGate(
        {"threshold": 0.6, "agreement_threshold": 0.3, "concurring_neighbours": True}
    )


def test_the_answer_both_neighbour_opinions_name_is_given(
    concurring_gate: ResponseConfidenceGate,
) -> None:
    # "my son ... heard there are different levels of outpatient ... how do they differ?"
    message = lost_on_a_long_story("faq/outpatient_levels", "faq/outpatient_levels")
    [message] = concurring_gate.process([message])

    assert message.get("intent")["name"] == "faq"
    response = message.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/outpatient_levels"
    assert response["utter_action"] == "utter_faq/outpatient_levels"
    assert response["confidence"] == 0.09
    assert message.get(GATE_KEY) == {
        "retrieval_intent": "faq",
        "response_confidence": 0.15,
        "replaced": "faq/detox",
        "neighbours_answer": True,
    }
    assert GATE_KEY in message.as_dict(only_output_properties=True)


@pytest.mark.parametrize(
    ("whole", "question"),
    [
        ("faq/outpatient_levels", "faq/detox_length"),  # the two opinions differ
        ("faq/outpatient_levels", None),  # a short message: no question sentence
        ("ask_personal_medical_advice", "ask_personal_medical_advice"),  # not an FAQ answer
        ("faq/unknown_topic", "faq/unknown_topic"),  # not an answer the selector knows
    ],
)
def test_without_two_concurring_neighbour_opinions_it_is_did_you_mean(
    concurring_gate: ResponseConfidenceGate, whole: str, question: str | None
) -> None:
    [message] = concurring_gate.process([lost_on_a_long_story(whole, question)])

    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/detox"
    )


def test_concurring_neighbours_are_off_by_default(trusting_gate: ResponseConfidenceGate) -> None:
    message = lost_on_a_long_story("faq/outpatient_levels", "faq/outpatient_levels")
    [message] = trusting_gate.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def did_you_mean(classifier_label: str, probability: float) -> Message:
    """A message the gate sends to "Did you mean", with the classifier's opinion of it."""
    message = classified_message("faq", response_confidence=0.2)
    message.set("faq_classifier", {"label": classifier_label, "probability": probability})
    return message


@pytest.fixture
def classifier_gate() -> ResponseConfidenceGate:
    return ResponseConfidenceGate({"threshold": 0.6, "classifier_min_probability": 0.6})


def test_an_unsure_answer_gets_the_classifiers_likely_answer(
    classifier_gate: ResponseConfidenceGate,
) -> None:
    [message] = classifier_gate.process([did_you_mean("faq/stopping_safely", 0.72)])

    assert message.get("intent") == {"name": "faq", "confidence": 0.72}
    assert message.get("intent_ranking")[0] == {"name": "faq", "confidence": 0.72}
    response = message.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/stopping_safely"
    assert response["utter_action"] == "utter_faq/stopping_safely"
    assert message.get(GATE_KEY) == {
        "retrieval_intent": "faq",
        "response_confidence": 0.2,
        "classifier_probability": 0.72,
        "classifier_answer": True,
    }


def test_a_fallback_the_response_selector_never_saw_gets_the_classifiers_answer(
    classifier_gate: ResponseConfidenceGate,
) -> None:
    # DIET did not rank faq in its first two: the ResponseSelector was skipped.
    data = {
        "text": "a visitor question",
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "out_of_scope", "confidence": 0.25},
        ],
        "faq_classifier": {"label": "faq/detox", "probability": 0.65},
    }
    [message] = classifier_gate.process([Message(data=data, output_properties=set(data))])

    assert message.get("intent")["name"] == "faq"
    selector = message.get("response_selector")
    assert selector["all_retrieval_intents"] == ["faq"]
    assert selector["faq"]["response"]["intent_response_key"] == "faq/detox"
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["faq", "out_of_scope"]


@pytest.mark.parametrize(
    ("label", "probability"),
    [
        ("faq/stopping_safely", 0.55),  # not likely enough
        ("none", 0.9),  # a question the article does not answer
        ("ask_personal_medical_advice", 0.9),  # an intent, not an answer
    ],
)
def test_otherwise_it_is_still_did_you_mean(
    classifier_gate: ResponseConfidenceGate, label: str, probability: float
) -> None:
    [message] = classifier_gate.process([did_you_mean(label, probability)])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_the_classifier_never_replaces_a_sure_answer(
    classifier_gate: ResponseConfidenceGate,
) -> None:
    message = classified_message("faq", response_confidence=0.9)
    message.set("faq_classifier", {"label": "faq/stopping_safely", "probability": 0.95})
    [message] = classifier_gate.process([message])
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/detox"
    )


def test_the_classifiers_answer_is_off_by_default(gate: ResponseConfidenceGate) -> None:
    [message] = gate.process([did_you_mean("faq/stopping_safely", 0.99)])
    assert message.get("intent")["name"] == "nlu_fallback"


def answered_with_opinions(
    probability: float, neighbours: dict[str, str], response_confidence: float = 0.97
) -> Message:
    """faq/detox given, the classifier for faq/stopping_safely, the neighbours as given."""
    message = classified_message("faq", response_confidence)
    message.set("faq_classifier", {"label": "faq/stopping_safely", "probability": probability})
    message.set("faq_neighbours", neighbours)
    return message


@pytest.fixture
def outvoting_gate() -> ResponseConfidenceGate:
    return ResponseConfidenceGate({"threshold": 0.6, "outvote_min_probability": 0.5})


@pytest.mark.parametrize(
    "neighbours",
    [
        {"label": "faq/stopping_safely", "share": 1.0},
        {"label": "faq/detox", "question_label": "faq/stopping_safely"},
    ],
)
def test_an_answer_yields_when_the_classifier_and_a_neighbours_opinion_name_another(
    outvoting_gate: ResponseConfidenceGate, neighbours: dict[str, str]
) -> None:
    # "como le hago para dejar el clonazepam sin que me de withdrawal": the ResponseSelector
    # said withdrawal_symptoms at 0.97, the classifier and the nearest examples stopping_safely
    [message] = outvoting_gate.process([answered_with_opinions(0.79, neighbours)])

    response = message.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/stopping_safely"
    assert response["utter_action"] == "utter_faq/stopping_safely"
    assert message.get("intent")["name"] == "faq"
    assert message.get(GATE_KEY) == {
        "retrieval_intent": "faq",
        "response_confidence": 0.97,
        "replaced": "faq/detox",
        "classifier_probability": 0.79,
        "outvoted": True,
    }


@pytest.mark.parametrize(
    ("probability", "neighbours"),
    [
        (0.45, {"label": "faq/stopping_safely"}),  # the classifier not likely enough
        (0.9, {"label": "faq/detox", "question_label": "faq/detox"}),  # neighbours agree with it
        (0.9, {}),  # no neighbours' opinion
    ],
)
def test_otherwise_the_answer_stands(
    outvoting_gate: ResponseConfidenceGate, probability: float, neighbours: dict[str, str]
) -> None:
    [message] = outvoting_gate.process([answered_with_opinions(probability, neighbours)])
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/detox"
    )
    assert message.get(GATE_KEY) is None


def test_outvoting_is_off_by_default(gate: ResponseConfidenceGate) -> None:
    message = answered_with_opinions(0.99, {"label": "faq/stopping_safely"})
    [message] = gate.process([message])
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/detox"
    )


def answered_but_not_in_article(probability: float) -> Message:
    """faq/detox given at 0.97; the classifier says the article has no answer."""
    message = classified_message("faq", 0.97)
    message.set("faq_classifier", {"label": "none", "probability": probability})
    return message


@pytest.fixture
def withdrawing_gate() -> ResponseConfidenceGate:
    return ResponseConfidenceGate({"threshold": 0.6, "no_answer_min_probability": 0.6})


def test_an_answer_the_article_does_not_have_becomes_did_you_mean(
    withdrawing_gate: ResponseConfidenceGate,
) -> None:
    # "do you have a group just for veterans?": the ResponseSelector said therapies, sure; the
    # classifier, taught by writers' questions the article does not answer, says none
    [message] = withdrawing_gate.process([answered_but_not_in_article(0.72)])

    assert message.get("intent")["name"] == "nlu_fallback"
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["nlu_fallback", "faq"]
    assert message.get(GATE_KEY) == {
        "retrieval_intent": "faq",
        "response_confidence": 0.97,
        "withdrawn": "faq/detox",
        "classifier_probability": 0.72,
        "no_answer": True,
    }


@pytest.mark.parametrize("probability", [0.59, 0.3])
def test_a_less_likely_none_leaves_the_answer(
    withdrawing_gate: ResponseConfidenceGate, probability: float
) -> None:
    [message] = withdrawing_gate.process([answered_but_not_in_article(probability)])
    assert message.get("intent")["name"] == "faq"
    assert message.get(GATE_KEY) is None


def test_none_never_touches_other_intents(withdrawing_gate: ResponseConfidenceGate) -> None:
    message = classified_message("request_intake", 0.97)
    message.set("faq_classifier", {"label": "none", "probability": 0.99})
    [message] = withdrawing_gate.process([message])
    assert message.get("intent")["name"] == "request_intake"


def test_withdrawing_is_off_by_default(gate: ResponseConfidenceGate) -> None:
    [message] = gate.process([answered_but_not_in_article(0.99)])
    assert message.get("intent")["name"] == "faq"


def answer_neighbours_agree_with(
    response_confidence: float, classifier_label: str, probability: float
) -> Message:
    """faq/detox at `response_confidence`, the nearest examples naming it too, and the
    classifier's most likely label."""
    message = with_neighbours(classified_message("faq", response_confidence), "faq/detox")
    message.set("faq_classifier", {"label": classifier_label, "probability": probability})
    return message


@pytest.fixture
def doubting_gate() -> ResponseConfidenceGate:
    return ResponseConfidenceGate(
        {
            "threshold": 0.6,
            "agreement_threshold": 0.3,
            "no_answer_min_probability": 0.66,
            "unsure_no_answer_min_probability": 0.0,
        }
    )


def test_an_unsure_agreed_answer_yields_to_a_less_likely_none(
    doubting_gate: ResponseConfidenceGate,
) -> None:
    # "clonazepam for burning mouth": faq/detox at 0.4, the neighbours agree; the classifier's
    # most likely label is none, at only 0.35
    message = answer_neighbours_agree_with(0.4, "none", 0.35)
    [message] = doubting_gate.process([message])

    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get(GATE_KEY) == {
        "retrieval_intent": "faq",
        "response_confidence": 0.4,
        "withdrawn": "faq/detox",
        "classifier_probability": 0.35,
        "no_answer": True,
    }


def test_a_sure_answer_still_needs_a_likely_none(doubting_gate: ResponseConfidenceGate) -> None:
    message = answer_neighbours_agree_with(0.97, "none", 0.35)
    [message] = doubting_gate.process([message])
    assert message.get("intent")["name"] == "faq"
    assert message.get(GATE_KEY) is None


def test_an_unsure_agreed_answer_stands_when_the_classifier_names_an_answer(
    doubting_gate: ResponseConfidenceGate,
) -> None:
    message = answer_neighbours_agree_with(0.4, "faq/detox", 0.35)
    [message] = doubting_gate.process([message])
    assert message.get("intent")["name"] == "faq"
    assert message.get(GATE_KEY)["agreed"] is True


def test_without_the_unsure_rule_an_agreed_answer_yields_to_a_likely_none() -> None:
    gate = ResponseConfidenceGate(
        {"threshold": 0.6, "agreement_threshold": 0.3, "no_answer_min_probability": 0.66}
    )
    message = answer_neighbours_agree_with(0.4, "none", 0.73)
    [message] = gate.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
