"""action_intake_prompt: fill in the center's contact details and whether intake is open.

The words are the domain response `utter_intake_prompt`, uttered by a rule
right after this action; its variations depend on `intake_open_now`, and a
variation without conditions covers the case where this action could not run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guarded_action import GuardedAction
from clinic.settings import ClinicSettings, clinic_settings

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, time-zone aware."""
    return datetime.now(timezone.utc)


def spoken_time(moment: datetime, now: datetime) -> str:
    """'today at 8:00 AM', 'tomorrow at 9:00 AM' or 'Monday at 8:00 AM' (center's time)."""
    clock = moment.strftime("%I:%M %p").lstrip("0")
    days = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    day = {0: "today", 1: "tomorrow"}.get(days, moment.strftime("%A"))
    return f"{day} at {clock} ({moment.tzname()})"


class ActionIntakePrompt(GuardedAction):
    """Sets the slots `utter_intake_prompt` shows, and marks the prompt for staff."""

    def __init__(self, settings: ClinicSettings | None = None, clock: Clock = utc_now) -> None:
        """Loads clinic.yml at action-server start-up unless settings are given (tests)."""
        self.settings = settings or clinic_settings()
        self.clock = clock

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_intake_prompt"

    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Returns the slot events; a rule then utters utter_intake_prompt."""
        now = self.clock()
        hours = self.settings.hours
        open_now = hours.is_open(now)
        reopens = None if open_now else spoken_time(hours.next_opening(now), now)
        logger.debug("Intake prompt, open now: %s", open_now)
        return [
            SlotSet("clinic_name", self.settings.name),
            SlotSet("intake_phone", self.settings.phone_display),
            SlotSet("intake_phone_tel", self.settings.phone_tel),
            SlotSet("insurance_url", self.settings.insurance_url),
            SlotSet("intake_open_now", open_now),
            SlotSet("intake_reopens", reopens),
            SlotSet("intake_prompt_shown", True),
        ]
