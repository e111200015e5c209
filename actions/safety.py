"""Safety actions: they follow the 911 / 988 responses and mark the conversation for staff.

The words the visitor needs (utter_emergency_911, utter_crisis_988) are domain
responses uttered by rules before these actions run, so they arrive even when
the action server is down. These actions add the record staff review needs:
which safety net (the pattern, or the nearest exemplar group and its score) or the
classifier recognised the message.
"""

from __future__ import annotations

import abc
import logging
from typing import Any, Dict, List, Mapping

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guarded_action import GuardedAction

logger = logging.getLogger(__name__)

CLASSIFIER_REASON = "classifier"


def safety_reason(parse_data: Mapping[str, Any]) -> str:
    """Which path recognised the message, for staff.

    The pattern net's pattern id ("not_breathing"); else, when the semantic net routed it,
    "meaning:<nearest group> <similarity>" ("meaning:farewell_behaviour 0.62"), or
    "meaning:classifier <probability>" when its linear classifier fired; else "classifier"
    (DIET alone).
    """
    pattern = (parse_data.get("safety_net") or {}).get("pattern")
    if pattern:
        return str(pattern)
    meaning = parse_data.get("semantic_safety") or {}
    if meaning.get("fired") and meaning.get("by") == "classifier":
        return f"meaning:classifier {float(meaning.get('classifier_probability') or 0):.2f}"
    if meaning.get("fired"):
        return f"meaning:{meaning.get('group')} {float(meaning.get('score') or 0):.2f}"
    return CLASSIFIER_REASON


class RecordSafetyReason(GuardedAction, abc.ABC):
    """Records in `safety_reason` why the last message got the safety response."""

    @abc.abstractmethod
    def name(self) -> str:
        """Name of the action, as in domain.yml."""

    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Sets the slot; the visitor already has the guidance."""
        reason = safety_reason(tracker.latest_message or {})
        logger.warning("%s: safety guidance given (recognised by: %s)", self.name(), reason)
        return [SlotSet("safety_reason", reason)]


class ActionEmergencyGuidance(RecordSafetyReason):
    """Follows the 911 guidance for a possible overdose."""

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_emergency_guidance"


class ActionCrisisSupport(RecordSafetyReason):
    """Follows the 988 guidance for suicidal thoughts, self-harm or lethal-dose questions."""

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_crisis_support"
