"""Broken copies of the pattern files: the error names the file, the pattern and the field."""

from pathlib import Path
from typing import Any

import pytest

from content.yaml_schema import InvalidYamlFile
from nlu_components.dose_question_guard import DoseQuestionGuard
from nlu_components.safety_net import SafetyNet
from nlu_components.safety_patterns import load_patterns
from tests.support.broken_files import Change, broken_copy, shipped

ROUTERS = [SafetyNet, DoseQuestionGuard]


def first_three_patterns(data: dict[str, Any]) -> None:
    """Keeps the first three patterns only: the copy is quicker to read."""
    data["patterns"] = data["patterns"][:3]


def pattern(data: dict[str, Any], index: int) -> dict[str, Any]:
    entry: dict[str, Any] = data["patterns"][index]
    return entry


def without_matches(entry: dict[str, Any]) -> None:
    entry.pop("match", None)
    entry.pop("match_all", None)


CHANGES: list[tuple[Change, str]] = [
    (lambda d: pattern(d, 0).update(matches=[]), "patterns[0]({0}).matches: unknown field"),
    (lambda d: d.update(spellings=["x"]), "spellings: unknown field (expected: words, "),
    (
        lambda d: pattern(d, 1).update(only_when_unsure="yes"),
        "patterns[1]({1}).only_when_unsure: expected true or false, not 'yes'",
    ),
    (lambda d: pattern(d, 0).update(match={"LOWER": "x"}), "patterns[0]({0}).match: expected a"),
    (lambda d: d["spelling"].append(5), "spelling[{n}]: expected a text, not 5"),
    (lambda d: pattern(d, 1).pop("why"), "patterns[1]({1}).why: missing"),
    (lambda d: d.pop("patterns"), "patterns: missing"),
    (lambda d: without_matches(pattern(d, 0)), "patterns[0]({0}): needs `match` or `match_all`"),
    (lambda d: pattern(d, 0).update(id="Not Breathing"), "patterns[0](Not Breathing).id: 'Not"),
    (lambda d: pattern(d, 1).update(id=pattern(d, 0)["id"]), "patterns[1]({0}).id: also the id"),
    (
        lambda d: pattern(d, 0).update(match=[[{"LOWER": {"IN": "$nothing"}}]]),
        "patterns[0]({0}).match[0]: unknown word list $nothing (known: ",
    ),
    (
        lambda d: pattern(d, 0).update(match=[[{"LOWER": "a"}, {"LOWR": "b"}]]),
        "patterns[0]({0}).match[0][1].LOWR: not a token attribute",
    ),
    (
        lambda d: pattern(d, 0).update(match=[[{"TEXT": {"REGEX": "^(1|2$"}}]]),
        "patterns[0]({0}).match[0]: REGEX '^(1|2$' does not compile",
    ),
    (lambda d: pattern(d, 0).update(match=[[]]), "patterns[0]({0}).match[0]: an empty token"),
]


@pytest.mark.parametrize("router", ROUTERS, ids=lambda router: router.__name__)
@pytest.mark.parametrize("change, problem", CHANGES)
def test_a_broken_copy_names_the_file_and_the_field(
    tmp_path: Path, router: Any, change: Change, problem: str
) -> None:
    data = shipped(router.DEFAULT_PATTERNS_FILE)
    ids = [entry["id"] for entry in data["patterns"][:2]]
    expected = problem.format(*ids, n=len(data["spelling"]))
    path = broken_copy(tmp_path, router.DEFAULT_PATTERNS_FILE, first_three_patterns, change)
    with pytest.raises(InvalidYamlFile) as error:
        load_patterns(path, router.INTENTS)
    assert f"{path}: {expected}" in str(error.value)


def test_an_intent_of_another_router_is_refused(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path, SafetyNet.DEFAULT_PATTERNS_FILE, first_three_patterns, lambda data: None
    )
    with pytest.raises(InvalidYamlFile) as error:
        load_patterns(path, DoseQuestionGuard.INTENTS)
    first = str(error.value).splitlines()[0]
    assert first.startswith(f"{path}: patterns[0](")
    expected = ", ".join(DoseQuestionGuard.INTENTS)
    assert f").intent: unknown intent 'report_emergency' (expected: {expected})" in first
