"""How one visitor message becomes a step of a Rasa test story (review.story_export).

Each visitor message is a `user:` step with its stored, redacted text and the intent staff
labelled it with (`faq/<topic>`, or `report_emergency` / `express_crisis` for an emergency
or crisis label), else the intent the bot recorded; the entities the bot found are marked
in the text. A message whose text the test cannot check is a step by intent (and entities)
only, its text in a comment before it: a button, an answer stored as a placeholder (the
callback form's), a Spanish message (its `language` entity spans no text) or entities
whose place in the redacted text is not certain. A "new question" label keeps the recorded
intent. No step: a "false alarm" label (it says what the message was not, not what it was)
or an intent no longer the domain's or the registry's (StoryContext: what a story may name)
and no label giving one. Values are written as YAML by `scalar`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content.safety_intents import CRISIS_INTENT, EMERGENCY_INTENT
from content.yaml_schema import read_yaml
from review.export_yaml import quoted
from review.indexer import message_topic
from review.labels import DOMAIN_FILE, INTENT, Label, _domain_intents, label_choices

# nlu_components/language_detector.py's entity on a Spanish message: it spans no characters.
LANGUAGE_ENTITY = "language"
# A redaction placeholder ("[PHONE]"): the entities' offsets after it no longer fit the text.
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*\]")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_/]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# What the label kinds say the intent was (`intent` labels name it themselves).
SAFETY_LABEL_INTENTS: Mapping[str, str] = {"emergency": EMERGENCY_INTENT, "crisis": CRISIS_INTENT}
NEW_QUESTION = "new_question"


@dataclass(frozen=True)
class StoryContext:
    """What a story may name: the domain's intents and slots, the registry's topics."""

    intents: frozenset[str]
    topics: frozenset[str]  # faq/<topic> of the topic registry
    label_targets: frozenset[str]
    featurized_slots: frozenset[str]

    def usable(self, intent: str) -> bool:
        """Whether a story may expect this intent (a retired topic or intent may not).

        A retrieval intent needs its topic: `faq/<topic>` of the registry, never bare `faq`.
        """
        base, _, key = intent.partition("/")
        if key:
            return intent in self.topics and base in self.intents
        return base in self.intents and base not in {t.partition("/")[0] for t in self.topics}


def _featurized_slots(domain_file: Path) -> frozenset[str]:
    """The slots of domain.yml that influence the conversation (Rasa's default: all but any)."""
    data = read_yaml(domain_file)
    slots = data.get("slots") if isinstance(data, dict) else None
    found = set()
    for name, slot in (slots or {}).items():
        if not isinstance(slot, dict):
            continue
        if slot.get("influence_conversation", slot.get("type") != "any"):
            found.add(str(name))
    return frozenset(found)


def story_context(domain_file: Path = DOMAIN_FILE) -> StoryContext:
    """The domain's intents and featurized slots and the registry's topics."""
    choices = label_choices(domain_file)
    return StoryContext(
        intents=frozenset(_domain_intents(domain_file)),
        topics=frozenset(choice.target for choice in choices.faq),
        label_targets=choices.targets,
        featurized_slots=_featurized_slots(domain_file),
    )


def scalar(value: Any) -> str:
    """A value as YAML: a plain name where it is one, else quoted; lists and maps in flow."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quoted(str(k))}: {scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return quoted(text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plain_piece(text: str) -> str:
    """Text between entities: one line, no accidental entity annotation ("](" "]{" "][")."""
    collapsed = re.sub(r"\s+", " ", text)
    return re.sub(r"\](?=[({\[])", "] ", collapsed)


def marked_text(text: str, entities: Sequence[Mapping[str, Any]]) -> str | None:
    """The text with its entities in Rasa's markup; None if one cannot be placed for sure.

    `[xanax]{"entity": "substance", "value": "Xanax"}`. Not placed: an entity spanning no
    text (the `language` entity), one after a redaction placeholder (the stored offsets are
    the original text's), overlapping ones, or one whose text or value would break the markup.
    """
    spans: dict[tuple[int, int], dict[str, str]] = {}
    first_placeholder = PLACEHOLDER.search(text)
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        kind, value = entity.get("entity"), entity.get("value")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            return None
        if first_placeholder is not None and first_placeholder.start() < end:
            return None
        if not isinstance(kind, str) or not kind or value is None:
            return None
        attributes = {"entity": kind, "value": str(value)}
        for extra in ("role", "group"):
            if entity.get(extra) is not None:
                attributes[extra] = str(entity[extra])
        if spans.get((start, end), attributes) != attributes:
            return None  # two different entities on one span
        spans[(start, end)] = attributes
    pieces: list[str] = []
    position = 0
    for (start, end), attributes in sorted(spans.items()):
        if start < position:
            return None  # overlapping
        span = _one_line(text[start:end])
        markup = json.dumps(attributes, ensure_ascii=False)
        if not span or set("[]") & set(span) or "}" in markup[1:-1]:
            return None
        plain = _plain_piece(text[position:start])
        if plain.endswith("]"):
            plain += " "
        pieces += [plain, f"[{span}]{markup}"]
        position = end
    pieces.append(_plain_piece(text[position:]))
    return "".join(pieces).strip()


@dataclass(frozen=True)
class UserStep:
    """One visitor message as a story step (`lines`), and whether staff corrected its intent."""

    lines: tuple[str, ...]
    intent: str
    recorded: str
    corrected: bool = False


def _entity_lines(entities: Sequence[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for entity in entities:
        kind, value = entity.get("entity"), entity.get("value")
        if isinstance(kind, str) and kind and value is not None:
            line = f"  - {scalar(kind)}: {scalar(value)}"
            if line not in lines:
                lines.append(line)
    return ["  entities:", *lines] if lines else []


def _why_by_intent_only(text: str, entities: Sequence[Mapping[str, Any]]) -> str | None:
    """Why the test cannot check this message's text (None: it can)."""
    if not text.strip():
        return "no text was stored"
    if text.strip().startswith("/"):
        return "a button"
    if not PLACEHOLDER.sub("", text).strip(" \t\n.,;:!?-"):
        return "an answer stored as a placeholder"
    if any(
        entity.get("entity") == LANGUAGE_ENTITY and entity.get("start") == entity.get("end")
        for entity in entities
    ):
        return "in Spanish: the language entity spans no text"
    if not marked_text(text, entities):
        return "its entities cannot be marked in the stored text for sure"
    return None


def user_step(
    event: Mapping[str, Any], label: Label | None, context: StoryContext
) -> UserStep | None:
    """The step of a visitor message; None if it has no intent a story may expect."""
    parse_data = event.get("parse_data")
    parse_data = parse_data if isinstance(parse_data, Mapping) else {}
    recorded, _ = message_topic(parse_data)
    intent = recorded
    if label is not None:
        if label.kind == INTENT:
            intent = label.target if label.target in context.label_targets else ""
        elif label.kind in SAFETY_LABEL_INTENTS:
            intent = SAFETY_LABEL_INTENTS[label.kind]
        elif label.kind != NEW_QUESTION:  # a false alarm: what it was not, not what it was
            return None
    if not intent or not context.usable(intent):
        return None
    found = parse_data.get("entities")
    entities = [e for e in found if isinstance(e, Mapping)] if isinstance(found, list) else []
    raw = str(event.get("text") or "")
    text = _one_line(raw)
    why = _why_by_intent_only(raw, entities)
    marked = marked_text(raw, entities) if why is None else None
    if marked:
        lines = [f"- user: {quoted(marked)}", f"  intent: {scalar(intent)}"]
    else:
        lines = [f"# Checked by intent only ({why}): {quoted(text)}"]
        lines += [f"- intent: {scalar(intent)}", *_entity_lines(entities)]
    return UserStep(tuple(lines), intent, recorded, corrected=intent != recorded)
