"""The callback form's actions: consent first, answers saved encrypted, markers in the slots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_form import (
    FORM_SLOTS,
    ActionCancelCallback,
    ActionCheckCallbacks,
    ActionDropCallback,
    ActionSubmitCallback,
    CallbackStorage,
    ValidateCallbackForm,
    clean_name,
    language_of,
    parse_phone,
)
from storage import callbacks
from tests.support.trackers import tracker_with

NOW = 1_780_000_000.0
PHONE = "+18165550142"


@pytest.fixture
def storage(tmp_path: Path) -> CallbackStorage:
    engine = callbacks.connect(f"sqlite:///{tmp_path / 'conversations.db'}")
    return CallbackStorage(engine, MultiFernet([Fernet(Fernet.generate_key())]))


def form_tracker(requested_slot: str, value: Any, language: str = "en", **slots: Any) -> Tracker:
    """The tracker as validate_callback_form gets it: the answer just extracted."""
    tracker = tracker_with(
        {"intent": {"name": "nlu_fallback"}, "text": str(value)},
        {
            "language": language,
            "requested_slot": requested_slot,
            requested_slot: value,
            "callback_form_language": language,
            **slots,
        },
        "action_listen",
    )
    tracker.active_loop = {"name": "callback_form"}
    tracker.events = [
        {"event": "user", "text": str(value)},
        {"event": "slot", "name": requested_slot, "value": value},
    ]
    return tracker


async def validate(
    storage: CallbackStorage | None, tracker: Tracker, domain: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The slots the validation sets, and the responses it utters."""
    dispatcher = CollectingDispatcher()
    action = ValidateCallbackForm(storage=lambda: storage, clock=lambda: NOW)
    events = await action.run(dispatcher, tracker, domain)
    slots = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    return slots, [message["response"] for message in dispatcher.messages]


@pytest.mark.parametrize(
    "text, e164",
    [
        ("816-555-0142", "+18165550142"),
        ("(816) 555 0142", "+18165550142"),
        ("+1 816 555 0142", "+18165550142"),
        ("+34 612 34 56 78", "+34612345678"),
        ("011 34 612 345 678", "+34612345678"),
    ],
)
def test_phone_numbers_in_common_formats_are_understood(text: str, e164: str) -> None:
    assert parse_phone(text) == e164


@pytest.mark.parametrize(
    "text", ["12345", "555-0142", "my number is secret", "is klonopin addictive", "1" * 60, ""]
)
def test_things_that_are_not_phone_numbers_are_refused(text: str) -> None:
    assert parse_phone(text) is None


@pytest.mark.parametrize("text", ["Sam", "J.R.", "Ana María", "mary-jane", "O'Neil"])
def test_first_names_and_initials_are_accepted(text: str) -> None:
    assert clean_name(text) == text


@pytest.mark.parametrize("text", ["816 555 0142", "sam@example.com", "a" * 41, "", "is it safe?"])
def test_a_name_that_is_not_a_name_is_refused(text: str) -> None:
    assert clean_name(text) is None


@pytest.mark.parametrize(
    "text, code", [("English", "en"), ("Spanish", "es"), ("en español", "es"), ("Inglés", "en")]
)
def test_the_language_of_the_call(text: str, code: str) -> None:
    assert language_of(text) == code


async def test_a_valid_number_is_saved_encrypted_and_the_slot_keeps_only_a_marker(
    storage: CallbackStorage, domain: dict[str, Any]
) -> None:
    slots, said = await validate(storage, form_tracker("callback_phone", "816 555 0142"), domain)
    assert slots["callback_phone"] == "[PHONE]" and said == []
    draft = callbacks.draft(storage.engine, storage.cipher, "test-visitor")
    assert draft is not None and draft.phone == "+18165550142"


async def test_a_bad_number_is_asked_again_and_nothing_is_saved(
    storage: CallbackStorage, domain: dict[str, Any]
) -> None:
    slots, said = await validate(storage, form_tracker("callback_phone", "12345"), domain)
    assert slots["callback_phone"] is None
    assert said == ["utter_callback_phone_invalid"]
    assert callbacks.draft(storage.engine, storage.cipher, "test-visitor") is None


async def test_the_name_may_be_skipped(storage: CallbackStorage, domain: dict[str, Any]) -> None:
    slots, _ = await validate(storage, form_tracker("callback_name", "skipped"), domain)
    assert slots["callback_name"] == "skipped"
    assert callbacks.draft(storage.engine, storage.cipher, "test-visitor") == (
        callbacks.CallbackDetails(name="")
    )


