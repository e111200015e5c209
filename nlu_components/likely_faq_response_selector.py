"""Rasa's ResponseSelector, run only on messages that may be FAQ questions.

The ResponseSelector costs about as much as DIET on every message (~6 ms of a ~20 ms parse
on the development VM), yet its answer is used only when the intent is its retrieval intent
(`faq`) or when "Did you mean ...?" offers topics, which it does only when `faq` is among the
two most likely intents (actions/faq_topics.py). When DIET does not rank `faq` first or
second ("hello", "yes", "can I drink on it?", "I want to talk to someone"), the selection
is skipped: nothing the visitor sees changes, and those messages parse faster.

It trains, persists and predicts exactly as Rasa's ResponseSelector (same config, same
seeds); only `process` differs. It also leaves out the chosen answer's texts (English and
Spanish, ~1.5 kB) from the parse data: the reply is the domain's response, by the
`utter_action` name, as Rasa's ActionRetrieveResponse reads it, and the texts only made every
stored message, every tracker read and every call to the action server bigger.
"""

from __future__ import annotations

import warnings
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RESPONSES_KEY,
)
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

# Rasa's recipe validator looks for the exact class ResponseSelector and would warn that the
# response examples are not used; this subclass uses them.
warnings.filterwarnings(
    "ignore",
    message="You have defined training data with examples for training a response selector",
)

# actions/faq_topics.py's LIKELY_FAQ_RANKS, which "Did you mean ...?" uses. Rasa's image does not
# ship actions/, so the number is repeated; a unit test keeps the two equal.
LIKELY_FAQ_RANKS = 2


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LikelyFaqResponseSelector(ResponseSelector):
    """Selects an FAQ answer for the messages whose two likeliest intents include `faq`."""

    def may_be_faq(self, message: Message) -> bool:
        """Whether the retrieval intent is among DIET's two likeliest (or there is no ranking)."""
        ranking = message.get(INTENT_RANKING_KEY)
        if not ranking or not self.retrieval_intent:
            return True
        names = [entry.get(INTENT_NAME_KEY) for entry in ranking[:LIKELY_FAQ_RANKS]]
        return self.retrieval_intent in names

    def process(self, messages: List[Message]) -> List[Message]:
        """Selects answers for the messages that may be FAQ questions; leaves the others."""
        likely = [message for message in messages if self.may_be_faq(message)]
        if likely:
            super().process(likely)
        for message in likely:
            without_answer_texts(message)
        return messages


def without_answer_texts(message: Message) -> None:
    """Empties the answer texts of every selection in the message's parse data, in place."""
    selections = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    for selection in selections.values():
        if isinstance(selection, dict):
            prediction = selection.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}
            if RESPONSE_SELECTOR_RESPONSES_KEY in prediction:
                prediction[RESPONSE_SELECTOR_RESPONSES_KEY] = []
