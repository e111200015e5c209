from pathlib import Path
from typing import Any

import pytest

from actions.faq_topics import (
    answered_topic,
    closest_topics,
    faq_is_a_likely_intent,
    load_catalogue,
    topic_key,
)
from content.yaml_schema import InvalidYamlFile


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


@pytest.mark.parametrize("language", ["en", "es"])
def test_catalogue_questions_are_unique_questions(language: str) -> None:
    catalogue = load_catalogue()
    questions = [topic.question_in(language) for topic in catalogue.values()]
    assert len(set(questions)) == len(questions)
    assert all(question.endswith("?") for question in questions)
    assert all(question.startswith("¿") for question in questions) is (language == "es")


VALID_ENTRY = """\
topics:
  what_is:
    question: "What is clonazepam?"
    question_es: "¿Qué es el clonazepam?"
    offers_intake: false
    article_section: "What is Clonazepam (Klonopin)?"
    safety_lines: []
"""


def write_registry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "faq_topics.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_registry_loads_in_file_order_with_defaults(tmp_path: Path) -> None:
    text = VALID_ENTRY + (
        "  location:\n"
        '    question: "Where is the treatment center?"\n'
        '    question_es: "¿Dónde está el centro de tratamiento?"\n'
        "    offers_intake: false\n"
        "    shows_contact: true\n"
        '    article_section: "Treatment in Kansas City"\n'
        "    safety_lines: [call_911, dont_stop]\n"
    )
    catalogue = load_catalogue(write_registry(tmp_path, text))
    assert list(catalogue) == ["what_is", "location"]
    assert catalogue["what_is"].key == "what_is"
    assert catalogue["what_is"].shows_contact is False
    assert catalogue["location"].safety_lines == ("call_911", "dont_stop")


@pytest.mark.parametrize(
    "change, where, problem",
    [
        (("safety_lines: []", "safety_lines: []\n    colour: red"), "colour", "unknown field"),
        (("    safety_lines: []\n", ""), "safety_lines", "missing"),
        (("safety_lines: []", "safety_lines: [call_912]"), "safety_lines[0]", "permitted"),
        (("[]", "[dont_stop, dont_stop]"), "safety_lines", "twice"),
        (("[]", "[call_911, call_911_first]"), "safety_lines", "name one"),
        (("offers_intake: false", 'offers_intake: "no"'), "offers_intake", "true or false"),
        (('"What is clonazepam?"', '"What is clonazepam"'), "question", "ending with '?'"),
        (('"¿Qué es el clonazepam?"', '"¿Qué es?."'), "question_es", "ending with '?'"),
        (('    question_es: "¿Qué es el clonazepam?"\n', ""), "question_es", "missing"),
        (('"What is Clonazepam (Klonopin)?"', '""'), "article_section", "empty"),
    ],
)
def test_a_wrong_entry_is_an_error_naming_the_file_the_topic_and_the_field(
    tmp_path: Path, change: tuple[str, str], where: str, problem: str
) -> None:
    path = write_registry(tmp_path, VALID_ENTRY.replace(*change))
    with pytest.raises(InvalidYamlFile) as raised:
        load_catalogue(path)
    [line] = str(raised.value).splitlines()
    assert line.startswith(f"{path}: topics.what_is.{where}: ")
    assert problem in line


def test_a_topic_cannot_both_offer_the_intake_team_and_show_the_contact(tmp_path: Path) -> None:
    text = VALID_ENTRY.replace(
        "offers_intake: false", "offers_intake: true\n    shows_contact: true"
    )
    with pytest.raises(InvalidYamlFile, match="topics.what_is: offers_intake and shows_contact"):
        load_catalogue(write_registry(tmp_path, text))


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "topics: missing"),
        (VALID_ENTRY.replace("what_is:", "What-Is:"), "'What-Is' is not a topic key"),
        (VALID_ENTRY.replace("topics:", "topic:"), "topic: unknown field (expected: topics)"),
        ("topics: {}\n", "topics: lists no topic"),
    ],
)
def test_a_wrong_file_is_an_error_naming_it(tmp_path: Path, text: str, problem: str) -> None:
    path = write_registry(tmp_path, text)
    with pytest.raises(InvalidYamlFile, match=f"^{path}: ") as raised:
        load_catalogue(path)
    assert problem in str(raised.value)
