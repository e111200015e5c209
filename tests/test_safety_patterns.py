"""Every safety pattern has examples it must and must not match, and they hold."""

from pathlib import Path

import pytest

from nlu_components.safety_patterns import (
    CRISIS_INTENT,
    EMERGENCY_INTENT,
    SafetyMatcher,
    expand_word_lists,
    load_patterns,
    safety_matcher,
    words_of,
)

PATTERNS, _ = load_patterns()


def examples(kind: str) -> list[tuple[str, str]]:
    return [(p.id, text) for p in PATTERNS for text in p.examples.get(kind, [])]


@pytest.fixture(scope="module")
def matcher() -> SafetyMatcher:
    return safety_matcher()


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.id)
def test_every_pattern_has_a_positive_and_a_negative_example(pattern) -> None:
    assert pattern.examples.get("match")
    assert pattern.examples.get("no_match")


@pytest.mark.parametrize("pattern_id, text", examples("match"))
def test_pattern_fires_on_its_examples(matcher: SafetyMatcher, pattern_id: str, text: str) -> None:
    assert pattern_id in [pattern.id for pattern in matcher.fired_patterns(text)]


@pytest.mark.parametrize("pattern_id, text", examples("no_match"))
def test_pattern_stays_quiet_on_its_counter_examples(
    matcher: SafetyMatcher, pattern_id: str, text: str
) -> None:
    assert pattern_id not in [pattern.id for pattern in matcher.fired_patterns(text)]


def test_words_keep_apostrophes_and_drop_punctuation() -> None:
    assert words_of("He OD\u2019d!! won't wake, help?") == ["he", "od'd", "won't", "wake", "help"]


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
