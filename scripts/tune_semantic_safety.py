"""Chooses the semantic safety net's numbers by leave-one-writer-out, on tuning data only.

Tuning data: the labelled messages (nlu_components/labelled_messages/*.yml, one file per
writer and kind: the served dev splits of #15) and the project's own sets
(tests/safety_test_set*.yml, tests/nlu_test.yml, tests/nlu_dev.yml). The test split and the
current dev split (tests/independent/) are never read here.

Each writer's messages are judged by a bank that holds the exemplars, the training examples
and every other writer's messages, never their own: how the net does on a writer it has not
seen. (A file's questions and safety messages come from one writer: `safety_dev4.yml` and
`questions_dev4.yml` are left out together.) The project's own sets are judged by the whole
bank. For each (threshold, margin) it prints how many emergency, crisis and lethal-dose
messages the net alone routes, and how many informational ones (near-misses, questions) it
would wrongly route to an emergency or crisis; the chosen pair routes the most while wrongly
routing at most 1.5 % (ties: the higher threshold). A second grid does the same for the
linear classifier (C, minimum probability) when either opinion fires (ties: fewer false
alarms, then the smaller C, then the higher probability). Both go into config.yml by hand.

    .venv/bin/python scripts/tune_semantic_safety.py    # about 5 minutes on 2 cores
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from content.safety_intents import SAFETY_INTENTS as ALL_SAFETY_INTENTS
from devtools.project_files import (
    SAFETY_TEST_FILES,
    examples_by_intent,
    load_yaml,
    training_examples,
)
from nlu_components.labelled_messages import DEFAULT_DIRECTORY, read_labelled_messages
from nlu_components.safety_classifier import RouteClassifier
from nlu_components.safety_exemplars import (
    INFORMATIONAL,
    ExemplarBank,
    exemplar_bank,
    training_exemplar,
)
from nlu_components.sentence_encoder import encode_all

THRESHOLDS = [0.45, 0.5, 0.55, 0.6]
MARGINS = [0.0, 0.02, 0.05]
MAX_FALSE_ALARMS = 0.015
CLASSIFIER_CS = [8.0, 16.0]
MIN_PROBABILITIES = [0.6, 0.7, 0.8]
ALARMS = {"emergency", "crisis"}
SAFETY_INTENTS = set(ALL_SAFETY_INTENTS)
OWN_SETS = "own sets"


@dataclass
class Fold:
    """Messages judged together, and the bank that judges them."""

    must: np.ndarray  # vectors of emergencies, crises, lethal-dose questions
    must_not: np.ndarray  # vectors of informational messages
    bank: ExemplarBank


def texts(items: Iterable[object]) -> list[str]:
    """The texts of a section (items are texts or {text: ...} mappings)."""
    return [item if isinstance(item, str) else item["text"] for item in items]  # type: ignore[index]


def own_sets() -> tuple[list[str], list[str]]:
    """The project's own sets: (must route, must not)."""
    must, must_not = [], []
    for path in SAFETY_TEST_FILES.values():
        cases = load_yaml(path)
        for section in ("emergencies", "crises", "lethal_dose_questions"):
            must += texts(cases.get(section) or [])
        must_not += texts(cases.get("near_misses") or [])
    for path in ("tests/nlu_test.yml", "tests/nlu_dev.yml"):
        for intent, examples in examples_by_intent(path).items():
            if intent not in SAFETY_INTENTS:
                must_not += examples
    return must, must_not


def folds() -> dict[str, Fold]:
    """One fold per writer (the file name's split), and the project's own sets."""
    training = [
        training_exemplar(intent, text)
        for intent, texts in training_examples().items()
        for text in texts
    ]
    base = exemplar_bank().extended(training, encode_all(e.text for e in training))
    labelled = read_labelled_messages(DEFAULT_DIRECTORY)
    vectors = encode_all(e.text for e in labelled)
    writer = np.array([e.group.split(":")[0].split("_", 1)[1] for e in labelled])
    route = np.array([e.route for e in labelled])
    result = {}
    for split in sorted(set(writer)):
        mine = writer == split
        others = [e for e, m in zip(labelled, mine, strict=True) if not m]
        judged = mine & (route != "extra_dose")
        result[split] = Fold(
            must=vectors[judged & (route != INFORMATIONAL)],
            must_not=vectors[judged & (route == INFORMATIONAL)],
            bank=base.extended(others, vectors[~mine]),
        )
    must, must_not = own_sets()
    whole = base.extended(labelled, vectors)
    result[OWN_SETS] = Fold(encode_all(must), encode_all(must_not), whole)
    return result


def main() -> None:
    """Prints both grids and the chosen numbers."""
    by_split = folds()
    total_must = sum(len(f.must) for f in by_split.values())
    total_not = sum(len(f.must_not) for f in by_split.values())
    print(f"{len(by_split) - 1} writers and the own sets: {total_must} to route, {total_not} not")
    print("\n| threshold | margin | routed | false alarms |\n|---|---|---|---|")
    nearest: dict[tuple[float, float], dict[str, tuple[list, list]]] = defaultdict(dict)
    best: tuple[int, float, float] | None = None
    for threshold, margin in itertools.product(THRESHOLDS, MARGINS):
        routed = alarms = 0
        for split, fold in by_split.items():
            must = [fold.bank.match(v, threshold, margin).route for v in fold.must]
            must_not = [fold.bank.match(v, threshold, margin).route for v in fold.must_not]
            nearest[threshold, margin][split] = (must, must_not)
            routed += sum(r is not None for r in must)
            alarms += sum(r in ALARMS for r in must_not)
        print(f"| {threshold} | {margin} | {routed}/{total_must} | {alarms}/{total_not} |")
        if alarms <= MAX_FALSE_ALARMS * total_not and (best is None or routed >= best[0]):
            best = (routed, threshold, margin)
    print(f"\nchosen (routed, threshold, margin): {best}\n")
    if best is None:
        return
    chosen_nearest = nearest[best[1], best[2]]
    print("| C | min probability | routed by either | false alarms |\n|---|---|---|---|")
    counts: dict[tuple[float, float], list[int]] = defaultdict(lambda: [0, 0])
    for split, fold in by_split.items():
        must_routes, not_routes = chosen_nearest[split]
        for c in CLASSIFIER_CS:
            classifier = RouteClassifier(fold.bank, c)
            for p in MIN_PROBABILITIES:
                counts[c, p][0] += sum(
                    r is not None or classifier.guess(v, p).route is not None
                    for r, v in zip(must_routes, fold.must, strict=True)
                )
                counts[c, p][1] += sum(
                    (r or classifier.guess(v, p).route) in ALARMS
                    for r, v in zip(not_routes, fold.must_not, strict=True)
                )
    chosen: tuple[int, int, float, float] | None = None
    for c in CLASSIFIER_CS:
        for p in sorted(MIN_PROBABILITIES, reverse=True):
            routed, alarms = counts[c, p]
            print(f"| {c:g} | {p} | {routed}/{total_must} | {alarms}/{total_not} |")
            better = chosen is None or (routed, -alarms) > (chosen[0], -chosen[1])
            if alarms <= MAX_FALSE_ALARMS * total_not and better:
                chosen = (routed, alarms, c, p)
    print(f"\nchosen (routed, false alarms, C, min probability): {chosen}")


if __name__ == "__main__":
    main()
