"""Staff labels on visitor messages: what a message should have been understood as.

In a transcript, staff label a visitor message (issue #19):

- `intent`: "should have been" an intent: `faq/<topic>` of the topic registry
  (actions/faq_topics.yml) or one of the other intents a visitor message can have
  (domain.yml, without `nlu_fallback` and the safety intents, which have kinds of their own);
- `new_question`: a question the bot has no answer for yet;
- `emergency` / `crisis`: it should have had the emergency (911) or crisis (988) script;
- `false_alarm`: it got the emergency or crisis script but was not one.

A message has one current label (`review_label`, one row per `events` row): labelling it
again replaces the label, with the newest author and time; removing it deletes the row.
A group of the unanswered report is labelled at once (`set_labels`: every message, one
transaction); the dashboard counts the labels per kind, exported or not (`backlog`).
Labels of kind `intent` become Rasa training data with `python -m review.cli
export-training-data` (review.training_export). Nothing here logs or audits message text.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from content.safety_intents import SAFETY_INTENTS
from content.yaml_schema import InvalidYamlFile, read_yaml
from review.schema import events, labels

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"

INTENT = "intent"
# Every kind of label, as the label form lists it (the intent choices come first).
KINDS: dict[str, str] = {
    INTENT: "Should have been",
    "new_question": "New question: no answer yet",
    "emergency": "Safety: should have been an emergency",
    "crisis": "Safety: should have been a crisis",
    "false_alarm": "Not an emergency (false alarm)",
}
# How a label reads after "Labelled by <who>, <when>: ".
KIND_PHRASES: dict[str, str] = {
    "new_question": "new question, no answer yet",
    "emergency": "safety: should have been an emergency",
    "crisis": "safety: should have been a crisis",
    "false_alarm": "not an emergency (false alarm)",
}
# What the dashboard's backlog calls each kind.
KIND_NAMES: dict[str, str] = {
    INTENT: "Should have been a topic or intent",
    "new_question": "New question",
    "emergency": "Should have been an emergency",
    "crisis": "Should have been a crisis",
    "false_alarm": "False alarm",
}
# Rasa's type_name of a visitor message in `events`.
VISITOR_EVENT = "user"
# Messages per query of a group (an IN list well under every database's limit).
_CHUNK = 500


class LabelError(ValueError):
    """A label cannot be saved; the message is safe to show to staff."""


@dataclass(frozen=True)
class Choice:
    """One intent a message can be labelled with, and how the form shows it."""

    target: str
    text: str


@dataclass(frozen=True)
class LabelChoices:
    """The allowed targets of `intent` labels, in the groups the form shows."""

    faq: tuple[Choice, ...]
    intents: tuple[Choice, ...]

    @property
    def targets(self) -> frozenset[str]:
        """Every allowed target."""
        return frozenset(choice.target for choice in (*self.faq, *self.intents))

    def text_of(self, target: str) -> str:
        """The form's text for a target (the target itself if it is no longer a choice)."""
        for choice in (*self.faq, *self.intents):
            if choice.target == target:
                return choice.text
        return target


@dataclass(frozen=True)
class Label:
    """The current label of one visitor message."""

    id: int
    sender_id: str
    event_id: int
    kind: str
    target: str
    author: str
    at: float
    exported_at: float | None = None

    @property
    def choice(self) -> str:
        """The form's value for this label: "intent:faq/addiction", "crisis:"."""
        return f"{self.kind}:{self.target}"

    def describe(self, choices: LabelChoices | None = None) -> str:
        """What the label says: "should have been faq/addiction — 'Is clonazepam addictive?'"."""
        return describe_label(self.kind, self.target, choices)


def describe_label(kind: str, target: str, choices: LabelChoices | None = None) -> str:
    """What a label of this kind and target says (Label.describe)."""
    if kind != INTENT:
        return KIND_PHRASES.get(kind, kind)
    choices = choices or label_choices()
    question = next((c.text for c in choices.faq if c.target == target), "")
    return f"should have been {target}" + (f" — '{question}'" if question else "")


@dataclass(frozen=True)
class KindBacklog:
    """How many labels of one kind there are, and how many of them were exported."""

    kind: str
    total: int
    exported: int

    @property
    def name(self) -> str:
        """The kind as the dashboard names it."""
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def open(self) -> int:
        """Labels not exported yet."""
        return self.total - self.exported


@dataclass(frozen=True)
class Backlog:
    """The labelling backlog: counts per kind (every kind of KINDS, then any other)."""

    kinds: tuple[KindBacklog, ...]

    @property
    def total(self) -> int:
        """Labels in total."""
        return sum(kind.total for kind in self.kinds)

    @property
    def exported(self) -> int:
        """Labels exported."""
        return sum(kind.exported for kind in self.kinds)

    @property
    def open(self) -> int:
        """Labels not exported yet."""
        return self.total - self.exported


