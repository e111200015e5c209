"""action_suggest_topics: pick the topics for "Did you mean ...?" buttons."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_topics import closest_topics, load_catalogue
from actions.guarded_action import GuardedAction

logger = logging.getLogger(__name__)

SUGGESTION_SLOTS = ("suggested_topic_1", "suggested_topic_2", "suggested_topic_3")


class ActionSuggestTopics(GuardedAction):
    """Fills the suggestion slots with the three closest FAQ questions, in its language.

    Runs when the model is unsure (nlu_fallback). A rule then utters
    `utter_did_you_mean`, whose buttons show the slots, or `utter_ask_rephrase`
    when no FAQ topic is close enough to suggest.
    """

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_suggest_topics"

    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Returns the slot events; utters nothing itself."""
        catalogue = load_catalogue()
        topics = closest_topics(tracker.latest_message or {}, len(SUGGESTION_SLOTS))
        if not all(key in catalogue for key in topics):
            topics = []
        logger.debug("Suggesting topics %s", topics)
        no_questions: List[Any] = [None] * len(SUGGESTION_SLOTS)
        language = tracker.get_slot("language")
        questions = (
            [catalogue[key].question_in(language) for key in topics] if topics else no_questions
        )
        return [SlotSet("has_topic_suggestions", bool(topics))] + [
            SlotSet(slot, question)
            for slot, question in zip(SUGGESTION_SLOTS, questions, strict=True)
        ]
