"""Pure helpers about FAQ topics: the topic catalogue and reading the model's output.

Nothing here talks to Rasa or the visitor; the actions in this package call it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

FAQ_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"
CATALOGUE_FILE = Path(__file__).with_name("faq_topics.yml")


@dataclass(frozen=True)
class FaqTopic:
    """One FAQ topic of faq_topics.yml (its header explains the fields)."""

    key: str
    question: str
    offers_intake: bool
    article_section: str
    shows_contact: bool = False


@functools.cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, FaqTopic]:
    """Reads the topic catalogue (once per path); a missing field names its topic."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    catalogue = {}
    for key, entry in data["topics"].items():
        try:
            catalogue[key] = FaqTopic(
                key=key,
                question=entry["question"],
                offers_intake=bool(entry["offers_intake"]),
                article_section=entry["article_section"],
                shows_contact=bool(entry.get("shows_contact", False)),
            )
        except KeyError as missing:
            raise ValueError(f"{path}: topic {key!r} has no {missing}") from None
    return catalogue


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


def faq_is_a_likely_intent(parse_data: Mapping[str, Any], top: int = 2) -> bool:
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
