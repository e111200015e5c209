"""action_offer_intake: decide whether to offer the intake team after an answer."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_topics import answered_topic, load_catalogue
from actions.guarded_action import GuardedAction

logger = logging.getLogger(__name__)


class ActionOfferIntake(GuardedAction):
    """Sets `intake_offer_due` and `contact_due` after every FAQ answer.

    The offer is due after answers about addiction, withdrawal, stopping,
    detox or treatment (topics flagged `offers_intake` in faq_topics.yml), at
    most once per conversation. The offer's text is the domain response
    `utter_offer_intake`, which a rule utters when the slot is true. After an
    answer flagged `shows_contact` ("where are you?") the intake prompt with the
    center's number follows every time instead.
    """

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_offer_intake"

    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Returns the slot events; utters nothing itself."""
        topic = load_catalogue().get(answered_topic(tracker.latest_message or {}) or "")
        already_offered = bool(tracker.get_slot("intake_offered"))
        contact = topic is not None and topic.shows_contact
        due = topic is not None and topic.offers_intake and not contact and not already_offered
        logger.debug("After topic %s: offer due %s, contact %s", topic and topic.key, due, contact)
        events: List[EventType] = [
            SlotSet("intake_offer_due", due),
            SlotSet("contact_due", contact),
        ]
        if due:
            events.append(SlotSet("intake_offered", True))
        return events
