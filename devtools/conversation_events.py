"""Rasa events of made-up conversations, for the review app's tests and its benchmark."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import UserUttered


def visitor(text: str, intent: str, timestamp: float, confidence: float = 0.93) -> UserUttered:
    """A visitor message as Rasa parsed it; `faq/<topic>` intents carry the response selector."""
    name, _, topic = intent.partition("/")
    parse_data: dict[str, Any] = {
        "text": text,
        "intent": {"name": name, "confidence": confidence},
        "entities": [],
    }
    if topic:
        parse_data["response_selector"] = {
            name: {
                "response": {
                    "intent_response_key": intent,
                    "confidence": confidence,
                    "utter_action": f"utter_{intent}",
                },
                "ranking": [],
            }
        }
    return UserUttered(text, parse_data["intent"], [], parse_data, timestamp=timestamp)
