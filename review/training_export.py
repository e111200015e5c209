"""Staff labels as Rasa NLU training data: `python -m review.cli export-training-data`.

Every label of kind `intent` not exported yet (review.labels) becomes an example of its
intent (`faq/<topic>` for an FAQ topic) in data/nlu_reviewed.yml, with the message's stored
text (redacted by the tracker store before it was saved: "call me at [PHONE]"), whitespace
collapsed. Skipped, and counted: a text already in the training data (every example of
data/*.yml but the output file, compared without case and extra whitespace) or in the file
or given by another label; a text of a held-out file (HELD_OUT_FILES: tests and evaluation
sets must never be trained on); a message gone (its conversation deleted by retention);
an empty one, a button payload ("/affirm") or a target no longer in the registry or domain.

The file is merged: the examples already in it stay (an example since added to another
training file or to a held-out file is dropped), so exports accumulate and an example
deleted by hand is not written again (its label is marked exported). Each example is
preceded by the comment "# labelled YYYY-MM-DD" (the center's day it was labelled; never
who labelled it). Examples are written as a list of `text:` entries, not an `examples: |`
block: a comment inside a block scalar would be an example line to Rasa, which warns and
skips it, and `make validate` fails on any warning.

Output is counts only (no message text is printed or logged); every run is audited.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import yaml

from content.yaml_schema import read_yaml
from review import audit
from review.labels import PROJECT_ROOT, label_choices, mark_exported, pending_labels

UTC = ZoneInfo("UTC")
DEFAULT_OUTPUT = PROJECT_ROOT / "data" / "nlu_reviewed.yml"
TRAINING_PATTERNS = ("data/*.yml",)
# Held-out and evaluation messages (devtools/project_files.py, scripts/evaluate_independent.py):
# a labelled message equal to one of them is never written.
HELD_OUT_PATTERNS = (
    "tests/nlu_test.yml",
    "tests/nlu_test_es.yml",
    "tests/nlu_dev.yml",
    "tests/independent/**/*.yml",
    "tests/safety_test_set*.yml",
    "nlu_components/labelled_messages/*.yml",
)
# Keys of the held-out files whose values are labels, not messages.
LABEL_KEYS = frozenset({"lang", "style", "kind", "topic", "intent", "version"})
ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
# "]" followed by "(", "{" or "[" would make Rasa read "[...]" as an entity annotation.
ENTITY_LIKE = re.compile(r"\](?=[({\[])")
DATE_COMMENT = re.compile(r"^\s*# labelled (\S+)")
TEXT_LINE = re.compile(r"^\s*- text: (.+)$")
# Characters YAML may hold as they are in a double-quoted scalar (the rest are escaped).
_PRINTABLE = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
UNKNOWN_DAY = "(day not recorded)"
HEADER = """\
# Visitor messages staff labelled in the review app, as training examples. Written by
# `python -m review.cli export-training-data` (docs/staff-app.md, "Teaching the bot"):
# the visitors' stored, redacted text; each comment gives the day the message was labelled.
# Review the diff before training. Delete an example here to drop it: it is not written again.
"""


def normalised(text: str) -> str:
    """Text as compared for duplicates: case and whitespace do not count."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Example:
    """One training example of the output file."""

    intent: str
    text: str
    day: str


@dataclass
class ExportReport:
    """What an export did (or would do, with --dry-run): counts only."""

    output: Path
    dry_run: bool
    added: int = 0
    kept: int = 0
    already_trained: int = 0
    held_out: int = 0
    gone: int = 0
    unusable: int = 0
    dropped: int = 0
    marked: int = 0
    intents: set[str] = field(default_factory=set)

    def summary(self) -> str:
        """Lines for the operator; never a message's text."""
        verb = "Would add" if self.dry_run else "Added"
        lines = [
            f"{verb} {self.added} example{'' if self.added == 1 else 's'} to {self.output} "
            f"({self.kept} kept from earlier exports, {len(self.intents)} intents in the file).",
            f"Skipped: {self.already_trained} already in the training data, {self.held_out} in a "
            f"held-out test file, {self.gone} gone (conversation deleted), {self.unusable} empty "
            "or no longer a topic or intent.",
        ]
        if self.dropped:
            lines.append(
                f"Removed from the file: {self.dropped} (now in other training or test data)."
            )
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)

    def audit_detail(self) -> str:
        """The audit entry's detail: counts only."""
        return (
            f"{'dry run: ' if self.dry_run else ''}{self.added} added, {self.kept} kept, "
            f"{self.already_trained} already trained, {self.held_out} held out, {self.gone} gone, "
            f"{self.unusable} unusable, {self.dropped} removed"
        )


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


