"""The contact request router: "talk to someone" or "call me back", decided by the words.

DIET tells well that a visitor wants a person (request_intake or request_callback) but not
always which of the two: the intents share most words ("can someone from your team..."),
and their confidence splits between them, so a clear request can even fall below the
FallbackClassifier's threshold and get "Did you mean ...?". Runs after the classifiers and
before the safety nets (which still override it):

- when the intent is request_intake, or nlu_fallback with the two contact intents
  together above `threshold` and above every other intent, the message is a contact
  request;
- it becomes request_callback when it asks to be called ("call me back", "phone me",
  "give me a ring", "que me llamen", "me pueden marcar"), else request_intake, whatever
  DIET preferred: "can I talk to someone" gets the intake prompt, whose buttons offer the
  callback too.

The parse data records a change under ``contact_request_router``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from nlu_components.pattern_router import set_intent
from nlu_components.stateless_component import StatelessComponent

ROUTER_KEY = "contact_request_router"
INTAKE = "request_intake"
CALLBACK = "request_callback"
_PERSON = r"(?:me|him|her|us|them|my \w+)"
# Asking to be called (English and Spanish). "call 911" or "should I call" are not: the
# call must be to the visitor (or someone they name), or a call back.
ASKS_TO_BE_CALLED = re.compile(
    r"\b(?:call|phone|ring|buzz)\s+" + _PERSON + r"\b"
    r"|\bcall\s*-?\s*backs?\b|\bgive\s+" + _PERSON + r"\s+a\s+(?:call|ring|buzz)\b"
    r"|\b(?:get|have|want|like|prefer|request|schedule|set up)\s+(?:a\s+)?(?:phone\s+)?call\b"
    r"|\btry\s+" + _PERSON + r"\s+again\b"
    r"|\bll[aá]m(?:en|e|a)(?:me|nos|le|la|lo)\b|\b(?:llamar|marcar|yamar)(?:me|nos|le)\b"
    r"|\b(?:me|m|nos|le)\s+(?:pueden|puede|puedes|podr[ií]an|podr[ií]a|podr[ií]as)\s+"
    r"(?:llamar|marcar|yamar|telefonear|devolver)"
    r"|\b(?:me|nos|le)\s+(?:vuelven\s+a\s+)?(?:llaman|llamen|llame|marcan|marquen|marque|"
    r"devuelvan|regresan|regresen|hablen|llamar)\b"
    r"|\b(?:devolv|devuelv|regres)\w*\s+la\s+llamada\b|\bllamada\s+de\s+(?:vuelta|regreso)\b"
    r"|\b(?:solicito|quiero|quisiera|pido|prefiero)\s+(?:una\s+)?llamada\b",
    re.IGNORECASE,
)


def asks_to_be_called(text: str) -> bool:
    """True for "can someone call me back", "phone my son", "¿me pueden llamar?"."""
    return bool(ASKS_TO_BE_CALLED.search(text))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ContactRequestRouter(StatelessComponent):
    """Chooses between request_intake and request_callback by the message's words."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """`threshold`: the two contact intents' joint confidence that makes a request."""
        return {"threshold": 0.4}

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets request_callback or request_intake on contact requests."""
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent not in (INTAKE, CALLBACK, FALLBACK_INTENT):
                continue
            ranking = {
                entry.get(INTENT_NAME_KEY): float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                for entry in message.get(INTENT_RANKING_KEY, [])
            }
            together = ranking.get(INTAKE, 0.0) + ranking.get(CALLBACK, 0.0)
            others = [
                confidence
                for name, confidence in ranking.items()
                if name not in (INTAKE, CALLBACK, FALLBACK_INTENT)
            ]
            if intent == FALLBACK_INTENT and (
                together < float(self.config["threshold"]) or together <= max(others, default=0)
            ):
                continue
            chosen = CALLBACK if asks_to_be_called(str(message.get(TEXT) or "")) else INTAKE
            if chosen != intent:
                set_intent(message, chosen, min(together, 1.0))
                message.set(ROUTER_KEY, {"intent_before": intent}, add_to_output=True)
        return messages
