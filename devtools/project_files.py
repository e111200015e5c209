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
# Safety cases from staff labels in the review app (`python -m review.cli export-training-data`,
# review/safety_export.py), by the language the conversation was answered in: the same
# sections, run by the same tests.
REVIEWED_SAFETY_FILES = {
    ENGLISH: "tests/safety_reviewed.yml",
    SPANISH: "tests/safety_reviewed_es.yml",
}
# Training examples from staff labels (the same export): trained on with the rest of data/.
REVIEWED_NLU_FILE = "data/nlu_reviewed.yml"
# The conversation tests (tests/model/test_conversations.py): the project's own, and the
# conversations staff marked "make this a test" (the same export, review/story_export.py,
# review/story_steps.py and review/story_file.py).
CONVERSATION_TEST_FILES = ("tests/test_stories.yml", "tests/test_stories_reviewed.yml")

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def load_yaml(relative_path: str) -> Any:
    """A YAML file of the project, by its path from the project root."""
    return read_yaml(PROJECT_ROOT / relative_path)


def reviewed_safety_set(language: str) -> dict[str, Any]:
    """The reviewed safety cases of one language by section ({} for a missing or empty file)."""
    path = PROJECT_ROOT / REVIEWED_SAFETY_FILES[language]
    data = read_yaml(path) if path.exists() else None
    return {section: cases or [] for section, cases in (data or {}).items()}


def _example_texts(examples: Any) -> list[str]:
    """The texts of a block's `examples`: a `- text` block string, or a list of `text:` items."""
    if isinstance(examples, list):  # the export's form, each with its date comment
        texts = [str(item["text"]) for item in examples]
    else:
        texts = [line.strip()[2:] for line in examples.strip().splitlines()]
    return [ENTITY_MARKUP.sub(r"\1", text.strip()) for text in texts]


def examples_by_intent(relative_path: str) -> dict[str, list[str]]:
    """Reads a Rasa NLU YAML file into {intent: [example, ...]}, entity markup removed."""
    result: dict[str, list[str]] = {}
    for block in load_yaml(relative_path).get("nlu") or []:
        if "intent" not in block:
            continue
        result.setdefault(block["intent"], []).extend(_example_texts(block["examples"]))
    return result


def training_examples(language: str | None = None) -> dict[str, list[str]]:
    """The training examples of one language ("en", "es"), or of all: {intent: [example]}.

    All of them include the examples staff labelled (REVIEWED_NLU_FILE), in either language,
    once an export has written the file.
    """
    paths = [
        path
        for name in ([language] if language else TRAINING_FILES)
        for path in TRAINING_FILES[name]
    ]
    if language is None and (PROJECT_ROOT / REVIEWED_NLU_FILE).exists():
        paths.append(REVIEWED_NLU_FILE)
    result: dict[str, list[str]] = {}
    for path in paths:
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
