"""The training examples file of the export, data/nlu_reviewed.yml (review.training_export).

Rasa 3.x NLU YAML: an intent's examples (`faq/<topic>` for an FAQ topic), each the stored,
redacted text of a message staff labelled, one line without accidental entity annotation
(`training_text`), preceded by the comment "# labelled YYYY-MM-DD". Examples are written as a
list of `text:` entries, not an `examples: |` block: a comment inside a block scalar would be
an example line to Rasa, which warns and skips it, and `make validate` fails on any warning.
`read_output` reads an earlier export back, with its days, so exports merge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from content.yaml_schema import read_yaml
from review.export_yaml import DATE_COMMENT, UNKNOWN_DAY, quoted
from review.known_texts import nlu_examples, normalised

# "]" followed by "(", "{" or "[" would make Rasa read "[...]" as an entity annotation.
ENTITY_LIKE = re.compile(r"\](?=[({\[])")
TEXT_LINE = re.compile(r"^\s*- text: (.+)$")
HEADER = """\
# Visitor messages staff labelled in the review app, as training examples. Written by
# `python -m review.cli export-training-data` (docs/staff-app.md, "Teaching the bot"):
# the visitors' stored, redacted text; each comment gives the day the message was labelled.
# Review the diff before training. Delete an example here to drop it: it is not written again.
"""


@dataclass(frozen=True)
class Example:
    """One training example of the output file."""

    intent: str
    text: str
    day: str


def read_output(path: Path) -> list[Example]:
    """The examples of an earlier export, with the day in the comment before each."""
    if not path.exists():
        return []
    days: dict[str, str] = {}
    day = UNKNOWN_DAY
    for line in path.read_text(encoding="utf-8").splitlines():
        if found := DATE_COMMENT.match(line):
            day = found.group(1)
        elif found := TEXT_LINE.match(line):
            value = yaml.safe_load(found.group(1))
            if isinstance(value, str):
                days.setdefault(normalised(value), day)
            day = UNKNOWN_DAY
    return [
        Example(intent, text, days.get(normalised(text), UNKNOWN_DAY))
        for intent, text in nlu_examples(read_yaml(path))
    ]


def training_text(stored: str) -> str:
    """A stored message as an example line: one line, no accidental entity annotation."""
    return ENTITY_LIKE.sub("] ", " ".join(stored.split()))


def render(examples: Iterable[Example]) -> str:
    """The output file: Rasa 3.x NLU YAML, intents in name order, a date comment per example."""
    by_intent: dict[str, list[Example]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example)
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', ""]
    if not by_intent:
        return "\n".join([*lines, "nlu: []", ""])
    lines.append("nlu:")
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples:"]
        for example in by_intent[intent]:
            lines += [f"  # labelled {example.day}", f"  - text: {quoted(example.text)}"]
        lines.append("")
    return "\n".join(lines)
