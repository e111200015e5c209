"""Chooses the semantic safety net's numbers on tuning data only.

Tuning data: the dev split of the independent sets (tests/independent/*_dev.yml) and the
project's own sets (tests/safety_test_set.yml, tests/nlu_test.yml, tests/nlu_dev.yml). The
test split of the independent sets is never read here. For each (threshold, margin) of a
grid it prints how many emergency and crisis messages the net alone routes, and how many
informational messages (near-misses, questions, small talk) it would wrongly route; the
chosen pair is the one that routes the most while wrongly routing at most 1.5 % of the
informational ones (ties: the higher threshold). A second grid does the same for the linear
classifier (C, minimum probability), counting what the net routes when either opinion fires
with the chosen pair (ties: fewer false alarms, then the smaller C, then the higher
probability). Both go into config.yml by hand.

    .venv/bin/python scripts/tune_semantic_safety.py
"""

from __future__ import annotations

import itertools
from typing import Iterable

from devtools.project_files import examples_by_intent, load_yaml, training_examples
from nlu_components.safety_classifier import RouteClassifier
from nlu_components.safety_exemplars import ExemplarBank, exemplar_bank, training_exemplar
from nlu_components.sentence_encoder import encode_all

THRESHOLDS = [round(0.45 + 0.05 * step, 2) for step in range(7)]
MARGINS = [-0.05, 0.0, 0.02, 0.05]
MAX_FALSE_ALARMS = 0.015
CLASSIFIER_CS = [8.0, 16.0, 32.0, 64.0]
MIN_PROBABILITIES = [0.5, 0.6, 0.7, 0.8]
ALARMS = {"emergency", "crisis"}
SAFETY_INTENTS = {"report_emergency", "express_crisis", "report_accidental_extra_dose"}


def texts(items: Iterable[object]) -> list[str]:
    """The texts of a section (items are texts or {text: ...} mappings)."""
    return [item if isinstance(item, str) else item["text"] for item in items]  # type: ignore[index]


def tuning_sets() -> tuple[list[str], list[str]]:
    """(must route: emergencies, crises, lethal-dose questions; must not: the rest)."""
    must, must_not = [], []
    for path in ("tests/independent/safety_dev.yml", "tests/safety_test_set.yml"):
        cases = load_yaml(path)
        for section in ("emergencies", "crises", "lethal_dose_questions"):
            must += texts(cases.get(section) or [])
        must_not += texts(cases.get("near_misses") or [])
    must_not += texts(load_yaml("tests/independent/questions_dev.yml")["questions"])
    for path in ("tests/nlu_test.yml", "tests/nlu_dev.yml"):
        for intent, examples in examples_by_intent(path).items():
            if intent not in SAFETY_INTENTS:
                must_not += examples
    return must, must_not


def bank_with_training_data() -> ExemplarBank:
    """The bank as the trained model has it: the exemplar file and the training data."""
    training = [
        training_exemplar(intent, text)
        for intent, texts in training_examples().items()
        for text in texts
    ]
    return exemplar_bank().extended(training, encode_all(e.text for e in training))


def main() -> None:
    """Prints both grids and the chosen numbers."""
    bank = bank_with_training_data()
    must, must_not = tuning_sets()
    must_vectors, must_not_vectors = encode_all(must), encode_all(must_not)
    print(f"{len(must)} messages to route, {len(must_not)} informational\n")
    print("| threshold | margin | routed | false alarms |\n|---|---|---|---|")
    best: tuple[int, float, float] | None = None
    for threshold, margin in itertools.product(THRESHOLDS, MARGINS):
        routed = sum(bank.match(v, threshold, margin).route is not None for v in must_vectors)
        alarms = sum(bank.match(v, threshold, margin).route in ALARMS for v in must_not_vectors)
        print(f"| {threshold} | {margin} | {routed}/{len(must)} | {alarms}/{len(must_not)} |")
        if alarms <= MAX_FALSE_ALARMS * len(must_not) and (best is None or routed >= best[0]):
            best = (routed, threshold, margin)
    print(f"\nchosen (routed, threshold, margin): {best}\n")
    if best is None:
        return
    _, threshold, margin = best
    nearest_routes = [bank.match(v, threshold, margin).route for v in must_vectors]
    nearest_alarms = [bank.match(v, threshold, margin).route for v in must_not_vectors]
    print("| C | min probability | routed by either | false alarms |\n|---|---|---|---|")
    chosen: tuple[int, int, float, float] | None = None
    for c in CLASSIFIER_CS:
        classifier = RouteClassifier(bank, c)
        for p in sorted(MIN_PROBABILITIES, reverse=True):
            routed = sum(
                route is not None or classifier.guess(v, p).route is not None
                for route, v in zip(nearest_routes, must_vectors, strict=True)
            )
            alarms = sum(
                (route or classifier.guess(v, p).route) in ALARMS
                for route, v in zip(nearest_alarms, must_not_vectors, strict=True)
            )
            print(f"| {c:g} | {p} | {routed}/{len(must)} | {alarms}/{len(must_not)} |")
            better = chosen is None or (routed, -alarms) > (chosen[0], -chosen[1])
            if alarms <= MAX_FALSE_ALARMS * len(must_not) and better:
                chosen = (routed, alarms, c, p)
    print(f"\nchosen (routed, false alarms, C, min probability): {chosen}")


if __name__ == "__main__":
    main()
