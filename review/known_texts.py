"""The messages the project already holds, which the training-data export leaves out.

- trained on: the examples of every training file (TRAINING_PATTERNS, data/*.yml);
- the semantic safety net's exemplars (EXEMPLAR_PATTERNS): trained on too;
- held out: every message of the test and evaluation files (HELD_OUT_PATTERNS), which must
  never be trained on; a text already in a test set is not made a test case twice.

Texts are compared `normalised`: without case or extra whitespace, entity markup removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from content.yaml_schema import read_yaml
from review.labels import PROJECT_ROOT

TRAINING_PATTERNS = ("data/*.yml",)
# The semantic safety net's examples: trained on, so never a safety test case.
EXEMPLAR_PATTERNS = ("nlu_components/safety_exemplars.yml",)
# Held-out and evaluation messages (devtools/project_files.py, scripts/evaluate_independent.py):
# a labelled message equal to one of them is never written.
HELD_OUT_PATTERNS = (
    "tests/nlu_test.yml",
    "tests/nlu_test_es.yml",
    "tests/nlu_dev.yml",
    "tests/independent/**/*.yml",
    "tests/safety_test_set*.yml",
    "tests/safety_reviewed*.yml",
    "nlu_components/labelled_messages/*.yml",
)
# Keys of the held-out files whose values are labels, not messages.
LABEL_KEYS = frozenset({"lang", "style", "kind", "topic", "intent", "version"})
ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def normalised(text: str) -> str:
    """Text as compared for duplicates: case and whitespace do not count."""
    return " ".join(text.casefold().split())


def _message_texts(data: Any, key: str = "") -> Iterator[str]:
    """Every message of a YAML test or training file (examples, `text:` values, plain lists)."""
    if isinstance(data, dict):
        for name, value in data.items():
            if name in LABEL_KEYS:
                continue
            if name == "examples" and isinstance(value, str):
                for line in value.splitlines():
                    if line.strip().startswith("-"):
                        yield ENTITY_MARKUP.sub(r"\1", line.strip()[1:].strip())
            else:
                yield from _message_texts(value, str(name))
    elif isinstance(data, list):
        for item in data:
            yield from _message_texts(item, key)
    elif isinstance(data, str) and key not in LABEL_KEYS:
        yield ENTITY_MARKUP.sub(r"\1", data)


def _files(root: Path, patterns: Iterable[str]) -> list[Path]:
    return sorted({path for pattern in patterns for path in root.glob(pattern) if path.is_file()})


def held_out_texts(root: Path = PROJECT_ROOT, leave_out: Iterable[Path] = ()) -> set[str]:
    """The normalised messages of every held-out test and evaluation file but `leave_out`."""
    skip = {path.resolve() for path in leave_out}
    return {
        normalised(text)
        for path in _files(root, HELD_OUT_PATTERNS)
        if path.resolve() not in skip
        for text in _message_texts(read_yaml(path))
    }


def exemplar_texts(root: Path = PROJECT_ROOT) -> set[str]:
    """The normalised examples of the semantic safety net (trained on, like data/*.yml)."""
    found: set[str] = set()
    for path in _files(root, EXEMPLAR_PATTERNS):
        data = read_yaml(path)
        groups = data.get("groups") if isinstance(data, dict) else None
        for group in groups or []:
            examples = group.get("examples") if isinstance(group, dict) else None
            found.update(normalised(str(text)) for text in examples or [])
    return found


def nlu_examples(data: Any) -> Iterator[tuple[str, str]]:
    """(intent, example) of a Rasa NLU YAML document, either way of writing examples."""
    blocks = data.get("nlu") if isinstance(data, dict) else None
    for block in blocks or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        examples = block.get("examples") or ""
        if isinstance(examples, str):
            texts = [
                line.strip()[1:].strip()
                for line in examples.splitlines()
                if line.strip().startswith("-")
            ]
        else:
            texts = [str(item.get("text", "")).strip() for item in examples if item]
        for text in texts:
            yield str(block["intent"]), text


def training_texts(root: Path = PROJECT_ROOT, leave_out: Path | None = None) -> set[str]:
    """The normalised examples of every training file (data/*.yml) but `leave_out`."""
    skip = leave_out.resolve() if leave_out else None
    return {
        normalised(ENTITY_MARKUP.sub(r"\1", text))
        for path in _files(root, TRAINING_PATTERNS)
        if path.resolve() != skip
        for _, text in nlu_examples(read_yaml(path))
    }
