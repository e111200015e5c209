"""The safety net: emergencies and crises are routed by rule, whatever the classifier says.

Runs last in the NLU pipeline, inside the Rasa server (never in the action
server, which may be down). When a pattern of safety_patterns.yml fires, the
intent becomes ``report_emergency``, ``express_crisis`` or (an accidental double
dose, which gets Poison Control) ``report_accidental_extra_dose``, with confidence 1.0,
and the parse data records why under ``safety_net`` (pattern id, reason and
what the classifier had said). DIET is trained on the same intents, so either
path leads to the safety responses.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from content.safety_intents import EMERGENCY_INTENT, EXTRA_DOSE_INTENT
from nlu_components.pattern_router import PatternRouter
from nlu_components.safety_patterns import DEFAULT_PATTERNS_FILE, INTENT_PRIORITY, SafetyMatch

SAFETY_NET_KEY = "safety_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNet(PatternRouter):
    """Overrides the intent with report_emergency or express_crisis on a pattern match."""

    DEFAULT_PATTERNS_FILE = DEFAULT_PATTERNS_FILE
    INTENTS = INTENT_PRIORITY
    OUTPUT_KEY = SAFETY_NET_KEY

    def route(self, message: Message, found: SafetyMatch, classifier_intent: str | None) -> None:
        """Routes the match, except an extra dose the classifier took for an emergency.

        The extra-dose pattern reads the words of an accident ("took it twice by mistake"); the
        danger signs beside them ("keeps mumbling nonsense") are not all in the emergency
        patterns. When DIET read an emergency, its 911 script stands: it names Poison Control
        too, and a pattern never lowers it to "call Poison Control".
        """
        if found.intent == EXTRA_DOSE_INTENT and classifier_intent == EMERGENCY_INTENT:
            return
        super().route(message, found, classifier_intent)
