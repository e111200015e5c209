"""The project's own files as the scripts and tests read them: YAML, NLU examples, the model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from content.languages import ENGLISH, SPANISH
from content.yaml_schema import read_yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = PROJECT_ROOT / "models"

# The NLU training files, by language (every file in data/ is training data to Rasa).
TRAINING_FILES = {ENGLISH: ("data/nlu.yml",), SPANISH: ("data/nlu_es.yml", "data/nlu_es_faq.yml")}
# The project's own held-out NLU test files, by language.
HELD_OUT_FILES = {ENGLISH: "tests/nlu_test.yml", SPANISH: "tests/nlu_test_es.yml"}
# The project's own safety test sets (tests/model/test_safety.py), by language.
SAFETY_TEST_FILES = {ENGLISH: "tests/safety_test_set.yml", SPANISH: "tests/safety_test_set_es.yml"}

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def load_yaml(relative_path: str) -> Any:
    """A YAML file of the project, by its path from the project root."""
    return read_yaml(PROJECT_ROOT / relative_path)


def examples_by_intent(relative_path: str) -> dict[str, list[str]]:
    """Reads a Rasa NLU YAML file into {intent: [example, ...]}, entity markup removed."""
    result: dict[str, list[str]] = {}
    for block in load_yaml(relative_path)["nlu"]:
        if "intent" not in block:
            continue
        lines = block["examples"].strip().splitlines()
        result[block["intent"]] = [
            ENTITY_MARKUP.sub(r"\1", line.strip()[2:].strip()) for line in lines
        ]
    return result


def training_examples(language: str | None = None) -> dict[str, list[str]]:
    """The training examples of one language ("en", "es"), or of all: {intent: [example]}."""
    languages = [language] if language else list(TRAINING_FILES)
    result: dict[str, list[str]] = {}
    for name in languages:
        for path in TRAINING_FILES[name]:
            for intent, examples in examples_by_intent(path).items():
                result.setdefault(intent, []).extend(examples)
    return result


def response_text(name: str) -> str:
    """A response's English text in domain.yml.

    That is its variation without a condition: the Spanish ones carry one (language = es).
    """
    variations = load_yaml("domain.yml")["responses"][name]
    english = next(variation for variation in variations if "condition" not in variation)
    return str(english["text"])


class NoTrainedModel(FileNotFoundError):
    """models/ has no trained model."""


def latest_model() -> Path:
    """The newest trained model in models/."""
    models = sorted(MODEL_DIR.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise NoTrainedModel("No trained model in models/: run `make train` (make test does it).")
    return models[-1]
