"""The callback request: consent first, then a few answers, stored encrypted outside the chat.

`callback_form` (domain.yml) asks, after the consent text (utter_ask_callback_consent):
a first name or initials (optional), a phone number (checked with `phonenumbers`, US
by default), the best time to call, the language of the call, and whether a voicemail
may name the center. Each answer goes straight into the request's encrypted draft
(storage/callbacks.py); the slot keeps only a marker ("[NAME]", "[PHONE]", "given"),
so the stored conversation never holds the number. Refusing consent stores nothing;
cancelling, or an emergency or crisis in the middle, deletes the draft.

The words are domain responses: the actions utter them by name.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import phonenumbers
import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.guarded_action import GuardedAction, where_it_failed
from content.languages import ENGLISH, SPANISH
from storage import callbacks
from storage.callback_keys import CallbackKeyError, load_cipher

logger = logging.getLogger(__name__)

FORM = "callback_form"
# The form's slots, in the order they are asked; reset once the request is sent or dropped.
FORM_SLOTS = (
    "callback_consent",
    "callback_name",
    "callback_phone",
    "callback_time",
    "callback_language",
    "callback_voicemail",
)
# What the slots hold instead of what the visitor said.
NAME_GIVEN = "[NAME]"
NAME_SKIPPED = "skipped"
PHONE_GIVEN = "[PHONE]"
ANSWER_GIVEN = "given"
# The language the form was started in: kept for the whole form (a name or a number
# alone must not switch the conversation to English).
FORM_LANGUAGE = "callback_form_language"
DEFAULT_REGION = "US"
NAME_LIMIT = 40
TIME_LIMIT = 80
_NAME = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]*){0,3}$")
LANGUAGE_WORDS = {
    ENGLISH: ("english", "ingles", "inglés"),
    SPANISH: ("spanish", "espanol", "español", "castellano"),
}
YES_WORDS = ("yes", "yeah", "yep", "ok", "okay", "sure", "si", "sí", "claro", "vale")
NO_WORDS = ("no", "nope", "nah", "discreet", "discreto", "discreta")

Clock = Callable[[], float]


@dataclass(frozen=True)
class CallbackStorage:
    """Where requests go: the database and the encryption keys."""

    engine: sa.engine.Engine
    cipher: MultiFernet

    def reachable(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True


@functools.lru_cache(maxsize=1)
def configured_storage() -> CallbackStorage | None:
    """The deployment's storage (CALLBACK_KEYS / CALLBACK_KEY_FILE); None if not configured."""
    try:
        cipher = load_cipher()
    except CallbackKeyError as error:
        logger.error("Callback requests are off: %s", error)
        return None
    if cipher is None:
        logger.warning(
            "Callback requests are off: set CALLBACK_KEYS or CALLBACK_KEY_FILE (docs/callbacks.md)"
        )
        return None
    try:
        return CallbackStorage(callbacks.connect(callbacks.database_url()), cipher)
    except sa.exc.SQLAlchemyError as error:
        logger.error("Callback requests are off: database error %s", type(error).__name__)
        return None


def parse_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """The number in E.164 ('+18165550199') if the text is one valid phone number, else None.

    Numbers without a country code are read as US numbers; '+34 ...' and '011 34 ...'
    style international numbers are accepted.
    """
    candidate = text.strip()
    if not candidate or len(candidate) > 40:
        return None
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_name(text: str) -> str | None:
    """A first name or initials ('Sam', 'J.R.', 'Ana María'), or None if it is not one."""
    name = " ".join(text.split())
    if not name or len(name) > NAME_LIMIT or not _NAME.match(name):
        return None
    return name


def language_of(text: str) -> str | None:
    """'en' or 'es' for an answer naming a language ('English', 'en español'), else None."""
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    found = [code for code, names in LANGUAGE_WORDS.items() if words & set(names)]
    return found[0] if len(found) == 1 else None


def yes_or_no(value: Any) -> bool | None:
    """The voicemail answer: True, False, or None if unclear."""
    if isinstance(value, bool):
        return value
    words = set(re.findall(r"[^\W\d_]+", str(value).lower()))
    yes, no = bool(words & set(YES_WORDS)), bool(words & set(NO_WORDS))
    return yes if yes != no else None


