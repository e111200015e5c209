"""The small-talk guard: a question is never answered "Okay, anything else?" or "Take care".

DIET sometimes reads a question it does not know as a yes, a no, a thanks or a goodbye
("no one told me how long withdrawal lasts?"), and the visitor then gets a reply that
ends the topic. Runs after the classifiers and before the safety nets: when the intent is
one of those small-talk intents but the message asks something (a question mark, or a
question word first) and has at least MIN_WORDS words, the intent becomes nlu_fallback,
so the visitor gets "Did you mean ...?" with the closest topics, or a request to
rephrase; both carry the 911 and 988 lines. So does a message of punctuation alone ("?",
"...", "!?"), which says neither yes nor no whatever DIET reads in it (an emoji such as 👍
is not punctuation, and keeps its intent). The parse data records it under
``small_talk_guard``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.pattern_router import set_intent
from nlu_components.stateless_component import StatelessComponent

SMALL_TALK_GUARD_KEY = "small_talk_guard"
# Not greet: its reply invites a question, so it is no dead end.
SMALL_TALK_INTENTS = frozenset({"affirm", "deny", "thank", "goodbye"})
MIN_WORDS = 4
QUESTION_WORDS = frozenset(
    "what whats how hows why when where which who whom whose can could should would will "
    "is are does do did was were has have am may might".split()
)
WORD = re.compile(r"[a-z']+")


def asks_something(text: str) -> bool:
    """A question mark, or a question word first, in a message of MIN_WORDS words or more."""
    words = WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return False
    return "?" in text or words[0] in QUESTION_WORDS


def only_punctuation(text: str) -> bool:
    """True for "?", "...", "!?": punctuation (Unicode category P) and spaces only."""
    stripped = text.strip()
    return bool(stripped) and all(
        char.isspace() or unicodedata.category(char).startswith("P") for char in stripped
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SmallTalkGuard(StatelessComponent):
    """Turns a yes/no/thanks/goodbye that asks something into nlu_fallback."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Sends questions read as small talk to nlu_fallback."""
        for message in messages:
            text = message.get(TEXT)
            intent = message.get(INTENT) or {}
            if not text or intent.get(INTENT_NAME_KEY) not in SMALL_TALK_INTENTS:
                continue
            if asks_something(text) or only_punctuation(text):
                before = intent.get(INTENT_NAME_KEY)
                confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                set_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME, confidence)
                message.set(SMALL_TALK_GUARD_KEY, {"intent_before": before}, add_to_output=True)
        return messages
