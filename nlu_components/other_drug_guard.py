"""The other-drug guard: an FAQ answer is about clonazepam, never about another drug.

The article answers questions about clonazepam only. "What is Ativan?" or "is gabapentin
addictive" read like FAQ questions, and the ResponseSelector confidently picks clonazepam's
answer, which is wrong for the drug asked about. Runs after the ResponseConfidenceGate and
before the safety nets: when the intent is an FAQ answer and the message names another
drug (a `substance` entity of the SubstanceExtractor that is not a whole category such as
"benzos", which includes clonazepam, or DIET's over a drug name the lexicon lists as one the
article does not cover, such as "kratom"), but neither clonazepam nor a pronoun that may stand
for it ("is it as addictive as xanax"), the intent becomes ``out_of_scope``: "Sorry, I can
only help with questions about clonazepam ...". The parse data records the drug's name and
the answer it replaced under ``other_drug_guard``. Questions about mixing a drug with
clonazepam are ``ask_interaction``, never touched here.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from nlu_components.drug_words import unlisted_drug_words
from nlu_components.pattern_router import set_intent
from nlu_components.response_confidence_gate import RESPONSE_SELECTOR_KEY
from nlu_components.stateless_component import StatelessComponent
from nlu_components.substance_extractor import SubstanceExtractor
from nlu_components.substance_lexicon import (
    CLONAZEPAM,
    SUBSTANCE_ENTITY,
    SubstanceLexicon,
    substance_lexicon,
    word_spans,
)

OTHER_DRUG_GUARD_KEY = "other_drug_guard"
FAQ_INTENT = "faq"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# Words that may stand for clonazepam named in an earlier message.
PRONOUNS = frozenset({"it", "its", "it's", "this", "that", "them", "they", "these", "those"})
# ...but not in "is kratom addictive on its own?", where "its" is the drug just named.
REFLEXIVE_AFTER = frozenset({"own", "self"})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OtherDrugGuard(StatelessComponent):
    """Predicts out_of_scope for an FAQ question about a drug other than clonazepam."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Uses the substance lexicon (shared with the SubstanceExtractor, loaded once)."""
        super().__init__(config)
        self.lexicon: SubstanceLexicon = substance_lexicon()
        self.unlisted_words = unlisted_drug_words()

    def process(self, messages: List[Message]) -> List[Message]:
        """Replaces an FAQ intent with out_of_scope where the question is about another drug."""
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) != FAQ_INTENT:
                continue
            others = self.other_drugs(message)
            if not others or self.may_mean_clonazepam(str(message.get(TEXT) or "")):
                continue
            answer = (message.get(RESPONSE_SELECTOR_KEY) or {}).get(FAQ_INTENT, {})
            replaced = (answer.get("response") or {}).get("intent_response_key")
            record = {"drugs": others, "answer_before": replaced}
            message.set(OTHER_DRUG_GUARD_KEY, record, add_to_output=True)
            confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 1.0)
            set_intent(message, OUT_OF_SCOPE_INTENT, confidence)
        return messages

    def other_drugs(self, message: Message) -> list[str]:
        """The drugs the SubstanceExtractor found, but whole categories ("benzos").

        DIET's guesses count only over a drug name the lexicon knows ("kratom"): the extractor
        leaves DIET's entity in place there instead of adding its own.
        """
        names = []
        for entity in message.get(ENTITIES) or []:
            if entity.get(ENTITY_ATTRIBUTE_TYPE) != SUBSTANCE_ENTITY:
                continue
            value = str(entity.get(ENTITY_ATTRIBUTE_VALUE))
            if (
                entity.get(EXTRACTOR) != SubstanceExtractor.__name__
                and value.lower() not in self.unlisted_words
            ):
                continue
            substance = self.lexicon.lookup(value)
            if substance is None or not substance.names_the_category:
                names.append(substance.name if substance else value)
        return names

    def may_mean_clonazepam(self, text: str) -> bool:
        """Whether the message names clonazepam, or has a pronoun that may stand for it."""
        words = [word for word, _, _ in word_spans(text)]
        pronouns = {
            word
            for word, following in zip(words, [*words[1:], ""], strict=True)
            if word in PRONOUNS and following not in REFLEXIVE_AFTER
        }
        return bool(pronouns) or CLONAZEPAM in self.lexicon.normaliser.canonical_names(words)