def held_out_texts(root: Path = PROJECT_ROOT) -> set[str]:
    """The normalised messages of every held-out test and evaluation file."""
    return {
        normalised(text)
        for path in _files(root, HELD_OUT_PATTERNS)
        for text in _message_texts(read_yaml(path))
    }


def _nlu_examples(data: Any) -> Iterator[tuple[str, str]]:
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
        for _, text in _nlu_examples(read_yaml(path))
    }


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
        for intent, text in _nlu_examples(read_yaml(path))
    ]


def training_text(stored: str) -> str:
    """A stored message as an example line: one line, no accidental entity annotation."""
    return ENTITY_LIKE.sub("] ", " ".join(stored.split()))


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: readable, with anything YAML would refuse escaped."""
    characters = []
    for character in text:
        if character in '"\\':
            characters.append("\\" + character)
        elif _PRINTABLE.fullmatch(character):
            characters.append(character)
        elif ord(character) <= 0xFFFF:
            characters.append(f"\\u{ord(character):04x}")
        else:
            characters.append(f"\\U{ord(character):08x}")
    return '"' + "".join(characters) + '"'


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
            lines += [f"  # labelled {example.day}", f"  - text: {_quoted(example.text)}"]
        lines.append("")
    return "\n".join(lines)


def _write(path: Path, body: str) -> None:
    """Replaces the file at once (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class NotACheckout(RuntimeError):
    """The export runs where the project's data/ and tests/ files are not (a container)."""


def export_training_data(
    engine: sa.engine.Engine,
    output: Path = DEFAULT_OUTPUT,
    *,
    dry_run: bool = False,
    now: float,
    timezone: tzinfo = UTC,
    root: Path = PROJECT_ROOT,
) -> ExportReport:
    """Merges the pending `intent` labels into `output` and marks them exported."""
    report = ExportReport(output, dry_run)
    allowed = label_choices().targets
    held_out = held_out_texts(root)
    trained = training_texts(root, leave_out=output)
    if not held_out or not trained:
        raise NotACheckout(
            f"No training data or held-out test files under {root}: run export-training-data "
            "in a checkout of the repository, where data/ and tests/ are, so that what is "
            "already trained or held out is left out."
        )
    kept: list[Example] = []
    in_file: set[str] = set()
    for example in read_output(output):
        key = normalised(ENTITY_MARKUP.sub(r"\1", example.text))
        if key in held_out or key in trained or key in in_file or example.intent not in allowed:
            report.dropped += 1
            continue
        in_file.add(key)
        kept.append(example)
    report.kept = len(kept)
    added: list[Example] = []
    exported: list[int] = []
    for pending in pending_labels(engine):
        label = pending.label
        if pending.text is None:
            report.gone += 1
            continue
        text = training_text(pending.text)
        if not text or text.startswith("/") or label.target not in allowed:
            report.unusable += 1
            continue
        key = normalised(text)
        if key in held_out:
            report.held_out += 1
        elif key in trained or key in in_file:
            report.already_trained += 1
            exported.append(label.id)
        else:
            day = datetime.fromtimestamp(label.at, timezone).date().isoformat()
            added.append(Example(label.target, text, day))
            in_file.add(key)
            exported.append(label.id)
    report.added = len(added)
    report.intents = {example.intent for example in (*kept, *added)}
    if not dry_run:
        if added or kept or report.dropped or output.exists():
            _write(output, render([*kept, *added]))
        report.marked = mark_exported(engine, exported, now)
    return report


def record_export(engine: sa.engine.Engine, actor: str, report: ExportReport) -> None:
    """The run's audit entry: where it wrote, and counts."""
    audit.record(
        engine,
        actor,
        "exported training data",
        target=str(report.output)[:255],
        detail=report.audit_detail(),
    )
