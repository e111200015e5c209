"""action_check_interaction: one answer per substance named, the overview when none is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.check_interaction import (
    ANSWER_KIND_SLOT,
    LIFE_THREATENING_RESPONSE,
    NOT_LISTED_RESPONSE,
    OVERVIEW_RESPONSE,
    SHOULD_BE_AVOIDED_RESPONSE,
    ActionCheckInteraction,
    interaction_answers,
    shown_name,
)
from nlu_components.substance_lexicon import SubstanceLexicon
from tests.support.trackers import tracker_with

LEXICON_YAML = """
categories:
  benzodiazepines:
    article_item: other benzodiazepines
    label: another benzodiazepine
    reply: life_threatening
  antidepressants:
    article_item: medications for depression like trazodone or amitriptyline
    label: a medicine for depression
    reply: should_be_avoided
  not_in_article:
    article_item: (none)
    label: a medicine the article does not cover
    reply: not_listed
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
  Claritin:
    category: not_in_article
    variants: [loratadine]
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
        (SHOULD_BE_AVOIDED_RESPONSE, "Trazodone (a medicine for depression)"),
        (NOT_LISTED_RESPONSE, "Ibuprofen"),
        (LIFE_THREATENING_RESPONSE, "Benzodiazepines"),  # the name says the category
    ]
    # Markers for staff review, added to what the conversation already had; the advice
    # that follows leaves out the 911 line the answer already gave.
    assert slots == {
        ANSWER_KIND_SLOT: "dangerous_mix",
        "substances_checked": ["Xanax", "Xanax", "Trazodone", "Benzodiazepines"],
        "substances_not_listed": ["Ibuprofen"],
    }


async def test_a_name_the_article_does_not_cover_is_sent_to_the_pharmacist(
    lexicon: SubstanceLexicon,
) -> None:
    messages, slots = await run_action(lexicon, [substance("loratadine", 10)])
    assert [(message["response"], message["substance"]) for message in messages] == [
        (NOT_LISTED_RESPONSE, "Claritin"),
    ]
    assert slots == {
        ANSWER_KIND_SLOT: "other",  # the advice then gives the 911 line itself
        "substances_checked": ["Xanax"],
        "substances_not_listed": ["Claritin"],
    }


async def test_no_substance_gives_the_overview(lexicon: SubstanceLexicon) -> None:
    messages, slots = await run_action(lexicon, [{"entity": "other", "value": "x"}])
    assert [message["response"] for message in messages] == [OVERVIEW_RESPONSE]
    assert slots == {ANSWER_KIND_SLOT: "overview"}


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
    for name in (LIFE_THREATENING_RESPONSE, SHOULD_BE_AVOIDED_RESPONSE, NOT_LISTED_RESPONSE):
        [variation] = domain["responses"][name]
        assert "safe" not in variation["text"].lower()
        assert "{substance}" in variation["text"]
    assert "call 911 now" in domain["responses"][LIFE_THREATENING_RESPONSE][0]["text"]


def test_the_advice_says_what_the_answer_did_not(domain: dict[str, Any]) -> None:
    """By the slot the action sets; all of it when the action server could not answer."""
    variations = domain["responses"]["utter_interaction_advice"]
    by_kind = {
        variation["condition"][0]["value"] if variation.get("condition") else None: variation[
            "text"
        ]
        for variation in variations
    }
    assert set(by_kind) == {"dangerous_mix", "overview", None}
    assert set(domain["slots"][ANSWER_KIND_SLOT]["values"]) == {
        "pending",
        "dangerous_mix",
        "overview",
        "other",
    }
    for kind, text in by_kind.items():
        assert "don't stop" in text.lower()
        assert ("call 911 now" in text) is (kind is None)
        assert ("doctor or pharmacist" in text) is (kind != "overview")
    assert "{substance}" in domain["responses"][NOT_LISTED_RESPONSE][0]["text"]
    assert "pharmacist" in domain["responses"][NOT_LISTED_RESPONSE][0]["text"]
