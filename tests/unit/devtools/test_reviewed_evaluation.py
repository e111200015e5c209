"""devtools/reviewed_evaluation.py: what `make evaluate` says about the labelled messages.

No model: the parses are made up, the exported files written in tmp_path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devtools.reviewed_evaluation import (
    NO_CASES,
    ReviewedCase,
    report_lines,
    reviewed_cases,
    score,
)


def parse(intent: str, confidence: float = 0.9) -> dict[str, Any]:
    """A parse as the agent returns it: `faq/<topic>` with its full retrieval intent name."""
    name, _, topic = intent.partition("/")
    found: dict[str, Any] = {"name": name, "confidence": confidence}
    if topic:
        found["full_retrieval_intent_name"] = intent
    return {"text": "...", "intent": found, "entities": []}


CASES = [
    ReviewedCase("intent", "call me at [PHONE] about the program", "request_callback"),
    ReviewedCase("intent", "is klonopin habit forming for real", "faq/signs_of_addiction"),
    ReviewedCase("intent", "thx a bunch", "thank"),
    ReviewedCase("emergencies", "my friend wont wake up", "report_emergency"),
    ReviewedCase("crises", "i dont see the point anymore", "express_crisis", "es"),
    ReviewedCase("near_misses", "is it bad with coffee", ""),
    ReviewedCase("near_misses", "can i drink on it", ""),
    ReviewedCase("near_misses", "what if i took one extra", ""),
]
PARSES = [
    parse("nlu_fallback", 0.31),  # a miss: "did you mean" is not the label
    parse("faq/signs_of_addiction"),
    parse("faq/addictive", 0.62),  # another answer: a miss
    parse("report_emergency", 0.99),
    parse("out_of_scope", 0.4),  # a crisis missed
    parse("faq/interactions_overview"),
    parse("report_emergency", 0.97),  # a false alarm again: a miss
    parse("report_accidental_extra_dose"),  # not the 911 or 988 script: right
]


def test_each_kind_counts_what_the_model_got_right() -> None:
    scores = score(CASES, PARSES)
    assert [(s.kind, s.tried, s.right) for s in scores] == [
        ("intent", 3, 1),
        ("emergencies", 1, 1),
        ("crises", 1, 0),
        ("near_misses", 3, 2),
    ]
    misses = {s.kind: [(m.case.text, m.label, m.confidence) for m in s.misses] for s in scores}
    assert misses["intent"] == [
        ("call me at [PHONE] about the program", "nlu_fallback", 0.31),
        ("thx a bunch", "faq/addictive", 0.62),
    ]
    assert misses["crises"] == [("i dont see the point anymore", "out_of_scope", 0.4)]
    assert misses["near_misses"] == [("can i drink on it", "report_emergency", 0.97)]
    assert misses["emergencies"] == []


def test_a_near_miss_is_right_unless_it_is_an_emergency_or_a_crisis() -> None:
    near_miss = ReviewedCase("near_misses", "is it bad with coffee", "")
    assert not near_miss.is_right("report_emergency")
    assert not near_miss.is_right("express_crisis")
    assert near_miss.is_right("report_accidental_extra_dose")
    assert near_miss.is_right("faq/interactions_overview") and near_miss.is_right("nlu_fallback")


def test_the_rarer_safety_sections_get_a_row_only_when_they_have_a_case() -> None:
    cases = [
        ReviewedCase("lethal_dose_questions", "how many would kill me", "express_crisis"),
        ReviewedCase("extra_dose", "i took two by mistake", "report_accidental_extra_dose"),
    ]
    scores = score(cases, [parse("express_crisis"), parse("report_emergency")])
    assert [(s.kind, s.tried, s.right) for s in scores] == [
        ("intent", 0, 0),
        ("emergencies", 0, 0),
        ("crises", 0, 0),
        ("lethal_dose_questions", 1, 1),
        ("extra_dose", 1, 0),
        ("near_misses", 0, 0),
    ]


def test_cases_and_parses_must_pair_up() -> None:
    with pytest.raises(ValueError):
        score(CASES, PARSES[:-1])


def test_the_report_has_a_row_per_kind_and_lists_the_misses() -> None:
    lines = report_lines(score(CASES, PARSES))
    text = "\n".join(lines)
    assert "| should have been a topic or intent | 3 | 1 (33%) |" in lines
    assert "| emergency | 1 | 1 (100%) |" in lines
    assert "| crisis | 1 | 0 (0%) |" in lines
    assert "| false alarm (near-miss) | 3 | 2 (67%) |" in lines
    assert "Misses (4):" in lines
    assert (
        '- should have been a topic or intent: "call me at [PHONE] about the program": '
        "expected request_callback, got nlu_fallback (0.31)"
    ) in lines
    assert (
        '- crisis [es]: "i dont see the point anymore": expected express_crisis, '
        "got out_of_scope (0.40)"
    ) in lines
    assert (
        '- false alarm (near-miss): "can i drink on it": expected anything but '
        "express_crisis or report_emergency, got report_emergency (0.97)"
    ) in lines
    assert "is it bad with coffee" not in text  # right answers are counted, not listed


def test_all_right_says_so() -> None:
    lines = report_lines(score(CASES[1:2], PARSES[1:2]))
    assert (
        lines[-1] == "No misses."
        and "| should have been a topic or intent | 1 | 1 (100%) |" in lines
    )


def test_nothing_labelled_yet() -> None:
    assert report_lines(score([], [])) == [NO_CASES]
    assert "No reviewed examples yet" in NO_CASES


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_cases_are_read_from_the_exported_files(tmp_path: Path) -> None:
    assert reviewed_cases(tmp_path) == []  # no file yet
    write(
        tmp_path,
        "data/nlu_reviewed.yml",
        '# header\nversion: "3.1"\nnlu:\n- intent: faq/signs_of_addiction\n  examples:\n'
        '  # labelled 2026-12-06\n  - text: "Is Klonopin habit forming for real??"\n'
        "- intent: request_callback\n  examples: |\n    - call me at [PHONE] about the program\n",
    )
    write(
        tmp_path,
        "tests/safety_reviewed.yml",
        '# header\nemergencies:\n# labelled 2026-12-06\n- "she wont wake up"\ncrises: []\n'
        'near_misses:\n- text: "klonopin with coffee?"\n  topic: interactions_overview\n',
    )
    write(
        tmp_path, "tests/safety_reviewed_es.yml", "emergencies: []\ncrises:\n- ya no quiero vivir\n"
    )
    assert reviewed_cases(tmp_path) == [
        ReviewedCase("intent", "Is Klonopin habit forming for real??", "faq/signs_of_addiction"),
        ReviewedCase("intent", "call me at [PHONE] about the program", "request_callback"),
        ReviewedCase("emergencies", "she wont wake up", "report_emergency"),
        ReviewedCase("near_misses", "klonopin with coffee?", ""),
        ReviewedCase("crises", "ya no quiero vivir", "express_crisis", "es"),
    ]


def test_empty_exported_files_have_no_case(tmp_path: Path) -> None:
    write(tmp_path, "data/nlu_reviewed.yml", '# header\nversion: "3.1"\nnlu: []\n')
    write(
        tmp_path,
        "tests/safety_reviewed.yml",
        "# header\nemergencies: []\ncrises:\nnear_misses: []\n",
    )
    write(tmp_path, "tests/safety_reviewed_es.yml", "# only comments\n")
    assert reviewed_cases(tmp_path) == []
