"""The dose question guard: a dose, pill or prescription question never looks answered.

Runs in the NLU pipeline after the classifiers and before the safety net. When a pattern of
dose_question_patterns.yml fires, the intent becomes ``ask_dose_or_prescription`` (the
doctor / pharmacist referral) with confidence 1.0, and the parse data records why under
``dose_question_guard``. It leaves alone what the classifier already routed to a safety
response or a referral, and an interaction question that names a substance taken with
clonazepam (its answer says more than the referral). The safety net, after it, still
routes emergencies and crises.
"""

from __future__ import annotations

import re
from pathlib import Path

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.pattern_router import PatternRouter
from nlu_components.substance_lexicon import SUBSTANCE_ENTITY

DOSE_INTENT = "ask_dose_or_prescription"
GUARD_KEY = "dose_question_guard"
INTERACTION_INTENT = "ask_interaction"
# What the classifier may have said that the guard never changes.
KEPT_INTENTS = frozenset(
    {
        "report_emergency",
        "express_crisis",
        "report_accidental_extra_dose",
        "ask_personal_medical_advice",
        DOSE_INTENT,
    }
)
# Words that ask about taking two things together ("with a beer", "xanax and klonopin").
MIXING_WORDS = re.compile(
    r"\b(?:with|and|together|mix|mixing|mixed|combine|combining|combined|plus|while|after)\b|&"
)


def asks_about_mixing(message: Message) -> bool:
    """Whether the message names a substance and asks about taking it with another."""
    entities = message.get(ENTITIES) or []
    names_substance = any(
        entity.get(ENTITY_ATTRIBUTE_TYPE) == SUBSTANCE_ENTITY for entity in entities
    )
    return names_substance and bool(MIXING_WORDS.search(str(message.get(TEXT) or "").lower()))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DoseQuestionGuard(PatternRouter):
    """Overrides the intent with ask_dose_or_prescription when a dose pattern matches."""

    DEFAULT_PATTERNS_FILE = Path(__file__).with_name("dose_question_patterns.yml")
    INTENTS = (DOSE_INTENT,)
    OUTPUT_KEY = GUARD_KEY
    # A question taken for "hi", "yes", "no", "thanks" or "bye" was not understood either.
    UNSURE_INTENTS = frozenset({FALLBACK_INTENT, "greet", "affirm", "deny", "thank", "goodbye"})

    def keeps(self, message: Message, classifier_intent: str | None) -> bool:
        """Safety intents, referrals and questions about mixing two substances stand."""
        if classifier_intent in KEPT_INTENTS:
            return True
        return classifier_intent == INTERACTION_INTENT and asks_about_mixing(message)
