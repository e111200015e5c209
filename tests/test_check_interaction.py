"""action_check_interaction: one answer per substance named, the overview when none is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.check_interaction import (
    LIFE_THREATENING_RESPONSE,
    NOT_LISTED_RESPONSE,
    OVERVIEW_RESPONSE,
    UNWANTED_REACTIONS_RESPONSE,
    ActionCheckInteraction,
    interaction_answers,
    shown_name,
)
from nlu_components.substance_lexicon import SubstanceLexicon
from tests.conftest import tracker_with

LEXICON_YAML = """
categories:
  benzodiazepines:
    article_item: other benzodiazepines
    label: another benzodiazepine
    life_threatening: true
  antidepressants:
    article_item: medications for depression like trazodone or amitriptyline
    label: a medicine for depression
    life_threatening: false
substances:
  Xanax:
    category: benzodiazepines
    variants: [alprazolam]
  trazodone:
    category: antidepressants
    variants: [desyrel]
  benzodiazepines:
    category: benzodiazepines
    names_the_category: true
    variants: [benzos]
"""


@pytest.fixture
def lexicon(tmp_path: Path) -> SubstanceLexicon:
    path = tmp_path / "substances.yml"
    path.write_text(LEXICON_YAML, encoding="utf-8")
    return SubstanceLexicon.from_file(path)


def substance(value: str, start: int) -> dict[str, Any]:
    return {"entity": "substance", "value": value, "start": start, "end": start + len(value)}


async def run_action(
    lexicon: SubstanceLexicon, entities: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with(
        {"intent": {"name": "ask_interaction"}, "entities": entities},
        slots={"substances_checked": ["Xanax"], "substances_not_listed": None},
        latest_action_name="action_listen",
    )
    events = await ActionCheckInteraction(lexicon).run(dispatcher, tracker, {})
    return dispatcher.messages, {event["name"]: event["value"] for event in events}


async def test_each_named_substance_gets_its_category_in_order(lexicon: SubstanceLexicon) -> None:
    messages, slots = await run_action(
        lexicon,
        [
            substance("desyrel", 30),
            substance("Xanax", 10),
            substance("ibuprofen", 50),
            substance("benzos", 70),
        ],
    )
    assert [(message["response"], message["substance"]) for message in messages] == [
        (LIFE_THREATENING_RESPONSE, "Xanax (another benzodiazepine)"),
        (UNWANTED_REACTIONS_RESPONSE, "Trazodone (a medicine for depression)"),
        (NOT_LISTED_RESPONSE, "Ibuprofen"),
        (LIFE_THREATENING_RESPONSE, "Benzodiazepines"),  # the name says the category
    ]
    # Markers for staff review, added to what the conversation already had.
    assert slots == {
        "substances_checked": ["Xanax", "Xanax", "Trazodone", "Benzodiazepines"],
        "substances_not_listed": ["Ibuprofen"],
    }


async def test_no_substance_gives_the_overview(lexicon: SubstanceLexicon) -> None:
    messages, slots = await run_action(lexicon, [{"entity": "other", "value": "x"}])
    assert [message["response"] for message in messages] == [OVERVIEW_RESPONSE]
    assert slots == {}


def test_the_same_substance_twice_is_answered_once(lexicon: SubstanceLexicon) -> None:
    answers = interaction_answers(
        [substance("alprazolam", 0), substance("Xanax", 20), substance("zzz", 30)], lexicon
    )
    assert [answer.substance for answer in answers] == ["Xanax", "Zzz"]


@pytest.mark.parametrize(
    "name, shown",
    [
        ("ibuprofen", "Ibuprofen"),
        ("  st.  john's   wort ", "St. john's wort"),
        ("x" * 60, "X" + "x" * 39),
    ],
)
def test_shown_name(name: str, shown: str) -> None:
    assert shown_name(name) == shown


def test_every_answer_response_exists_and_never_calls_a_mix_safe(domain: dict[str, Any]) -> None:
    for name in (LIFE_THREATENING_RESPONSE, UNWANTED_REACTIONS_RESPONSE, NOT_LISTED_RESPONSE):
        [variation] = domain["responses"][name]
        assert "safe" not in variation["text"].lower()
    advice = domain["responses"]["utter_interaction_advice"][0]["text"]
    assert "doctor or pharmacist" in advice and "don't stop" in advice
    assert "{substance}" in domain["responses"][NOT_LISTED_RESPONSE][0]["text"]
    assert "pharmacist" in domain["responses"][NOT_LISTED_RESPONSE][0]["text"]
