from typing import Any

import pytest

from actions.faq_topics import (
    answered_topic,
    closest_topics,
    faq_is_a_likely_intent,
    load_catalogue,
    topic_key,
)


def parse_data(
    intent: str,
    ranking: list[tuple[str, float]] | None = None,
    intents: list[str] | None = None,
    chosen: str | None = None,
) -> dict[str, Any]:
    """Parse data shaped like Rasa's, for an unclear or answered message."""
    response_ranking = [
        {"intent_response_key": f"faq/{key}", "confidence": confidence}
        for key, confidence in (ranking or [])
    ]
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": name, "confidence": 0.1} for name in (intents or [intent])],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {"intent_response_key": f"faq/{chosen}" if chosen else None},
                "ranking": response_ranking,
            },
        },
    }


@pytest.mark.parametrize(
    "key, expected",
    [("faq/addictive", "addictive"), ("chitchat/joke", None), ("faq", None), (None, None)],
)
def test_topic_key(key: str | None, expected: str | None) -> None:
    assert topic_key(key) == expected


def test_answered_topic_reads_the_chosen_answer() -> None:
    assert answered_topic(parse_data("faq", chosen="detox")) == "detox"


def test_answered_topic_is_none_for_other_intents() -> None:
    assert answered_topic(parse_data("greet", chosen="detox")) is None


def test_faq_counts_as_likely_when_second_after_the_fallback() -> None:
    data = parse_data("nlu_fallback", intents=["nlu_fallback", "help", "faq"])
    assert faq_is_a_likely_intent(data)
    data = parse_data("nlu_fallback", intents=["nlu_fallback", "help", "greet", "faq"])
    assert not faq_is_a_likely_intent(data)


def test_closest_topics_orders_by_confidence() -> None:
    data = parse_data(
        "nlu_fallback",
        intents=["nlu_fallback", "faq"],
        ranking=[("detox", 0.2), ("overdose", 0.5), ("uses", 0.1), ("inpatient", 0.3)],
    )
    assert closest_topics(data) == ["overdose", "inpatient", "detox"]


def test_closest_topics_empty_when_not_an_faq_question() -> None:
    data = parse_data(
        "nlu_fallback",
        intents=["nlu_fallback", "out_of_scope", "greet"],
        ranking=[("detox", 0.2), ("overdose", 0.5), ("uses", 0.1)],
    )
    assert closest_topics(data) == []


def test_closest_topics_empty_when_too_few_topics() -> None:
    data = parse_data("nlu_fallback", intents=["nlu_fallback", "faq"], ranking=[("detox", 0.9)])
    assert closest_topics(data) == []


def test_catalogue_questions_are_unique_questions() -> None:
    catalogue = load_catalogue()
    questions = [topic.question for topic in catalogue.values()]
    assert len(set(questions)) == len(questions)
    assert all(question.endswith("?") for question in questions)