@dataclass(frozen=True)
class PendingLabel:
    """A label not exported yet, with its message's stored (redacted) text.

    `text` is None when the message is gone (its conversation was deleted).
    """

    label: Label
    text: str | None


def _domain_intents(path: Path = DOMAIN_FILE) -> list[str]:
    """The intent names of domain.yml, in its order (an intent may carry properties)."""
    names: list[str] = []
    for entry in read_yaml(path).get("intents") or []:
        if isinstance(entry, str):
            names.append(entry)
        elif isinstance(entry, dict) and len(entry) == 1:
            names.append(str(next(iter(entry))))
    return names


@functools.lru_cache(maxsize=4)
def label_choices(domain_file: Path = DOMAIN_FILE) -> LabelChoices:
    """Every `faq/<topic>` of the registry (its button question as text), then other intents.

    The topic registry (actions/faq_topics.yml) and domain.yml must be deployed with the
    app: without them only the other kinds of label can be chosen (the error is logged).
    """
    try:
        from actions.faq_topics import FALLBACK_INTENT, FAQ_INTENT, load_catalogue

        catalogue = load_catalogue()
        domain_intents = _domain_intents(domain_file)
    except (ImportError, InvalidYamlFile) as error:
        logger.error("Labels: no topic or intent to choose from: %s", error)
        return LabelChoices((), ())
    faq = tuple(Choice(f"{FAQ_INTENT}/{key}", topic.question) for key, topic in catalogue.items())
    excluded = {FAQ_INTENT, FALLBACK_INTENT, *SAFETY_INTENTS}
    intents = tuple(
        Choice(name, name.replace("_", " ").capitalize())
        for name in domain_intents
        if name not in excluded
    )
    return LabelChoices(faq, intents)


def parse_choice(choice: str) -> tuple[str, str]:
    """The kind and target of a form choice ("intent:faq/addiction" -> intent, faq/addiction)."""
    kind, _, target = choice.partition(":")
    return kind, target


def check_label(kind: str, target: str) -> str:
    """The target to store for this kind (raises LabelError if it is not allowed)."""
    if kind not in KINDS:
        raise LabelError("Choose what the message should have been from the list.")
    if kind != INTENT:
        return ""
    if target not in label_choices().targets:
        raise LabelError("That is not a topic or intent the bot knows. Choose one from the list.")
    return target


def _row_label(row: Any) -> Label:
    return Label(
        id=row.id,
        sender_id=row.sender_id,
        event_id=row.event_id,
        kind=row.kind,
        target=row.target,
        author=row.author,
        at=row.at,
        exported_at=row.exported_at,
    )


def _is_visitor_message(connection: sa.engine.Connection, sender_id: str, event_id: int) -> bool:
    found = connection.execute(
        sa.select(events.c.id).where(
            events.c.id == event_id,
            events.c.sender_id == sender_id,
            events.c.type_name == VISITOR_EVENT,
        )
    ).first()
    return found is not None


