"""The mixing question router: "are those two ok to take together?" asks about an interaction.

DIET learnt interaction questions as short ones ("can i take klonopin with trazodone"). A
visitor who tells the story first ("My mother has taken trazodone to sleep for years, and
last week her psychiatrist added clonazepam. ... Are those two ok to take together?"), or who
names both drugs in a question that reads like an FAQ ("is it safe to take seroquel and
clonazepam"), got "Did you mean ...?", the dose referral or the general is-it-safe answer.

Runs after the ResponseConfidenceGate and before the other-drug and dose guards. The intent
becomes ``ask_interaction`` (the interaction answer for the substance named) when the question
(the asking sentence of a long message, question_sentences.py; a short message whole) asks
whether something is safe, okay or a problem, and asks it about taking two things together:

- it names clonazepam and another substance (of the lexicon, or a drug DIET marked) with a
  joining word between them ("seroquel and clonazepam", "a few drinks on klonopin", "cheves
  si tomo clonazepam"), or
- it says "together", "both", "those two", "mix", "at the same time" ..., and the message
  names clonazepam (or says "it") and another substance somewhere.

It changes only a message the classifiers did not understand, a dose referral or an FAQ
answer; safety intents, the personal-advice referral and small talk stand, and the safety nets
run after it. The parse data records the substances and the intent it replaced under
``mixing_question_router``.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from nlu_components.pattern_router import set_intent
from nlu_components.question_sentences import question_mask, question_spans
from nlu_components.stateless_component import StatelessComponent
from nlu_components.substance_lexicon import (
    CLONAZEPAM,
    SUBSTANCE_ENTITY,
    SubstanceLexicon,
    substance_lexicon,
    word_spans,
)
from nlu_components.typed_text import typed_text

ROUTER_KEY = "mixing_question_router"
INTERACTION_INTENT = "ask_interaction"
# What the router may replace: not understood, a dose referral, an FAQ answer.
REPLACEABLE_INTENTS = frozenset({FALLBACK_INTENT, "ask_dose_or_prescription", "faq"})
# Words that join two things taken together: "seroquel and clonazepam", "drinks on klonopin",
# "klonopin w trazodone" (text-speak "w" / "w/" for "with").
JOINING_WORDS = frozenset("and with w plus on while after before then y con si mientras".split())
# How many words may separate a substance from clonazepam across a joining word.
JOIN_WINDOW = 5
# Words and phrases that ask about two things at once, whatever their names.
TOGETHER_WORDS = frozenset(
    """together both mix mixing mixed combine combining combined combo juntos juntas junto
    mezclar mezclarlo mezclarla mezclarlos mezclo mezclas combinar combinarlo combinarlos
    ambos ambas""".split()
)
TOGETHER_PHRASES = (
    ("same", "day"),
    ("same", "time"),
    ("on", "top", "of"),
    ("those", "two"),
    ("these", "two"),
    ("the", "two"),
    ("mismo", "tiempo"),
    ("mismo", "dia"),
    ("mismo", "día"),
    ("los", "dos"),
    ("las", "dos"),
)
# Words that ask whether it is safe, fine or a problem: "is it ok", "can i take", "es malo".
ASKING_WORDS = frozenset(
    """safe safely ok okay alright fine dangerous danger bad problem problems risk risky
    risks harmful harm interact interacts interaction interactions happen happens worry
    can could should puedo puede pueden podemos seguro segura peligroso peligrosa malo mala
    problema riesgo pasa pasaría pasaria interactua interactúa""".split()
)
# A question about overdose, addiction or withdrawal has its own answer, even with a drink in it.
OTHER_TOPIC_WORDS = frozenset(
    """overdose overdosed overdosing od addicted addictive addiction hooked withdrawal withdrawals
    lethal fatal deadly detox rehab sobredosis adiccion adicción adictivo abstinencia""".split()
)
# Words that may stand for clonazepam named earlier in the message.
PRONOUNS = frozenset({"it", "its", "it's", "lo", "la"})


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[index : index + size]) == phrase for index in range(len(words)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MixingQuestionRouter(StatelessComponent):
    """Predicts ask_interaction for a question about taking clonazepam with something else."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Uses the substance lexicon (shared with the SubstanceExtractor, loaded once)."""
        super().__init__(config)
        self.lexicon: SubstanceLexicon = substance_lexicon()

    def process(self, messages: List[Message]) -> List[Message]:
        """Routes each question about taking two things together to the interaction answer."""
        for message in messages:
            text = typed_text(message)
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if text is None or current not in REPLACEABLE_INTENTS:
                continue
            substances = self.substances(message)
            if substances and self.asks_if_safe_together(text, substances):
                record = {
                    "substances": [name for name, _, _ in substances],
                    "intent_before": current,
                }
                message.set(ROUTER_KEY, record, add_to_output=True)
                set_intent(message, INTERACTION_INTENT, 1.0)
        return messages

    @staticmethod
    def substances(message: Message) -> list[tuple[str, int, int]]:
        """The substances named (entities: the lexicon's, DIET's): (name, start, end)."""
        return [
            (
                str(entity.get(ENTITY_ATTRIBUTE_VALUE)),
                int(entity.get(ENTITY_ATTRIBUTE_START, 0)),
                int(entity.get(ENTITY_ATTRIBUTE_END, 0)),
            )
            for entity in message.get(ENTITIES) or []
            if entity.get(ENTITY_ATTRIBUTE_TYPE) == SUBSTANCE_ENTITY
        ]

    def mentions(
        self, text: str, asking: list[tuple[int, int]], substances: list[tuple[str, int, int]]
    ) -> list[tuple[int, int]]:
        """Where substances are named in the question, each mention, not only the first.

        The entities mark a substance's first mention, which may be in the story ("everyone
        will be drinking ... is it dangerous to have a few drinks on klonopin?").
        """
        found = [(first, last) for _, first, last in substances]
        for start, end in asking:
            found += [
                (start + item.start, start + item.end)
                for item in self.lexicon.find(text[start:end])
            ]
        return found

    def asks_if_safe_together(self, text: str, substances: list[tuple[str, int, int]]) -> bool:
        """Whether the question asks if taking clonazepam and a substance together is safe."""
        spans = word_spans(text)
        words = [word for word, _, _ in spans]
        in_question = question_mask(text, [start for _, start, _ in spans])
        question_words = [word for word, inside in zip(words, in_question, strict=True) if inside]
        if not ASKING_WORDS & set(question_words) or OTHER_TOPIC_WORDS & set(question_words):
            return False
        names = self.lexicon.normaliser.canonical_names(words)
        clonazepam = [index for index, name in enumerate(names) if name == CLONAZEPAM]
        asking = question_spans(text) or [(0, len(text))]
        mentions = self.mentions(text, asking, substances)
        if self._joined_in_question(text, spans, clonazepam, mentions, in_question):
            return True
        together = bool(TOGETHER_WORDS & set(question_words)) or any(
            _has_phrase(question_words, phrase) for phrase in TOGETHER_PHRASES
        )
        return together and bool(clonazepam or PRONOUNS & set(words))

    @staticmethod
    def _joined_in_question(
        text: str,
        spans: list[tuple[str, int, int]],
        clonazepam: list[int],
        mentions: list[tuple[int, int]],
        in_question: list[bool],
    ) -> bool:
        """A substance and clonazepam, a joining word between them, all in the question."""
        for first, last in mentions:
            inside = [index for index, (_, a, b) in enumerate(spans) if a < last and first < b]
            if not inside or not all(in_question[index] for index in inside):
                continue
            for other in clonazepam:
                if not in_question[other]:
                    continue
                low, high = sorted((other, inside[0] if other < inside[0] else inside[-1]))
                between = [spans[index][0] for index in range(low + 1, high)]
                gap = text[spans[low][2] : spans[high][1]]
                if len(between) <= JOIN_WINDOW and (
                    JOINING_WORDS & set(between) or "+" in gap or "&" in gap
                ):
                    return True
        return False
