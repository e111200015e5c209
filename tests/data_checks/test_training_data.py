"""The training and held-out test data: enough, varied, separate, and free of personal data."""

import re

import pytest

from devtools.project_files import HELD_OUT_FILES, examples_by_intent, load_yaml, training_examples

TRAINING = training_examples()
ENGLISH_TRAINING = training_examples("en")
SPANISH_TRAINING = training_examples("es")
SPANISH_HELD_OUT = examples_by_intent(HELD_OUT_FILES["es"])
SAFETY_SET = load_yaml("tests/safety_test_set.yml")
DEV_SET = examples_by_intent("tests/nlu_dev.yml")
HELD_OUT = {
    **examples_by_intent(HELD_OUT_FILES["en"]),
    "report_emergency": SAFETY_SET["emergencies"],
    "express_crisis": SAFETY_SET["crises"] + SAFETY_SET["lethal_dose_questions"],
    "report_accidental_extra_dose": SAFETY_SET["extra_dose"],
    "near_misses": [case["text"] for case in SAFETY_SET["near_misses"]],
}
DRUG_NAME_VARIANTS = (
    "klonopin",
    "rivotril",
    "k pin",
    "k-pin",
    "benzo",
    "klonipin",
    "clonazapam",
    "clonopin",
)


def normalised(text: str) -> str:
    return " ".join(text.lower().strip(" ?.!").split())


@pytest.mark.parametrize("intent", sorted(TRAINING))
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_intent_has_at_least_25_distinct_examples_in_each_language(
    intent: str, language: str
) -> None:
    examples = {normalised(e) for e in training_examples(language).get(intent, [])}
    assert len(examples) >= 25


@pytest.mark.parametrize("intent", sorted(TRAINING))
def test_every_intent_has_held_out_examples_in_each_language(intent: str) -> None:
    assert len(HELD_OUT.get(intent, [])) >= 6
    assert len(SPANISH_HELD_OUT.get(intent, [])) >= 6


def test_safety_set_is_large_enough() -> None:
    emergencies_and_crises = sum(
        len(SAFETY_SET[key]) for key in ("emergencies", "crises", "lethal_dose_questions")
    )
    assert emergencies_and_crises >= 60
    assert len(SAFETY_SET["near_misses"]) >= 40


def test_held_out_examples_never_appear_in_training() -> None:
    training = {normalised(example) for examples in TRAINING.values() for example in examples}
    held_out = [*HELD_OUT.values(), *DEV_SET.values(), *SPANISH_HELD_OUT.values()]
    leaked = [e for examples in held_out for e in examples if normalised(e) in training]
    assert leaked == []


def test_the_dev_and_test_sets_do_not_share_a_message() -> None:
    test_set = {normalised(e) for examples in HELD_OUT.values() for e in examples}
    shared = [e for examples in DEV_SET.values() for e in examples if normalised(e) in test_set]
    assert shared == []


def test_no_example_is_used_for_two_intents() -> None:
    seen: dict[str, str] = {}
    for intent, examples in TRAINING.items():
        for example in examples:
            assert seen.setdefault(normalised(example), intent) == intent, example


def test_examples_use_the_names_visitors_use() -> None:
    text = " ".join(e.lower() for examples in ENGLISH_TRAINING.values() for e in examples)
    for variant in DRUG_NAME_VARIANTS:
        assert variant in text
    spanish = " ".join(e.lower() for examples in SPANISH_TRAINING.values() for e in examples)
    for variant in ("klonopin", "rivotril", "clonas", "clonazepam"):
        assert variant in spanish


PERSONAL_DATA = re.compile(r"\b\d{3}[-. ]\d{3}[-. ]\d{4}\b|[\w.+-]+@[\w-]+\.\w+")


@pytest.mark.parametrize(
    "data",
    [TRAINING, HELD_OUT, DEV_SET, SPANISH_HELD_OUT],
    ids=["training", "held_out", "dev", "spanish_held_out"],
)
def test_no_phone_numbers_or_emails_in_examples(data: dict[str, list[str]]) -> None:
    found = [e for examples in data.values() for e in examples if PERSONAL_DATA.search(e)]
    assert found == []
