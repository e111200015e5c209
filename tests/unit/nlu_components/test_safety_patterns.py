"""Every pattern of every pattern file has examples it must and must not match, and they hold.

The safety net's file and the dose question guard's share the format and the matcher.
"""

from pathlib import Path
from typing import Any

import pytest

from content.safety_intents import CRISIS_INTENT, EMERGENCY_INTENT
from nlu_components.dose_question_guard import DoseQuestionGuard
from nlu_components.safety_net import SafetyNet
from nlu_components.safety_patterns import (
    SafetyMatcher,
    expand_word_lists,
    load_patterns,
    safety_matcher,
    words_as_typed,
    words_of,
)

ROUTERS = {"safety_net": SafetyNet, "dose_question_guard": DoseQuestionGuard}
PATTERNS = [
    (router, pattern)
    for router, component in ROUTERS.items()
    for pattern in load_patterns(component.DEFAULT_PATTERNS_FILE, component.INTENTS)[0]
]


def examples(kind: str) -> list[tuple[str, str, str]]:
    return [(router, p.id, text) for router, p in PATTERNS for text in p.examples.get(kind, [])]


def matcher_of(router: str) -> SafetyMatcher:
    return safety_matcher(ROUTERS[router].DEFAULT_PATTERNS_FILE, ROUTERS[router].INTENTS)


@pytest.fixture(scope="module")
def matcher() -> SafetyMatcher:
    return matcher_of("safety_net")


@pytest.mark.parametrize("router, pattern", PATTERNS, ids=lambda p: getattr(p, "id", p))
def test_every_pattern_has_a_positive_and_a_negative_example(router: str, pattern: Any) -> None:
    assert pattern.examples.get("match")
    assert pattern.examples.get("no_match")


@pytest.mark.parametrize("router, pattern_id, text", examples("match"))
def test_pattern_fires_on_its_examples(router: str, pattern_id: str, text: str) -> None:
    fired = matcher_of(router).fired_patterns(text, unsure=True)
    assert pattern_id in [pattern.id for pattern in fired]


@pytest.mark.parametrize("router, pattern_id, text", examples("no_match"))
def test_pattern_stays_quiet_on_its_counter_examples(
    router: str, pattern_id: str, text: str
) -> None:
    fired = matcher_of(router).fired_patterns(text, unsure=True)
    assert pattern_id not in [pattern.id for pattern in fired]


def test_words_keep_apostrophes_and_drop_punctuation() -> None:
    assert words_of("He OD\u2019d!! won't wake, help?") == ["he", "od'd", "won't", "wake", "help"]


def test_words_lose_their_accents_so_spanish_is_matched_however_it_is_typed() -> None:
    assert words_of("Mi niño se tomó el frasco, ¡no respira!") == [
        "mi",
        "nino",
        "se",
        "tomo",
        "el",
        "frasco",
        "no",
        "respira",
    ]


def test_word_lists_expand_inside_in_lists() -> None:
    pattern = [{"LOWER": {"IN": ["$negation", "x"]}}]
    assert expand_word_lists(pattern, {"negation": ["not", "no"]}) == [
        {"LOWER": {"IN": ["not", "no", "x"]}}
    ]


@pytest.mark.parametrize(
    "text",
    ["hes not breathin", "she is unresponsve", "my boyfreind overdosed"],
)
def test_misspelled_safety_words_still_match(matcher: SafetyMatcher, text: str) -> None:
    assert matcher.match(text) is not None
    assert matcher.match(text).intent == EMERGENCY_INTENT


def test_each_word_is_also_kept_as_typed_for_the_spanish_lemmas() -> None:
    assert words_as_typed("Se MURIÓ… ¿qué? won\u2019t") == (
        ["se", "murio", "que", "won't"],
        ["se", "murió", "qué", "won\u2019t"],
    )


def test_a_spanish_message_gets_spanish_lemmas_and_spanglish_keeps_english_ones(
    matcher: SafetyMatcher,
) -> None:
    lemmas = {token.text: token.lemma_ for token in matcher.doc("mi tía respiraba y se murió")}
    assert (lemmas["respiraba"], lemmas["murio"]) == ("respirar", "morir")
    spanglish = matcher.doc("mi hermano took sus clonas y no despierta, que hago")
    assert [token.lemma_ for token in spanglish][2:5] == ["take", "su", "clonazepam"]
    assert matcher.doc("he took it")[1].lemma_ == "take"  # English: English lemmas


def test_drug_slang_is_normalised(matcher: SafetyMatcher) -> None:
    doc = matcher.doc("she took all her k pins")
    assert [token.lemma_ for token in doc][-2:] == ["clonazepam", "clonazepam"]


def test_an_emergency_outranks_a_crisis(matcher: SafetyMatcher) -> None:
    text = "she took a whole bottle of klonopin because she wants to die"
    assert {p.intent for p in matcher.fired_patterns(text)} == {EMERGENCY_INTENT, CRISIS_INTENT}
    assert matcher.match(text).intent == EMERGENCY_INTENT


def test_pattern_file_with_unknown_intent_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "patterns.yml"
    bad.write_text(
        "patterns:\n  - id: x\n    intent: greet\n    why: y\n    match: [[{LOWER: hi}]]\n"
    )
    with pytest.raises(ValueError, match="unknown intent"):
        load_patterns(bad)