def reset_slots() -> list[EventType]:
    """Clears the form's slots so that a new request starts afresh."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, FORM_LANGUAGE, "callback_failed")]


class UsesCallbackStorage:
    """An action that stores callback requests: where, and the clock (tests pass their own)."""

    def __init__(
        self,
        storage: Callable[[], CallbackStorage | None] = configured_storage,
        clock: Clock = time.time,
    ) -> None:
        """`storage` gives where requests go; `clock` the time they are stamped with."""
        self.storage = storage
        self.clock = clock


class ValidateCallbackForm(UsesCallbackStorage, FormValidationAction):
    """Checks each answer, saves it to the encrypted draft, and keeps only a marker in the slot."""

    def name(self) -> str:
        """Name of the action, as Rasa calls it for callback_form."""
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """All the questions, or none once consent is refused or saving failed."""
        if tracker.get_slot("callback_consent") is False or tracker.get_slot("callback_failed"):
            return []
        return domain_slots

    def _language(self, tracker: Tracker) -> dict[str, Any]:
        language = tracker.get_slot(FORM_LANGUAGE) or tracker.get_slot("language") or ENGLISH
        return {"language": language}

    def _save(self, tracker: Tracker, **answers: Any) -> bool:
        storage = self.storage()
        if storage is None:
            return False
        try:
            callbacks.save_answers(
                storage.engine, storage.cipher, tracker.sender_id, self.clock(), **answers
            )
        except (sa.exc.SQLAlchemyError, CallbackKeyError) as error:
            logger.error(
                "Could not save a callback answer: %s at %s",
                type(error).__name__,
                where_it_failed(error),
            )
            return False
        return True

    def _saved(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        marker: Any,
        **answers: Any,
    ) -> dict[str, Any]:
        """The slot's marker when the answer was saved; otherwise ends the form politely."""
        if self._save(tracker, **answers):
            return {slot: marker, **self._language(tracker)}
        return {slot: None, "callback_failed": True, **self._language(tracker)}

    async def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes starts the questions; no ends the form with nothing stored."""
        if value is True:
            return {
                "callback_consent": True,
                FORM_LANGUAGE: tracker.get_slot("language") or ENGLISH,
                **self._language(tracker),
            }
        if value is False:
            return {"callback_consent": False, **self._language(tracker)}
        return {"callback_consent": None, **self._language(tracker)}

    async def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A first name or initials; 'no' or Skip leaves it out."""
        if value == NAME_SKIPPED:
            return self._saved(dispatcher, tracker, "callback_name", NAME_SKIPPED, name="")
        name = clean_name(str(value))
        if name is None:
            dispatcher.utter_message(response="utter_callback_name_invalid")
            return {"callback_name": None, **self._language(tracker)}
        return self._saved(dispatcher, tracker, "callback_name", NAME_GIVEN, name=name)

    async def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A valid phone number (US unless it has a country code), else a clear re-ask."""
        phone = parse_phone(str(value))
        if phone is None:
            dispatcher.utter_message(response="utter_callback_phone_invalid")
            return {"callback_phone": None, **self._language(tracker)}
        return self._saved(dispatcher, tracker, "callback_phone", PHONE_GIVEN, phone=phone)

    async def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Any short answer ('mornings', 'after 5 pm'); a long one is asked again."""
        best_time = " ".join(str(value).split())
        if not best_time or len(best_time) > TIME_LIMIT:
            dispatcher.utter_message(response="utter_callback_time_invalid")
            return {"callback_time": None, **self._language(tracker)}
        return self._saved(dispatcher, tracker, "callback_time", ANSWER_GIVEN, best_time=best_time)

    async def validate_callback_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """English or Spanish."""
        language = language_of(str(value))
        if language is None:
            return {"callback_language": None, **self._language(tracker)}
        return self._saved(dispatcher, tracker, "callback_language", language, language=language)

    async def validate_callback_voicemail(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Whether a voicemail may name the center: yes, or no for a discreet message."""
        answer = yes_or_no(value)
        if answer is None:
            return {"callback_voicemail": None, **self._language(tracker)}
        return self._saved(
            dispatcher, tracker, "callback_voicemail", answer, voicemail_may_name_center=answer
        )


class ActionCheckCallbacks(UsesCallbackStorage, GuardedAction):
    """Sets `callbacks_available`: can a request be stored right now?"""

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_check_callbacks"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """True when the keys are configured and the database answers."""
        storage = self.storage()
        available = storage is not None and storage.reachable()
        return [
            SlotSet("callbacks_available", available),
            SlotSet("callback_retention_days", str(callbacks.retention_days())),
            *reset_slots(),
        ]


class ActionSubmitCallback(UsesCallbackStorage, GuardedAction):
    """After the form: sends the request to staff, or says that nothing was stored."""

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_submit_callback"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utters the outcome; the slots are cleared either way."""
        storage = self.storage()
        if tracker.get_slot("callback_consent") is False:
            if storage is not None:
                callbacks.discard_draft(storage.engine, tracker.sender_id)
            dispatcher.utter_message(response="utter_callback_declined")
            return reset_slots()
        request_id = None
        details = None
        if storage is not None and not tracker.get_slot("callback_failed"):
            try:
                details = callbacks.draft(storage.engine, storage.cipher, tracker.sender_id)
                request_id = callbacks.submit(storage.engine, tracker.sender_id, self.clock())
            except (sa.exc.SQLAlchemyError, CallbackKeyError) as error:
                logger.error("Could not submit a callback request: %s", type(error).__name__)
        if request_id is None or details is None:
            dispatcher.utter_message(response="utter_callback_failed")
            return reset_slots()
        logger.info("Callback request %s submitted", request_id)
        dispatcher.utter_message(
            response="utter_callback_submitted", callback_phone_display=details.phone_display
        )
        return reset_slots()


class ActionCancelCallback(UsesCallbackStorage, GuardedAction):
    """The visitor cancelled: deletes the draft, says so, and ends the form."""

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_cancel_callback"

    def say(self, dispatcher: CollectingDispatcher) -> None:
        """What the visitor is told."""
        dispatcher.utter_message(response="utter_callback_cancelled")

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Deletes the draft; the slots are cleared and the form stopped."""
        storage = self.storage()
        if storage is not None:
            callbacks.discard_draft(storage.engine, tracker.sender_id)
        self.say(dispatcher)
        return reset_slots()


class ActionDropCallback(ActionCancelCallback):
    """After 911 or 988 guidance in the middle of the form: deletes the draft, says nothing."""

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_drop_callback"

    def say(self, dispatcher: CollectingDispatcher) -> None:
        """Nothing: the safety guidance was the reply."""
