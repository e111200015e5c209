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
    NOT_RECOGNISED_RESPONSE,
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
    label_es: otra benzodiacepina
    reply: life_threatening
  antidepressants:
    article_item: medications for depression like trazodone or amitriptyline
    label: a medicine for depression
    label_es: un medicamento para la depresión
    reply: should_be_avoided
  not_in_article:
    article_item: (none)
    label: a medicine the article does not cover
    label_es: un medicamento que el artículo no incluye
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
    variants: [benzos, benzodiacepinas]
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
        (NOT_LISTED_RESPONSE, "Ibuprofen"),  # one of the project's drug names: shown
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


@pytest.mark.parametrize(
    "words", ["call 555 0142 now", "pills my doctor gave me", "<b>grapefruit juice</b>"]
)
async def test_a_name_the_lexicon_does_not_know_is_never_shown_back(
    lexicon: SubstanceLexicon, words: str
) -> None:
    messages, slots = await run_action(lexicon, [substance(words, 10)])
    assert [message["response"] for message in messages] == [NOT_RECOGNISED_RESPONSE]
    assert all(words.lower() not in str(message).lower() for message in messages)
    assert slots["substances_not_listed"] == [shown_name(words)]  # staff see what was asked


def test_the_unrecognised_name_answer_has_no_placeholder_and_sends_to_the_pharmacist(
    domain: dict[str, Any],
) -> None:
    variations = domain["responses"][NOT_RECOGNISED_RESPONSE]
    assert len(variations) == 2  # English and Spanish
    assert all("{" not in variation["text"] for variation in variations)
    assert "pharmacist" in english(variations)[0]["text"]


async def test_no_substance_gives_the_overview(lexicon: SubstanceLexicon) -> None:
    messages, slots = await run_action(lexicon, [{"entity": "other", "value": "x"}])
    assert [message["response"] for message in messages] == [OVERVIEW_RESPONSE]
    assert slots == {ANSWER_KIND_SLOT: "overview"}


def test_the_same_substance_twice_is_answered_once(lexicon: SubstanceLexicon) -> None:
    answers = interaction_answers(
        [substance("alprazolam", 0), substance("Xanax", 20), substance("zzz", 30)], lexicon
    )
    assert [answer.substance for answer in answers] == ["Xanax", "Zzz"]


def test_a_spanish_answer_describes_the_substance_in_spanish(lexicon: SubstanceLexicon) -> None:
    text = "se puede tomar con xanax, benzodiacepinas o desyrel"
    entities = [
        substance("xanax", text.index("xanax")),
        substance("benzodiacepinas", text.index("benzodiacepinas")),
        substance("desyrel", text.index("desyrel")),
    ]
    spanish = interaction_answers(entities, lexicon, "es", text)
    assert [answer.described for answer in spanish] == [
        "Xanax (otra benzodiacepina)",
        "Benzodiacepinas",  # a whole category, in the visitor's own word
        "Trazodone (un medicamento para la depresión)",
    ]
    english = interaction_answers(entities, lexicon, "en", text)
    assert [answer.described for answer in english] == [
        "Xanax (another benzodiazepine)",
        "Benzodiazepines",
        "Trazodone (a medicine for depression)",
    ]


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


def english(variations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The English variations of a response (the Spanish ones say so in their metadata)."""
    return [v for v in variations if (v.get("metadata") or {}).get("language") != "es"]


def test_every_answer_response_exists_and_never_calls_a_mix_safe(domain: dict[str, Any]) -> None:
    for name in (LIFE_THREATENING_RESPONSE, SHOULD_BE_AVOIDED_RESPONSE, NOT_LISTED_RESPONSE):
        english_variation, spanish_variation = sorted(
            domain["responses"][name], key=lambda v: "condition" in v
        )
        assert "safe" not in english_variation["text"].lower()
        assert "segur" not in spanish_variation["text"].lower()
        for variation in (english_variation, spanish_variation):
            assert "{substance}" in variation["text"]
            assert "911" in variation["text"] or name != LIFE_THREATENING_RESPONSE
    [life_threatening] = english(domain["responses"][LIFE_THREATENING_RESPONSE])
    assert "call 911 now" in life_threatening["text"]


def test_the_advice_says_what_the_answer_did_not(domain: dict[str, Any]) -> None:
    """By the slot the action sets; all of it when the action server could not answer."""
    variations = english(domain["responses"]["utter_interaction_advice"])
    by_kind = {
        next(
            (c["value"] for c in v.get("condition") or [] if c["name"] == ANSWER_KIND_SLOT), None
        ): v["text"]
        for v in variations
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
    [not_listed] = english(domain["responses"][NOT_LISTED_RESPONSE])
    assert "{substance}" in not_listed["text"]
    assert "pharmacist" in not_listed["text"]
