"""The Spanish gate: a Spanish message gets Spanish safety guidance, or a Spanish "English for now".

The FAQ answers are in English only until the Spanish assistant is built (issue #16). Runs
last in the pipeline, after both safety nets: a message the language detector marked
Spanish keeps a safety intent (emergency, crisis, accidental extra dose), whose responses
have Spanish variations chosen by the `language` slot; any other intent becomes
``spanish_message``, answered in Spanish with "I answer in English for now" and the 911,
988 and intake lines. The parse data records what the classifiers had said under
``spanish_gate``.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from nlu_components.language_detector import SPANISH, language_of
from nlu_components.pattern_router import set_intent
from nlu_components.safety_exemplars import ROUTE_INTENTS
from nlu_components.stateless_component import StatelessComponent
from nlu_components.typed_text import typed_text

SPANISH_MESSAGE_INTENT = "spanish_message"
SPANISH_GATE_KEY = "spanish_gate"
SAFETY_INTENTS = frozenset(ROUTE_INTENTS.values())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SpanishGate(StatelessComponent):
    """Gives a Spanish message that is not a safety message the intent spanish_message."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Routes Spanish messages that no safety path recognised to spanish_message."""
        for message in messages:
            if typed_text(message) is None:
                continue
            language, confidence = language_of(message)
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if language != SPANISH or current in SAFETY_INTENTS:
                continue
            set_intent(message, SPANISH_MESSAGE_INTENT, confidence)
            message.set(SPANISH_GATE_KEY, {"intent_before": current}, add_to_output=True)
        return messages
