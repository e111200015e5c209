"""The dose question guard: a dose, pill or prescription question never looks answered.

Runs in the NLU pipeline after the classifiers and before the safety net. When a pattern of
dose_question_patterns.yml fires, the intent becomes ``ask_dose_or_prescription`` (the
doctor / pharmacist referral), ``ask_personal_medical_advice`` for a question the
article cannot answer for anyone (pregnancy, breastfeeding, how long withdrawal lasts), or
``request_intake`` for a question about the center itself that the article does not describe
(its insurance, program length, what to bring), with confidence 1.0, and the
parse data records why under ``dose_question_guard``. It leaves alone what the classifier
already routed to a safety response or a referral, and an interaction question that names
a substance taken with clonazepam (its answer says more than the referral). The safety
net, after it, still routes emergencies and crises.

An emergency or crisis DIET gave with less than ``overrides_unsure_safety_below`` is not left alone:
"how long does it take klonopin to start working after you swallow it?" was a crisis at 0.42.
The referral is given, and since DIET's guess stays in the ranking, the first reply still
starts with 911 and 988 (the semantic net's caution, semantic_safety_net.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from content.safety_intents import ALARM_INTENTS, SAFETY_INTENTS
from nlu_components.pattern_router import PatternRouter
from nlu_components.substance_lexicon import SUBSTANCE_ENTITY

DOSE_INTENT = "ask_dose_or_prescription"
PERSONAL_ADVICE_INTENT = "ask_personal_medical_advice"
INTAKE_INTENT = "request_intake"
GUARD_KEY = "dose_question_guard"
INTERACTION_INTENT = "ask_interaction"
# What the classifier may have said that the guard never changes.
KEPT_INTENTS = frozenset(
    {
        *SAFETY_INTENTS,
        PERSONAL_ADVICE_INTENT,
        DOSE_INTENT,
    }
)
# Words that ask about taking two things together ("with a beer", "xanax and klonopin",
# "w trazodone", "con anestesia general, propofol"). Kept narrower than the mixing router's
# JOINING_WORDS: "on", "before" and "then" can name a medicine the visitor already takes
# ("i'm on lexapro, what's the max dose of klonopin"), and a dose question must keep its referral.
MIXING_WORDS = frozenset(
    """with w and together mix mixing mixed combine combining combined plus while after & con y
    junto juntos mezclar mezclarlos""".split()
)
# How near a substance's name a mixing word must be to be about it: "adderall and klonopin",
# "with a couple of beers", but not "an adderall dose ... my doctor wants to double mine and".
MIXING_WINDOW = 4
_WORD_OR_AMPERSAND = re.compile(r"[^\W_]+|&")


def asks_about_mixing(message: Message) -> bool:
    """Whether the message names a substance with a mixing word near it."""
    text = str(message.get(TEXT) or "").lower()
    words = [
        (match.group(), match.start(), match.end()) for match in _WORD_OR_AMPERSAND.finditer(text)
    ]
    for entity in message.get(ENTITIES) or []:
        if entity.get(ENTITY_ATTRIBUTE_TYPE) != SUBSTANCE_ENTITY:
            continue
        start, end = entity.get(ENTITY_ATTRIBUTE_START, 0), entity.get(ENTITY_ATTRIBUTE_END, 0)
        inside = [
            index for index, (_, first, last) in enumerate(words) if first < end and start < last
        ]
        if not inside:
            continue
        before = words[max(0, inside[0] - MIXING_WINDOW) : inside[0]]
        after = words[inside[-1] + 1 : inside[-1] + 1 + MIXING_WINDOW]
        if any(word in MIXING_WORDS for word, _, _ in before + after):
            return True
    return False


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DoseQuestionGuard(PatternRouter):
    """Overrides the intent with ask_dose_or_prescription when a dose pattern matches."""

    DEFAULT_PATTERNS_FILE = Path(__file__).with_name("dose_question_patterns.yml")
    INTENTS = (DOSE_INTENT, PERSONAL_ADVICE_INTENT, INTAKE_INTENT)
    OUTPUT_KEY = GUARD_KEY
    # A question taken for "hi", "yes", "no", "thanks" or "bye" was not understood either.
    UNSURE_INTENTS = frozenset({FALLBACK_INTENT, "greet", "affirm", "deny", "thank", "goodbye"})

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        return {**PatternRouter.get_default_config(), "overrides_unsure_safety_below": 0.0}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Compiles the patterns; keeps how sure DIET's safety intent must be to stand."""
        super().__init__(config)
        self.overrides_unsure_safety_below = float(self.config["overrides_unsure_safety_below"])

    def keeps(self, message: Message, classifier_intent: str | None) -> bool:
        """Safety intents (if sure enough), referrals and questions about mixing stand."""
        if classifier_intent in ALARM_INTENTS:
            confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            return confidence >= self.overrides_unsure_safety_below
        if classifier_intent in KEPT_INTENTS:
            return True
        return classifier_intent == INTERACTION_INTENT and asks_about_mixing(message)