async def test_a_spanish_form_stays_spanish_whatever_the_answer_looks_like(
    storage: CallbackStorage, domain: dict[str, Any]
) -> None:
    # "Ana" alone may read as English; the form keeps the language it started in.
    tracker = form_tracker("callback_name", "Ana", language="en", callback_form_language="es")
    slots, _ = await validate(storage, tracker, domain)
    assert slots["language"] == "es" and slots["callback_name"] == "[NAME]"


async def test_when_saving_fails_the_form_ends_politely(domain: dict[str, Any]) -> None:
    slots, _ = await validate(None, form_tracker("callback_phone", "816 555 0142"), domain)
    assert slots["callback_failed"] is True
    assert slots["callback_phone"] is None  # the number typed is not kept in the slot


async def test_refusing_consent_asks_nothing_more(domain: dict[str, Any]) -> None:
    action = ValidateCallbackForm(storage=lambda: None)
    tracker = form_tracker("callback_consent", False)
    required = await action.required_slots(list(FORM_SLOTS), CollectingDispatcher(), tracker, {})
    assert required == []


async def run(action: Any, tracker: Tracker, domain: dict[str, Any]) -> tuple[dict, list]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    slots = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    return slots, dispatcher.messages


async def test_submitting_sends_the_request_to_staff_and_shows_the_number(
    storage: CallbackStorage, domain: dict[str, Any]
) -> None:
    callbacks.save_answers(storage.engine, storage.cipher, "test-visitor", NOW, phone=PHONE)
    tracker = tracker_with({}, {"callback_consent": True}, "callback_form")
    slots, said = await run(ActionSubmitCallback(lambda: storage, lambda: NOW), tracker, domain)
    assert [message["response"] for message in said] == ["utter_callback_submitted"]
    assert said[0]["callback_phone_display"] == "(816) 555-0142"
    assert all(slots[slot] is None for slot in FORM_SLOTS)  # a new request starts afresh
    [request] = callbacks.list_requests(storage.engine, storage.cipher, "new")
    assert request.details.phone == "+18165550142"


async def test_refused_consent_stores_nothing(
    storage: CallbackStorage, domain: dict[str, Any]
) -> None:
    tracker = tracker_with({}, {"callback_consent": False}, "callback_form")
    _, said = await run(ActionSubmitCallback(lambda: storage), tracker, domain)
    assert [message["response"] for message in said] == ["utter_callback_declined"]
    with storage.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM review_callback")).scalar() == 0


async def test_when_the_request_cannot_be_stored_the_visitor_is_told(
    domain: dict[str, Any],
) -> None:
    tracker = tracker_with({}, {"callback_consent": True}, "callback_form")
    _, said = await run(ActionSubmitCallback(lambda: None), tracker, domain)
    assert [message["response"] for message in said] == ["utter_callback_failed"]


@pytest.mark.parametrize(
    "action, said",
    [(ActionCancelCallback, ["utter_callback_cancelled"]), (ActionDropCallback, [])],
)
async def test_cancelling_or_a_safety_message_deletes_the_draft(
    storage: CallbackStorage, domain: dict[str, Any], action: Any, said: list[str]
) -> None:
    callbacks.save_answers(storage.engine, storage.cipher, "test-visitor", NOW, name="Sam")
    tracker = tracker_with({}, {"callback_name": "[NAME]"}, "callback_form")
    slots, messages = await run(action(lambda: storage), tracker, domain)
    assert [message["response"] for message in messages] == said
    assert callbacks.draft(storage.engine, storage.cipher, "test-visitor") is None
    assert slots["callback_name"] is None


async def test_callbacks_are_offered_only_when_they_can_be_stored(
    storage: CallbackStorage, domain: dict[str, Any]
) -> None:
    tracker = tracker_with({"intent": {"name": "request_callback"}}, {}, "action_listen")
    slots, _ = await run(ActionCheckCallbacks(lambda: storage), tracker, domain)
    assert slots["callbacks_available"] is True and slots["callback_retention_days"] == "30"
    slots, _ = await run(ActionCheckCallbacks(lambda: None), tracker, domain)
    assert slots["callbacks_available"] is False


def test_every_response_the_form_utters_is_in_the_domain(domain: dict[str, Any]) -> None:
    source = Path("actions/callback_form.py").read_text()
    for name in re.findall(r'"(utter_callback_[a-z_]+)"', source):
        assert name in domain["responses"], name
    for slot in FORM_SLOTS:
        assert f"utter_ask_{slot}" in domain["responses"]
        assert slot in domain["slots"]
