"""The language detector: a visitor message in Spanish gets a `language` entity "es".

Uses lingua-language-detector restricted to English and Spanish (its n-gram models ship
inside the wheel: nothing is downloaded at run time; deterministic; Apache-2.0). Measured on
82 short, messy EN/ES visitor messages with the rule below: lingua 82/82, py3langid 0.2.2
78/82 (0.3+ needs numpy 2), langdetect 1.0.9 (en+es profiles, seeded) 79/82; ~0.07 ms per
message for lingua vs 0.1 ms and 1.7 ms; installs ~96 MB (py3langid 0.8 MB, langdetect 2.4 MB).

English is the default: a message is Spanish only when lingua's Spanish confidence is at
least SPANISH_THRESHOLD (0.6) and it has two distinct words, or is one known Spanish-only
word ("hola", "ayuda", "gracias"…). Only Spanish messages get the entity (an English one
would be an unexpected entity in every conversation test); the `language` slot is filled
from it (domain.yml).

The slot is the conversation's language: a message that says nothing about its language
keeps it. In domain.yml, the short answers (affirm, deny: "ok", "si", "no") and messages
nobody understood never set it back to "en"; here, a message whose words are all drug names
or language-neutral ("klonopin?", "ok", "911") is undecided, and gets the entity "es" when
the client says the conversation is in Spanish (message metadata `{"language": "es"}`, as
the chat widget sends). Spanish buttons carry the entity in their payload
(`/affirm{"language": "es"}`); "en español" / "english please" are the intents
speak_spanish / speak_english.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Tuple

from lingua import Language, LanguageDetectorBuilder
from lingua import LanguageDetector as LinguaDetector
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    METADATA,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.es.stop_words import STOP_WORDS as SPANISH_STOP_WORDS

from content.languages import ENGLISH, LANGUAGE_SLOT, SPANISH, known_language, without_accents
from nlu_components.drug_words import all_drug_words
from nlu_components.stateless_component import StatelessComponent
from nlu_components.typed_text import typed_text

LANGUAGE_ENTITY = LANGUAGE_SLOT

# Lingua's Spanish confidence (English + Spanish sum to 1). On ~160 measured messages every
# English one of two or more distinct words scored <= 0.55 (most < 0.4), Spanish ones mostly
# > 0.7 ("k hago" 0.61); "hola" alone scores 0.66, so 0.6 keeps it. Known misses: Spanish
# glue around English drug names ("klonopin y alcohol" 0.39) and "por fa" (0.56) stay "en".
SPANISH_THRESHOLD = 0.6
# Without a Spanish function word, two words are Spanish only when lingua is this sure
# ("me quiero morir" 0.997, "is clonazepam a benzo?" 0.69).
VERY_SURE = 0.9
# Confidences are rounded to this many digits, so that the same text always gives the same.
CONFIDENCE_DIGITS = 4

# Single words that are Spanish and not English, written without accents (greetings,
# thanks, calls for help): one of these alone is enough to answer in Spanish.
SPANISH_ONLY_WORDS = frozenset(
    {
        "hola",
        "buenas",
        "buenos",
        "gracias",
        "adios",
        "ayuda",
        "ayudame",
        "auxilio",
        "socorro",
        "sobredosis",
        "emergencia",
        "urgente",
        "dosis",
        "pastilla",
        "pastillas",
    }
)
# Spanglish: a message with this many distinct Spanish function words is written in Spanish
# grammar around English words ("my roommate se tomo like 10 k pins con lean y ahora esta
# snoring, que hago": 7; lingua says 0.07 Spanish), and is answered in Spanish.
SPANGLISH_FUNCTION_WORDS = 3

# Words that say nothing about a message's language on their own (drug names do neither).
NEUTRAL_WORDS = frozenset({"ok", "okay", "oki", "k", "no", "si", "sip", "mg", "pm", "am"})

# Spanish function words that are not English words (spaCy's Spanish stop words less its
# English ones and a few that English visitors type: "son", "solo", "van", "usa"...). lingua
# alone read short English questions with drug names as Spanish ("is clonazepam a benzo?",
# "how do ppl OD on benzos", 0.65-0.69); a Spanish message nearly always has one of these.
_AMBIGUOUS = {
    "son",
    "e",
    "o",
    "da",
    "dan",
    "fin",
    "final",
    "era",
    "ha",
    "te",
    "mal",
    "la",
    "lo",
    "pais",
    "gran",
    "grande",
    "dice",
    "dado",
    "embargo",
    "lado",
    "bajo",
    "medio",
    "solo",
    "tan",
    "tal",
    "ir",
    "sin",
    "ante",
    "claro",
    "breve",
    "junto",
    "usa",
    "van",
    "total",
    "valor",
    "ver",
    "tres",
    "dos",
    "bien",
    "parte",
    "es",
    "en",
}


SPANISH_FUNCTION_WORDS = frozenset(
    {without_accents(word) for word in SPANISH_STOP_WORDS} - ENGLISH_STOP_WORDS - _AMBIGUOUS
)

# Runs of letters (accented ones included); digits, emoji and punctuation are not words.
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def language_detector() -> LinguaDetector:
    """The English/Spanish lingua detector, built once (models preloaded) and shared."""
    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH)
        .with_preloaded_language_models()
        .build()
    )


def words(text: str) -> List[str]:
    """The lowercase, accent-free words of `text`."""
    return [without_accents(word) for word in _WORD.findall(text.lower())]


@lru_cache(maxsize=1)
def detect_language(text: str) -> Tuple[str, float]:
    """`language_and_confidence(text)`, remembered for the last text asked about.

    The language detector, the pattern routers and the channel ask about the same message
    one after the other; lingua takes about half a millisecond each time.
    """
    return language_and_confidence(text)


def language_and_confidence(text: str) -> Tuple[str, float]:
    """The language of `text`, "es" or "en", and lingua's confidence in that language.

    "es" needs a Spanish confidence of at least SPANISH_THRESHOLD and either two distinct
    words with a Spanish function word among them (or a confidence of VERY_SURE), or only
    known Spanish-only words; or, whatever lingua says, SPANGLISH_FUNCTION_WORDS distinct
    Spanish function words; everything else is "en" (with confidence
    1 - Spanish confidence, or 1.0 for text without letters). Confidences are rounded to
    CONFIDENCE_DIGITS digits, so the result is the same every time for the same text.
    """
    tokens = words(text)
    if not tokens:
        return ENGLISH, 1.0
    # Rounded: lingua sums in parallel, so the same text can differ in the last bit.
    spanish = round(
        language_detector().compute_language_confidence(text, Language.SPANISH), CONFIDENCE_DIGITS
    )
    distinct = set(tokens)
    if len(distinct & SPANISH_FUNCTION_WORDS) >= SPANGLISH_FUNCTION_WORDS:
        return SPANISH, spanish
    evidence = bool(distinct & (SPANISH_FUNCTION_WORDS | SPANISH_ONLY_WORDS))
    enough_words = (len(distinct) >= 2 and (evidence or spanish >= VERY_SURE)) or (
        distinct <= SPANISH_ONLY_WORDS
    )
    if spanish >= SPANISH_THRESHOLD and enough_words:
        return SPANISH, spanish
    return ENGLISH, round(1.0 - spanish, CONFIDENCE_DIGITS)


def is_undecided(text: str, tokens: List[str] | None = None) -> bool:
    """Whether `text` says nothing about its language.

    No words, or only neutral words and drug names ("klonopin?", "ok", "911", "rivotril 2mg").
    `tokens` are `words(text)`, if the caller has them already.
    """
    return set(words(text) if tokens is None else tokens) <= NEUTRAL_WORDS | all_drug_words()


def conversation_language(message: Message) -> str | None:
    """The conversation's language as the client states it in the message's metadata."""
    metadata = message.get(METADATA)
    return known_language(metadata.get(LANGUAGE_ENTITY)) if isinstance(metadata, dict) else None


def language_of(message: Message) -> tuple[str | None, float]:
    """The value and confidence of the message's `language` entity (None if it has none)."""
    for entity in message.get(ENTITIES) or []:
        if entity.get(ENTITY_ATTRIBUTE_TYPE) == LANGUAGE_ENTITY:
            return entity.get(ENTITY_ATTRIBUTE_VALUE), float(
                entity.get(ENTITY_ATTRIBUTE_CONFIDENCE) or 1.0
            )
    return None, 0.0


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(StatelessComponent, EntityExtractorMixin):
    """Adds a `language` entity "es" to every message written in Spanish.

    And to an undecided one in a conversation the client says is in Spanish.
    """

    def __init__(self, config: Dict[str, Any]) -> None:
        """Builds the shared detector now, so the first visitor does not wait for it."""
        super().__init__(config)
        language_detector()

    @staticmethod
    def required_packages() -> List[str] | None:
        """Packages needed at run time."""
        return ["lingua"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data unchanged: the language is not a trained entity."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends the `language` entity to each Spanish message, keeping the entities it has."""
        for message in messages:
            text = typed_text(message)
            if text is None:
                continue  # button payloads carry their own intent and entities
            tokens = words(text)
            language, confidence = detect_language(text)
            if language != SPANISH:
                if not (is_undecided(text, tokens) and conversation_language(message) == SPANISH):
                    continue
                language = SPANISH
                confidence = 1.0
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + [self.entity(language, confidence)],
                add_to_output=True,
            )
        return messages

    def entity(self, language: str, confidence: float) -> Dict[str, Any]:
        """The `language` entity dict, spanning no characters (it is about the whole text)."""
        return {
            ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
            ENTITY_ATTRIBUTE_VALUE: language,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: 0,
            ENTITY_ATTRIBUTE_CONFIDENCE: float(confidence),
            EXTRACTOR: self.name,
        }
