"""action_intake_prompt: fill in the center's contact details and whether intake is open.

The words are the domain response `utter_intake_prompt`, uttered by a rule
right after this action; its variations depend on `language` and `intake_open_now`, and
variations without `intake_open_now` cover the case where this action could not run. In a
Spanish conversation this action first says whether the intake team speaks Spanish
(clinic.yml `intake_languages`); if it does not, that reply gives SAMHSA's helpline, which does.

Live chat: while intake is open and a member of the intake team is available for live chats
(the review app's Live now page, storage/live_chat.py), this action first says that someone
can join this chat (`utter_live_chat_available`), and staff see the conversation as "Asked for
a person". Otherwise the prompt leads to a call or a callback request.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date, format_time
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guarded_action import GuardedAction
from clinic.settings import ClinicSettings, clinic_settings
from content.languages import ENGLISH, SPANISH
from storage import callbacks, live_chat

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
StaffAvailable = Callable[[datetime], bool]


def utc_now() -> datetime:
    """The current time, time-zone aware."""
    return datetime.now(timezone.utc)


# Said before the intake prompt in a Spanish conversation: whether the team speaks Spanish.
TEAM_SPEAKS_SPANISH = "utter_intake_team_speaks_spanish"
TEAM_SPEAKS_NO_SPANISH = "utter_intake_team_speaks_no_spanish"
LIVE_CHAT_AVAILABLE = "utter_live_chat_available"


@functools.lru_cache(maxsize=1)
def _database() -> sa.engine.Engine:
    """The database the review app marks staff available in (the callback requests' one)."""
    return sa.create_engine(callbacks.database_url(), pool_pre_ping=True)


def staff_available(now: datetime) -> bool:
    """Whether a member of the intake team is available for live chats (False if unknown)."""
    try:
        return bool(live_chat.available_staff(_database(), now.timestamp()))
    except sa.exc.SQLAlchemyError as error:  # no review app yet, or the database is down
        logger.info("Live chat availability unknown: %s", type(error).__name__)
        return False


def spoken_time(moment: datetime, now: datetime, language: str = ENGLISH) -> str:
    """When the team reopens, in the center's time, in the conversation's language.

    'today at 8:00 AM (CST)', 'tomorrow at 9:00 AM', 'Monday at 8:00 AM';
    'hoy a las 8:00 a. m. (CST)', 'mañana a las 9:00 a. m.', 'el lunes a las 8:00 a. m.'.
    """
    days = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    if language == SPANISH:
        clock = format_time(moment, "h:mm a", locale=SPANISH)
        weekday = format_date(moment, "EEEE", locale=SPANISH)
        day = {0: "hoy", 1: "mañana"}.get(days, f"el {weekday}")
        return f"{day} a las {clock} ({moment.tzname()})"
    clock = moment.strftime("%I:%M %p").lstrip("0")
    day = {0: "today", 1: "tomorrow"}.get(days, moment.strftime("%A"))
    return f"{day} at {clock} ({moment.tzname()})"


class ActionIntakePrompt(GuardedAction):
    """Sets the slots `utter_intake_prompt` shows, and marks the prompt for staff."""

    def __init__(
        self,
        settings: ClinicSettings | None = None,
        clock: Clock = utc_now,
        live_chat_staff: StaffAvailable = staff_available,
    ) -> None:
        """Loads clinic.yml at action-server start-up unless settings are given (tests).

        `live_chat_staff` says whether someone can join the chat now (tests pass their own).
        """
        self.settings = settings or clinic_settings()
        self.clock = clock
        self.live_chat_staff = live_chat_staff

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
        language = tracker.get_slot("language") or "en"
        open_now = hours.is_open(now)
        reopens = None if open_now else spoken_time(hours.next_opening(now), now, language)
        logger.debug("Intake prompt, open now: %s, language: %s", open_now, language)
        if language == SPANISH:
            speaks = SPANISH in self.settings.intake_languages
            dispatcher.utter_message(
                response=TEAM_SPEAKS_SPANISH if speaks else TEAM_SPEAKS_NO_SPANISH
            )
        if open_now and self.live_chat_staff(now):
            dispatcher.utter_message(response=LIVE_CHAT_AVAILABLE)
        return [
            SlotSet("clinic_name", self.settings.name),
            SlotSet("intake_phone", self.settings.phone_display),
            SlotSet("intake_phone_tel", self.settings.phone_tel),
            SlotSet("insurance_url", self.settings.insurance_url),
            SlotSet("intake_open_now", open_now),
            SlotSet("intake_reopens", reopens),
            SlotSet("intake_prompt_shown", True),
        ]
