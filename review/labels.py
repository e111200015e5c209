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
Labels of kind `intent` become Rasa training data with `python -m review.cli
export-training-data` (review.training_export). Nothing here logs or audits message text.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable
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
# Rasa's type_name of a visitor message in `events`.
VISITOR_EVENT = "user"


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
        if self.kind != INTENT:
            return KIND_PHRASES.get(self.kind, self.kind)
        choices = choices or label_choices()
        question = next((c.text for c in choices.faq if c.target == self.target), "")
        return f"should have been {self.target}" + (f" — '{question}'" if question else "")


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
