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

from nlu_components.pattern_router import PatternRouter
from nlu_components.safety_patterns import DEFAULT_PATTERNS_FILE, INTENT_PRIORITY

SAFETY_NET_KEY = "safety_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNet(PatternRouter):
    """Overrides the intent with report_emergency or express_crisis on a pattern match."""

    DEFAULT_PATTERNS_FILE = DEFAULT_PATTERNS_FILE
    INTENTS = INTENT_PRIORITY
    OUTPUT_KEY = SAFETY_NET_KEY
