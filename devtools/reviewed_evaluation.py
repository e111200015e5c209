"""What the trained model makes of the messages staff labelled in the review app (`make evaluate`).

Staff label visitor messages the bot got wrong; `python -m review.cli export-training-data`
writes them as training examples (data/nlu_reviewed.yml) and as safety test cases
(tests/safety_reviewed.yml, tests/safety_reviewed_es.yml) (docs/staff-app.md, "Teaching the
bot"). scripts/evaluate_reviewed.py parses each of them with the trained model and prints,
per kind of label, how many it gets right, then each miss:

- a training example: right when the model predicts its intent (`faq/<topic>`: that answer,
  as `predicted_label` reads it, so "did you mean" is a miss);
- a safety case: an emergency must be understood as report_emergency, a crisis (or a
  lethal-dose question) as express_crisis, an accidental extra dose as
  report_accidental_extra_dose, and a near-miss (a false alarm) as anything but the first two.

Before retraining, the numbers measure the model staff saw go wrong; after retraining with the
exported file, the training examples are trained on, so the same report shows that the model
learnt them (not how well it generalises: the held-out sets measure that), while the safety
cases are never trained on. The texts are the visitors' stored, redacted messages, already in
the repository: they are printed (to stdout, never logged) in the list of misses only.

`score` and `report_lines` are pure (tests/unit/devtools/test_reviewed_evaluation.py);
`reviewed_cases` reads the files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content.languages import ENGLISH
from content.safety_intents import CRISIS_INTENT, EMERGENCY_INTENT, EXTRA_DOSE_INTENT
from content.yaml_schema import read_yaml
from devtools.nlu_evaluation import predicted_label
from devtools.project_files import PROJECT_ROOT, REVIEWED_NLU_FILE, REVIEWED_SAFETY_FILES

# A training example of data/nlu_reviewed.yml; the other kinds are the safety files' sections.
TRAINING_EXAMPLE = "intent"
NEAR_MISSES = "near_misses"
# The intent each section of a safety file must be understood as (near-misses: see ALARMS).
EXPECTED_OF_SECTION: Mapping[str, str] = {
    "emergencies": EMERGENCY_INTENT,
    "crises": CRISIS_INTENT,
    "lethal_dose_questions": CRISIS_INTENT,
    "extra_dose": EXTRA_DOSE_INTENT,
}
# What a near-miss (a false alarm) must not be understood as: the 911 or the 988 script.
ALARMS = frozenset({EMERGENCY_INTENT, CRISIS_INTENT})
# Every kind, in the report's order, and how the report names it.
KIND_NAMES: Mapping[str, str] = {
    TRAINING_EXAMPLE: "should have been a topic or intent",
    "emergencies": "emergency",
    "crises": "crisis",
    "lethal_dose_questions": "lethal-dose question",
    "extra_dose": "accidental extra dose",
    NEAR_MISSES: "false alarm (near-miss)",
}
# The kinds the export writes: a row each, even with nothing labelled yet.
ALWAYS_SHOWN = (TRAINING_EXAMPLE, "emergencies", "crises", NEAR_MISSES)
NO_CASES = (
    "No reviewed examples yet: data/nlu_reviewed.yml and tests/safety_reviewed*.yml hold no "
    'labelled message (docs/staff-app.md, "Teaching the bot").'
)


@dataclass(frozen=True)
class ReviewedCase:
    """One labelled message of an exported file and what the model should make of it.

    `expected`: the intent (or `faq/<topic>`) it must be understood as; "" for a near-miss,
    which may be anything but an alarm.
    """

    kind: str
    text: str
    expected: str
    language: str = ENGLISH

    def is_right(self, label: str) -> bool:
        """Whether the model's label (predicted_label) is right for this case."""
        if self.kind == NEAR_MISSES:
            return label not in ALARMS
        return label == self.expected

    @property
    def wanted(self) -> str:
        """What it should have been, as a miss reads."""
        if self.kind == NEAR_MISSES:
            return f"anything but {' or '.join(sorted(ALARMS))}"
        return self.expected


@dataclass(frozen=True)
class Miss:
    """A case the model got wrong: what it said, and how sure it was."""

    case: ReviewedCase
    label: str
    confidence: float | None


