"""OtherDrugGuard: clonazepam's FAQ answers are never given to questions about another drug."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.other_drug_guard import OTHER_DRUG_GUARD_KEY, OtherDrugGuard
from nlu_components.substance_extractor import SubstanceExtractor


@pytest.fixture(scope="module")
def extractor() -> SubstanceExtractor:
    return SubstanceExtractor(SubstanceExtractor.get_default_config())


@pytest.fixture(scope="module")
def guard() -> OtherDrugGuard:
    return OtherDrugGuard.create({}, None, None, None)  # type: ignore[arg-type]


def classified(
    text: str, intent: str = "faq", entities: list[dict[str, Any]] | None = None
) -> Message:
    """`text` as the classifiers leave it: the intent, the FAQ answer, any entities."""
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "response_selector": {
            "faq": {"response": {"intent_response_key": "faq/what_is", "confidence": 0.8}}
        },
        "entities": entities or [],
    }
    return Message(data=data, output_properties=set(data))


def parsed(
    extractor: SubstanceExtractor, guard: OtherDrugGuard, text: str, intent: str = "faq"
) -> Message:
    """`text` as the pipeline leaves it: the intent, the FAQ answer, the substances, the guard."""
    return guard.process(extractor.process([classified(text, intent)]))[0]


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("what is ativan", "Ativan"),
        ("how long does xanax stay in your system", "Xanax"),
        ("is gabapentin addictive", "gabapentin"),
        ("is kratom addictive on its own", "kratom"),  # "its" is kratom's, not clonazepam's
        ("what are the side effects of lorazepam", "Ativan"),
    ],
)
def test_an_faq_question_about_another_drug_is_out_of_scope(
    extractor: SubstanceExtractor, guard: OtherDrugGuard, text: str, drug: str
) -> None:
    message = parsed(extractor, guard, text)

    assert message.get("intent") == {"name": "out_of_scope", "confidence": 0.9}
    assert message.get("intent_ranking")[0]["name"] == "out_of_scope"
    assert message.get(OTHER_DRUG_GUARD_KEY) == {"drugs": [drug], "answer_before": "faq/what_is"}


@pytest.mark.parametrize(
    "text",
    [
        "is klonopin more addictive than xanax",  # names clonazepam: its answer is wanted
        "is klonipin stronger than ativan",  # a misspelt name of clonazepam still counts
        "is it as addictive as xanax",  # "it" may be clonazepam, named before
        "are benzos addictive",  # the category includes clonazepam
        "how long does it take to work",  # no other drug at all
    ],
)
def test_questions_that_may_be_about_clonazepam_keep_their_answer(
    extractor: SubstanceExtractor, guard: OtherDrugGuard, text: str
) -> None:
    message = parsed(extractor, guard, text)

    assert message.get("intent")["name"] == "faq"
    assert message.get(OTHER_DRUG_GUARD_KEY) is None


@pytest.mark.parametrize("intent", ["ask_interaction", "report_emergency", "nlu_fallback"])
def test_other_intents_are_left_alone(
    extractor: SubstanceExtractor, guard: OtherDrugGuard, intent: str
) -> None:
    message = parsed(extractor, guard, "what about xanax", intent=intent)

    assert message.get("intent")["name"] == intent


def with_diets_substance(guard: OtherDrugGuard, text: str, word: str) -> Message:
    """`text` with an FAQ answer and DIET's `substance` entity over `word` (no extractor run)."""
    start = text.index(word)
    entity = {
        "entity": "substance",
        "start": start,
        "end": start + len(word),
        "value": word,
        "extractor": "DIETClassifier",
    }
    return guard.process([classified(text, entities=[entity])])[0]


def test_diets_entity_over_a_drug_name_the_lexicon_knows_counts(guard: OtherDrugGuard) -> None:
    # DIET found "kratom" first, so the extractor left DIET's entity in place.
    message = with_diets_substance(guard, "is kratom habit forming", "kratom")

    assert message.get("intent")["name"] == "out_of_scope"


def test_diets_guess_over_a_word_the_lexicon_does_not_know_is_ignored(
    guard: OtherDrugGuard,
) -> None:
    message = with_diets_substance(guard, "is the comedown habit forming", "comedown")

    assert message.get("intent")["name"] == "faq"
