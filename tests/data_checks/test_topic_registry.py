"""The topic registry (actions/faq_topics.yml) against every file a topic needs.

A topic <key> needs its entry in the registry, training examples (faq/<key>) in data/nlu.yml,
its answer (utter_faq/<key>) in domain.yml, held-out examples in tests/nlu_test.yml and a
conversation test in tests/test_stories.yml that asks it and shows what the registry says
follows the answer. Each failure names the file to change. How many examples are enough is
tests/data_checks/test_training_data.py's; what an answer must say, test_faq_content.py's.
"""

import re
from typing import Any

import pytest

from actions.faq_topics import FAQ_INTENT, FaqTopic, load_catalogue, topic_key
from content.languages import without_accents
from devtools.project_files import (
    TRAINING_FILES,
    examples_by_intent,
    load_yaml,
    training_examples,
)

REGISTRY = "actions/faq_topics.yml"
TOPICS = load_catalogue()
TRAINING = training_examples()
HELD_OUT = examples_by_intent("tests/nlu_test.yml")
DEV_SET = examples_by_intent("tests/nlu_dev.yml")
ANSWERS = {
    name.removeprefix("utter_"): variations
    for name, variations in load_yaml("domain.yml")["responses"].items()
}
STORIES: list[dict[str, Any]] = load_yaml("tests/test_stories.yml")["stories"]
NEAR_MISSES: list[dict[str, Any]] = load_yaml("tests/safety_test_set.yml")["near_misses"]


def as_read(text: str) -> str:
    """`text` without case, accents and punctuation, as the word counts read their lemmas."""
    return " ".join(re.findall(r"\w+", without_accents(text).casefold()))


# {language: {intent: {example as read}}}, read once for the 48 button checks.
TRAINING_AS_READ = {
    language: {
        intent: set(map(as_read, examples))
        for intent, examples in training_examples(language).items()
    }
    for language in TRAINING_FILES
}


def faq_topics_in(names: list[str]) -> set[str]:
    """The topics of the `faq/<topic>` names among `names`."""
    return {key for key in map(topic_key, names) if key}


def turns_asking(topic: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each visitor turn of the conversation tests asking `topic`: (story, the steps after it)."""
    return [
        (story["story"], story["steps"][number + 1 :])
        for story in STORIES
        for number, step in enumerate(story["steps"])
        if step.get("intent") == f"{FAQ_INTENT}/{topic}"
    ]


def shows_what_follows(topic: FaqTopic, steps: list[dict[str, Any]]) -> bool:
    """Whether `steps` are the answer and what follows it as the registry says.

    The slot events after action_offer_intake stand for what the action returns (rasa test
    does not run it), so only this check ties them to the registry.
    """
    actions = [step.get("action") for step in steps[:2]]
    if actions != ["utter_faq", "action_offer_intake"] or len(steps) < 3:
        return False
    if "slot_was_set" not in steps[2]:
        return False
    slots = {name: value for slot in steps[2]["slot_was_set"] for name, value in slot.items()}
    following = steps[3].get("action") if len(steps) > 3 else None
    if topic.shows_contact:
        return slots.get("contact_due") is True and following == "action_intake_prompt"
    if slots.get("contact_due", False) is not False:
        return False
    if topic.offers_intake:
        return slots.get("intake_offer_due") is True and following == "utter_offer_intake"
    return slots.get("intake_offer_due") is False


@pytest.mark.parametrize("topic", TOPICS)
def test_the_topic_has_training_examples(topic: str) -> None:
    assert TRAINING.get(f"faq/{topic}"), f"data/nlu.yml has no examples of intent faq/{topic}"


@pytest.mark.parametrize("language", sorted(TRAINING_FILES))
@pytest.mark.parametrize("topic", TOPICS)
def test_the_button_question_is_a_training_example_of_its_topic(topic: str, language: str) -> None:
    """A button must not lean on the classifiers generalising: it sends a question they learnt.

    Without it, the Spanish off-label button got the answer on uses from a training on one
    machine and the right one on another (#15 part 22).
    """
    question = TOPICS[topic].question_in(language)
    assert as_read(question) in TRAINING_AS_READ[language].get(f"faq/{topic}", set()), (
        f"{' or '.join(TRAINING_FILES[language])} should have {REGISTRY}'s button question "
        f"{question!r} as it is among the examples of faq/{topic}"
    )


@pytest.mark.parametrize("topic", TOPICS)
def test_the_topic_has_held_out_examples(topic: str) -> None:
    assert HELD_OUT.get(f"faq/{topic}"), (
        f"tests/nlu_test.yml has no held-out examples of faq/{topic}: write visitor questions "
        "the model has not been trained on"
    )


@pytest.mark.parametrize("topic", TOPICS)
def test_the_topic_has_an_answer(topic: str) -> None:
    assert ANSWERS.get(f"faq/{topic}"), f"domain.yml has no response utter_faq/{topic}"


@pytest.mark.parametrize("topic", TOPICS)
def test_the_topic_has_a_conversation_test(topic: str) -> None:
    assert turns_asking(topic), (
        f"tests/test_stories.yml has no story in which the visitor asks faq/{topic} "
        "(see the `FAQ <topic>` stories)"
    )


@pytest.mark.parametrize("topic", TOPICS)
def test_a_conversation_test_shows_what_the_registry_says_follows_the_answer(topic: str) -> None:
    entry = TOPICS[topic]
    follows = (
        "the intake prompt (contact_due: true, action_intake_prompt)"
        if entry.shows_contact
        else "the intake offer (intake_offer_due: true, utter_offer_intake)"
        if entry.offers_intake
        else "no offer (intake_offer_due: false)"
    )
    turns = turns_asking(topic)
    assert any(shows_what_follows(entry, steps) for _, steps in turns), (
        f"no story of tests/test_stories.yml asking faq/{topic} shows utter_faq, "
        f"action_offer_intake, then {follows}, as {REGISTRY} says; stories asking it: "
        f"{[story for story, _ in turns]}"
    )


def test_every_topic_of_the_training_data_is_in_the_registry() -> None:
    unknown = faq_topics_in(list(TRAINING)) - set(TOPICS)
    assert not unknown, f"data/nlu.yml trains faq/<topic> for {sorted(unknown)}: add to {REGISTRY}"


def test_every_faq_answer_of_the_domain_is_in_the_registry() -> None:
    unknown = faq_topics_in(list(ANSWERS)) - set(TOPICS)
    assert not unknown, (
        f"domain.yml answers utter_faq/<topic> for {sorted(unknown)}: add to {REGISTRY}"
    )


def test_every_faq_topic_the_tests_expect_is_in_the_registry() -> None:
    """The held-out and development sets, the conversation tests, the safety set's near misses."""
    asked = [step.get("intent", "") for story in STORIES for step in story["steps"]]
    near_misses = {
        topic
        for case in NEAR_MISSES
        for topic in (case["topic"] if isinstance(case.get("topic"), list) else [case.get("topic")])
        if topic
    }
    in_tests = faq_topics_in([*HELD_OUT, *DEV_SET, *asked]) | near_misses
    unknown = in_tests - set(TOPICS)
    assert not unknown, f"tests ask faq/<topic> for {sorted(unknown)}, not in {REGISTRY}"
