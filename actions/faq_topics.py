"""Pure helpers about FAQ topics: the topic registry and reading the model's output.

Nothing here talks to Rasa or the visitor; the actions in this package call it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, Literal, Mapping, Tuple

from pydantic import StrictBool, root_validator, validator

from content.languages import SPANISH
from content.yaml_schema import SchemaModel, Text, read_yaml, validate

FAQ_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"
CATALOGUE_FILE = Path(__file__).with_name("faq_topics.yml")
TOPIC_KEY = re.compile(r"[a-z][a-z0-9_]*")

# The safety lines a registry entry can name (their wording: content/safety_lines.py).
SafetyLineKey = Literal["call_911_first", "call_911", "withdrawal_911", "call_988", "dont_stop"]


class TopicEntry(SchemaModel):
    """The fields of one topic as faq_topics.yml writes them (its header explains them)."""

    question: Text
    question_es: Text
    offers_intake: StrictBool
    article_section: Text
    safety_lines: Tuple[SafetyLineKey, ...]
    shows_contact: StrictBool = False

    @validator("question", "question_es")
    def _is_a_question(cls, question: str) -> str:
        if not question.rstrip().endswith("?"):
            raise ValueError(f"{question!r} must be a question, ending with '?'")
        return question

    def question_in(self, language: str | None) -> str:
        """The button question in the conversation's language ("es": `question_es`)."""
        return self.question_es if language == SPANISH else self.question

    @validator("safety_lines")
    def _each_line_once(cls, lines: Tuple[SafetyLineKey, ...]) -> Tuple[SafetyLineKey, ...]:
        if len(set(lines)) != len(lines):
            raise ValueError("names a line twice")
        if {"call_911_first", "call_911"} <= set(lines):
            raise ValueError("call_911_first and call_911 are the same line: name one")
        return lines

    @root_validator(skip_on_failure=True)
    def _one_follow_up(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values.get("offers_intake") and values.get("shows_contact"):
            raise ValueError(
                "offers_intake and shows_contact exclude each other (the intake prompt "
                "follows a shows_contact answer anyway)"
            )
        return values


class FaqTopic(TopicEntry):
    """One FAQ topic of the registry: its fields and its key (the intent is faq/<key>)."""

    key: str


class TopicRegistry(SchemaModel):
    """The whole file: `topics`, in the order the content review sheet shows them."""

    topics: Dict[str, TopicEntry]

    @validator("topics", pre=True)
    def _keys_are_intent_names(cls, topics: Any) -> Any:
        for key in topics if isinstance(topics, dict) else ():
            if not isinstance(key, str) or not TOPIC_KEY.fullmatch(key):
                raise ValueError(f"{key!r} is not a topic key: lowercase letters, digits and _")
        if topics == {}:
            raise ValueError("lists no topic")
        return topics


@functools.cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, FaqTopic]:
    """Reads and checks the topic registry (once per path): {key: topic}, in file order.

    Raises:
        content.yaml_schema.InvalidYamlFile: one line per problem, naming the file, the
            topic and the field (`<file>: topics.<key>.<field>: <what is wrong>`).
    """
    registry = validate(read_yaml(path), TopicRegistry, str(path))
    return {key: FaqTopic(key=key, **entry.dict()) for key, entry in registry.topics.items()}


def topic_key(intent_response_key: str | None) -> str | None:
    """'faq/addictive' -> 'addictive'; anything else -> None."""
    if not intent_response_key or "/" not in intent_response_key:
        return None
    intent, key = intent_response_key.split("/", 1)
    return key if intent == FAQ_INTENT else None


def answered_topic(parse_data: Mapping[str, Any]) -> str | None:
    """The FAQ topic the ResponseSelector chose for this message, if any."""
    if (parse_data.get("intent") or {}).get("name") != FAQ_INTENT:
        return None
    selected = parse_data.get("response_selector", {}).get(FAQ_INTENT, {})
    return topic_key(selected.get("response", {}).get("intent_response_key"))


# How high `faq` must rank among the intents for a message to be treated as a possible FAQ
# question: its topics are offered in "Did you mean ...?", and the ResponseSelector runs
# (nlu_components/likely_faq_response_selector.py).
LIKELY_FAQ_RANKS = 2


def faq_is_a_likely_intent(parse_data: Mapping[str, Any], top: int = LIKELY_FAQ_RANKS) -> bool:
    """Whether `faq` is among the `top` intents, ignoring the fallback intent."""
    ranking = [
        entry.get("name")
        for entry in parse_data.get("intent_ranking", [])
        if entry.get("name") != FALLBACK_INTENT
    ]
    return FAQ_INTENT in ranking[:top]


def closest_topics(parse_data: Mapping[str, Any], limit: int = 3) -> list[str]:
    """The best `limit` FAQ topics for an unclear message, best first.

    Empty when the message does not look like an FAQ question at all (then the
    visitor is asked to rephrase instead of being offered unrelated topics).
    """
    if not faq_is_a_likely_intent(parse_data):
        return []
    ranking = parse_data.get("response_selector", {}).get(FAQ_INTENT, {}).get("ranking", [])
    ordered = sorted(ranking, key=lambda entry: entry.get("confidence", 0.0), reverse=True)
    keys = [topic_key(entry.get("intent_response_key")) for entry in ordered]
    unique = list(dict.fromkeys(key for key in keys if key))
    return unique[:limit] if len(unique) >= limit else []
