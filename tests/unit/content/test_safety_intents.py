"""The safety intents named in content/safety_intents.py are the domain's, each answered first."""

from __future__ import annotations

from typing import Any

from content.safety_intents import SAFETY_INTENTS
from devtools.project_files import load_yaml


def test_each_safety_intent_is_a_domain_intent(domain: dict[str, Any]) -> None:
    assert set(SAFETY_INTENTS) <= set(domain["intents"])


def test_each_safety_intent_has_a_rule_that_answers_it_before_anything_else() -> None:
    rules = load_yaml("data/rules.yml")["rules"]
    for intent in SAFETY_INTENTS:
        answering = [
            rule
            for rule in rules
            if rule["steps"][0] == {"intent": intent} and "condition" not in rule
        ]
        assert answering, intent
        first_reply = next(step for step in answering[0]["steps"] if "action" in step)
        assert first_reply["action"].startswith("utter_"), (intent, first_reply)