def set_label(
    engine: sa.engine.Engine,
    sender_id: str,
    event_id: int,
    kind: str,
    target: str,
    author: str,
    now: float,
) -> Label | None:
    """Labels a visitor message (replacing its label); None if there is no such message.

    Raises LabelError (safe to show) for an unknown kind or target.
    """
    target = check_label(kind, target)
    values = {
        "sender_id": sender_id,
        "kind": kind,
        "target": target,
        "author": author,
        "at": now,
        "exported_at": None,  # a changed label is exported again
    }
    for attempt in range(2):  # another member may insert the same message's label first
        try:
            with engine.begin() as connection:
                if not _is_visitor_message(connection, sender_id, event_id):
                    return None
                updated = connection.execute(
                    sa.update(labels).where(labels.c.event_id == event_id).values(**values)
                ).rowcount
                if not updated:
                    connection.execute(sa.insert(labels).values(event_id=event_id, **values))
                row = connection.execute(
                    sa.select(labels).where(labels.c.event_id == event_id)
                ).one()
                return _row_label(row)
        except sa.exc.IntegrityError:
            if attempt:
                raise
    return None  # not reached


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def set_labels(
    engine: sa.engine.Engine,
    event_ids: Iterable[int],
    kind: str,
    target: str,
    author: str,
    now: float,
) -> int | None:
    """Labels every one of these visitor messages alike, in one transaction; how many.

    A message already labelled is relabelled (newest wins, exported again), as set_label
    does. None, and nothing changes, if one of them is not a visitor message (or no
    longer exists). Raises LabelError (safe to show) for an unknown kind or target.
    """
    target = check_label(kind, target)
    ids = sorted(set(event_ids))
    if not ids:
        return None
    values = {"kind": kind, "target": target, "author": author, "at": now, "exported_at": None}
    for attempt in range(2):  # another member may insert one of the same labels first
        try:
            with engine.begin() as connection:
                sender_of: dict[int, str] = {}
                labelled: set[int] = set()
                for chunk in _chunks(ids):
                    rows = connection.execute(
                        sa.select(events.c.id, events.c.sender_id).where(
                            events.c.id.in_(chunk), events.c.type_name == VISITOR_EVENT
                        )
                    ).all()
                    sender_of.update((row.id, row.sender_id) for row in rows)
                    labelled.update(
                        connection.execute(
                            sa.select(labels.c.event_id).where(labels.c.event_id.in_(chunk))
                        ).scalars()
                    )
                if len(sender_of) != len(ids):
                    return None
                for chunk in _chunks(sorted(labelled)):
                    connection.execute(
                        sa.update(labels).where(labels.c.event_id.in_(chunk)).values(**values)
                    )
                new = [event_id for event_id in ids if event_id not in labelled]
                if new:
                    connection.execute(
                        sa.insert(labels),
                        [
                            {"event_id": event_id, "sender_id": sender_of[event_id], **values}
                            for event_id in new
                        ],
                    )
                return len(ids)
        except sa.exc.IntegrityError:
            if attempt:
                raise
    return None  # not reached


def remove_label(engine: sa.engine.Engine, sender_id: str, event_id: int) -> bool:
    """Deletes the message's label; False if it had none."""
    with engine.begin() as connection:
        deleted = connection.execute(
            sa.delete(labels).where(labels.c.event_id == event_id, labels.c.sender_id == sender_id)
        ).rowcount
    return bool(deleted)


def labels_of(engine: sa.engine.Engine, sender_id: str) -> dict[int, Label]:
    """The conversation's labels: {event id of the visitor message: label}."""
    with engine.connect() as connection:
        rows = connection.execute(sa.select(labels).where(labels.c.sender_id == sender_id)).all()
    return {row.event_id: _row_label(row) for row in rows}


def labels_for(engine: sa.engine.Engine, event_ids: Iterable[int]) -> dict[int, Label]:
    """The labels of these messages (of any conversation): {event id: label}."""
    found: dict[int, Label] = {}
    with engine.connect() as connection:
        for chunk in _chunks(sorted(set(event_ids))):
            rows = connection.execute(sa.select(labels).where(labels.c.event_id.in_(chunk)))
            found.update((row.event_id, _row_label(row)) for row in rows)
    return found


def backlog(engine: sa.engine.Engine) -> Backlog:
    """How many labels there are of each kind, and how many of them were exported."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(labels.c.kind, sa.func.count(), sa.func.count(labels.c.exported_at))
            .group_by(labels.c.kind)
            .order_by(labels.c.kind)
        ).all()
    counts = {kind: (int(total), int(exported)) for kind, total, exported in rows}
    order = [*KINDS, *sorted(counts.keys() - KINDS.keys())]
    return Backlog(tuple(KindBacklog(kind, *counts.get(kind, (0, 0))) for kind in order))


def _stored_text(data: str | None) -> str | None:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return None
    text = event.get("text") if isinstance(event, dict) else None
    return text if isinstance(text, str) else None


def pending_labels(engine: sa.engine.Engine, kind: str | None = INTENT) -> list[PendingLabel]:
    """Labels not exported yet (of one kind; None: all), oldest first, with the stored text."""
    query = (
        sa.select(labels, events.c.data)
        .select_from(labels.outerjoin(events, events.c.id == labels.c.event_id))
        .where(labels.c.exported_at.is_(None))
        .order_by(labels.c.at, labels.c.id)
    )
    if kind is not None:
        query = query.where(labels.c.kind == kind)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        PendingLabel(_row_label(row), None if row.data is None else _stored_text(row.data) or "")
        for row in rows
    ]


def mark_exported(engine: sa.engine.Engine, label_ids: Iterable[int], now: float) -> int:
    """Sets `exported_at` on these labels; how many there were."""
    ids = sorted(set(label_ids))
    marked = 0
    with engine.begin() as connection:
        for start in range(0, len(ids), 500):
            marked += connection.execute(
                sa.update(labels)
                .where(labels.c.id.in_(ids[start : start + 500]))
                .values(exported_at=now)
            ).rowcount
    return marked
