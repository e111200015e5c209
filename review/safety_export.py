"""The safety test cases of the export: tests/safety_reviewed.yml and its Spanish twin.

Messages staff labelled "should have been an emergency", "... a crisis" or "false alarm" are
written (review.training_export) as cases of the safety test sets' sections (SECTION_OF_KIND):
emergencies, crises, near_misses; tests/model/test_safety.py runs them with the safety test
sets. A conversation answered in Spanish goes to tests/safety_reviewed_es.yml (`spanish_file`).
Each case is preceded by the comment "# labelled YYYY-MM-DD". Staff may move a case to
lethal_dose_questions or extra_dose, and give a near-miss the `topic` (or `intent`) that
should answer it; `read_safety_cases` reads all of that back (SafetyFile: the files' schema),
with the days, and `render_safety_cases` writes it again, so exports merge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List

import yaml
from pydantic import validator

from content.languages import ENGLISH, SPANISH
from content.yaml_schema import SchemaModel, Text, load_yaml_file
from review.export_yaml import DATE_COMMENT, UNKNOWN_DAY, quoted
from review.known_texts import normalised

ITEM_LINE = re.compile(r"^\s*- (.+)$")
_PLAIN = re.compile(r"[a-z][a-z0-9_]*")

# The safety test sets' sections (tests/safety_test_set.yml), in their order, and the section
# each kind of safety label goes to. Staff may move a case to the other two when reviewing.
EMERGENCIES = "emergencies"
CRISES = "crises"
NEAR_MISSES = "near_misses"
SAFETY_SECTIONS = (EMERGENCIES, CRISES, "lethal_dose_questions", "extra_dose", NEAR_MISSES)
SECTION_OF_KIND: Mapping[str, str] = {
    "emergency": EMERGENCIES,
    "crisis": CRISES,
    "false_alarm": NEAR_MISSES,
}
SAFETY_HEADER = """\
# Safety test cases from the review app: visitor messages staff labelled "Safety: should have
# been an emergency" (emergencies), "... a crisis" (crises) or "Not an emergency (false alarm)"
# (near_misses). Written by `python -m review.cli export-training-data` (docs/staff-app.md,
# "Teaching the bot"): the visitors' stored, redacted text; each comment gives the day the
# message was labelled. tests/model/test_safety.py runs them with the safety test sets, by the
# same rules. Review the diff: delete a case that is not one, or that still holds personal
# details (it is not written again); a case may be moved to lethal_dose_questions or
# extra_dose, and a near-miss given the `topic` (or `intent: ask_interaction`) it should be
# answered with: without one it must only not get the emergency or crisis script.
# {which}
"""
SAFETY_WHICH = {
    ENGLISH: "Conversations answered in English (the Spanish ones: the file ending in _es).",
    SPANISH: "Conversations answered in Spanish (the English ones: the file without _es).",
}


def spanish_file(path: Path) -> Path:
    """The Spanish twin of a safety case file: tests/safety_reviewed_es.yml."""
    return path.with_name(f"{path.stem}_es{path.suffix}")


@dataclass(frozen=True)
class SafetyCase:
    """One case of a reviewed safety file.

    `answer`: a near-miss's `topic` or `intent`, when staff added one in review.
    """

    section: str
    text: str
    day: str
    language: str = ENGLISH
    answer: Mapping[str, Any] = field(default_factory=dict)


class NearMiss(SchemaModel):
    """A near-miss of a reviewed safety file: the text, and what should answer it, if known."""

    text: Text
    topic: Text | List[Text] | None = None  # a topic of the registry, or two
    intent: Text | None = None  # ask_interaction: the interaction advice


class SafetyFile(SchemaModel):
    """tests/safety_reviewed.yml and tests/safety_reviewed_es.yml (SAFETY_HEADER)."""

    emergencies: List[Text] = []
    crises: List[Text] = []
    lethal_dose_questions: List[Text] = []
    extra_dose: List[Text] = []
    near_misses: List[NearMiss] = []

    @validator("*", pre=True)
    def none_is_empty(cls, value: Any) -> Any:
        """A section with nothing after it (its last case deleted by hand) has no case."""
        return [] if value is None else value


def _labelled_days(path: Path) -> dict[str, str]:
    """{normalised text: day} of the list items of a file, from the comment before each."""
    days: dict[str, str] = {}
    day = UNKNOWN_DAY
    for line in path.read_text(encoding="utf-8").splitlines():
        if found := DATE_COMMENT.match(line):
            day = found.group(1)
        elif found := ITEM_LINE.match(line):
            try:
                value = yaml.safe_load(found.group(1))
            except yaml.YAMLError:
                value = None
            if isinstance(value, dict):
                value = value.get("text")
            if isinstance(value, str):
                days.setdefault(normalised(value), day)
            day = UNKNOWN_DAY
    return days


def read_safety_cases(path: Path, language: str = ENGLISH) -> list[SafetyCase]:
    """The cases of a reviewed safety file, in its order, with their days (none: no file).

    Raises InvalidYamlFile, naming the file and field, when it is not valid.
    """
    if not path.exists():
        return []
    data = load_yaml_file(path, SafetyFile)
    days = _labelled_days(path)
    cases = []
    for section in SAFETY_SECTIONS:
        for item in getattr(data, section):
            if isinstance(item, NearMiss):
                text = str(item.text)
                answer = item.dict(exclude_none=True, exclude={"text"})
            else:
                text, answer = str(item), {}
            day = days.get(normalised(text), UNKNOWN_DAY)
            cases.append(SafetyCase(section, text, day, language, answer))
    return cases


def _flow(value: Any) -> str:
    """A topic or intent name (or a list of them) as YAML: `overdose`, `[addictive, detox]`."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    text = str(value)
    return text if _PLAIN.fullmatch(text) else quoted(text)


def render_safety_cases(cases: Iterable[SafetyCase], language: str = ENGLISH) -> str:
    """A reviewed safety file: the sections of the safety test sets, a date comment per case.

    The three sections the export writes are always there (`[]` when empty), the other two
    only when staff moved a case to them.
    """
    by_section: dict[str, list[SafetyCase]] = {section: [] for section in SAFETY_SECTIONS}
    for case in cases:
        by_section[case.section].append(case)
    lines = [SAFETY_HEADER.format(which=SAFETY_WHICH[language]).rstrip("\n")]
    for section in SAFETY_SECTIONS:
        if not by_section[section]:
            if section in SECTION_OF_KIND.values():
                lines.append(f"{section}: []")
            continue
        lines.append(f"{section}:")
        for case in by_section[section]:
            lines.append(f"# labelled {case.day}")
            if section == NEAR_MISSES:
                lines.append(f"- text: {quoted(case.text)}")
                lines += [f"  {key}: {_flow(value)}" for key, value in case.answer.items()]
            else:
                lines.append(f"- {quoted(case.text)}")
    return "\n".join(lines) + "\n"