@dataclass
class KindScore:
    """How the model did on one kind of label."""

    kind: str
    tried: int = 0
    right: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The kind as the report names it."""
        return KIND_NAMES.get(self.kind, self.kind)


def _confidence(parse: Mapping[str, Any]) -> float | None:
    value = (parse.get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else None


def score(cases: Sequence[ReviewedCase], parses: Sequence[Mapping[str, Any]]) -> list[KindScore]:
    """Counts right answers per kind: `parses[i]` is the model's parse of `cases[i]`.

    One KindScore per kind of ALWAYS_SHOWN, then per other kind that has a case, in
    KIND_NAMES order; the misses in the cases' order.
    """
    if len(cases) != len(parses):
        raise ValueError(f"{len(cases)} cases but {len(parses)} parses")
    scores = {kind: KindScore(kind) for kind in ALWAYS_SHOWN}
    for case, parse in zip(cases, parses, strict=True):
        kind_score = scores.setdefault(case.kind, KindScore(case.kind))
        label = predicted_label(dict(parse))
        kind_score.tried += 1
        if case.is_right(label):
            kind_score.right += 1
        else:
            kind_score.misses.append(Miss(case, label, _confidence(parse)))
    order = [*KIND_NAMES, *sorted(scores.keys() - KIND_NAMES.keys())]
    return [scores[kind] for kind in order if kind in scores]


def _quoted(text: str) -> str:
    return '"' + " ".join(text.split()).replace('"', '\\"') + '"'


def report_lines(scores: Iterable[KindScore]) -> list[str]:
    """The report: a table of tried and right per kind, then every miss (NO_CASES if none)."""
    scores = list(scores)
    if not sum(kind_score.tried for kind_score in scores):
        return [NO_CASES]
    lines = [
        f"Training examples from {REVIEWED_NLU_FILE} (trained on once the model is retrained "
        "with them),",
        f"safety cases from {' and '.join(REVIEWED_SAFETY_FILES.values())} (never trained on).",
        "",
        "| labelled as | tried | right |",
        "|---|---|---|",
    ]
    for kind_score in scores:
        right = f"{kind_score.right}"
        if kind_score.tried:
            right += f" ({kind_score.right / kind_score.tried:.0%})"
        lines.append(f"| {kind_score.name} | {kind_score.tried} | {right} |")
    misses = [miss for kind_score in scores for miss in kind_score.misses]
    lines.append("")
    if not misses:
        lines.append("No misses.")
        return lines
    lines.append(f"Misses ({len(misses)}):")
    for miss in misses:
        sure = "" if miss.confidence is None else f" ({miss.confidence:.2f})"
        language = "" if miss.case.language == ENGLISH else f" [{miss.case.language}]"
        lines.append(
            f"- {KIND_NAMES.get(miss.case.kind, miss.case.kind)}{language}: "
            f"{_quoted(miss.case.text)}: expected {miss.case.wanted}, got {miss.label}{sure}"
        )
    return lines


def training_cases(path: Path) -> list[ReviewedCase]:
    """The examples of an exported NLU file, as Rasa reads them (none: no file)."""
    if not path.exists():
        return []
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().read(str(path))
    return [
        ReviewedCase(
            TRAINING_EXAMPLE,
            str(message.get("text")),
            str(message.get("intent_response_key") or message.get("intent")),
        )
        for message in data.training_examples
    ]


def safety_cases(path: Path, language: str) -> list[ReviewedCase]:
    """The cases of a reviewed safety file, section by section (none: no file, or empty)."""
    data = read_yaml(path) if path.exists() else None
    cases = []
    for section in (*EXPECTED_OF_SECTION, NEAR_MISSES):
        for item in (data or {}).get(section) or []:
            text = item.get("text") if isinstance(item, dict) else item
            expected = EXPECTED_OF_SECTION.get(section, "")
            cases.append(ReviewedCase(section, str(text), expected, language))
    return cases


def reviewed_cases(root: Path = PROJECT_ROOT) -> list[ReviewedCase]:
    """Every labelled message of the exported files: training examples, then safety cases."""
    cases = training_cases(root / REVIEWED_NLU_FILE)
    for language, path in REVIEWED_SAFETY_FILES.items():
        cases += safety_cases(root / path, language)
    return cases
