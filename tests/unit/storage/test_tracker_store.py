"""storage/tracker_store.py on SQLite: what is written, and that each event is written once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from storage.tracker_store import (
    RedactingSQLTrackerStore,
    assistant_strings,
    tracker_saved_in_this_request,
)
from tests.support.stored_events import stored_events, stored_rows, stored_texts, turn

HELPLINE_ANSWER = "Poison Control is at 1-800-222-1222, 24/7."
DOMAIN = Domain.from_dict(
    {
        "slots": {"topic": {"type": "text", "mappings": [{"type": "custom"}]}},
        "responses": {
            "utter_poison_control": [{"text": HELPLINE_ANSWER}],
            "utter_call_back": [
                {
                    "text": "Shall we call you at {phone}?",
                    "buttons": [{"title": "Yes, call 1-800-662-4357", "payload": "/affirm"}],
                }
            ],
        },
    }
)
FIRST_THREE_TURNS = (
    "is it addictive?",
    "answer one",
    "can I drink on it?",
    "answer two",
    "withdrawal?",
    "answer three",
)


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


def test_the_assistant_strings_are_every_response_text_button_title_and_payload() -> None:
    strings = assistant_strings(DOMAIN)
    assert {HELPLINE_ANSWER, "Shall we call you at {phone}?", "Yes, call 1-800-662-4357"} <= (
        strings
    )
    assert "/affirm" in strings


async def test_the_assistant_s_own_words_are_stored_as_said_and_the_visitor_s_redacted(
    database: str,
) -> None:
    store = RedactingSQLTrackerStore(DOMAIN, host=database)
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    turn(tracker, "call me at 816-555-0199", HELPLINE_ANSWER)
    tracker.update(BotUttered("Shall we call you at 816-555-0199?"))  # a filled-in template
    await store.save(tracker)

    assert stored_texts(database, "visitor") == [
        "call me at [PHONE]",
        HELPLINE_ANSWER,
        "Shall we call you at [PHONE]?",
    ]


async def test_each_event_is_stored_once_across_messages_and_sessions(database: str) -> None:
    store = RedactingSQLTrackerStore(DOMAIN, host=database)
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    turn(tracker, "is it addictive?", "answer one")
    await store.save(tracker)
    await store.save(tracker)  # saved twice unchanged: nothing written twice

    for question, answer in [("can I drink on it?", "answer two"), ("withdrawal?", "answer three")]:
        tracker = await store.retrieve("visitor")
        assert tracker is not None
        turn(tracker, question, answer)
        tracker.update(SlotSet("topic", question))
        await store.save(tracker)

    tracker = await store.retrieve("visitor")
    assert tracker is not None
    tracker.update(ActionExecuted("action_session_start", timestamp=time.time()))
    tracker.update(SessionStarted(timestamp=time.time()))
    turn(tracker, "back again", "answer four")
    await store.save(tracker)

    events = stored_events(database, "visitor")
    assert [event["text"] for event in events if event.get("text")] == [
        *FIRST_THREE_TURNS,
        "back again",
        "answer four",
    ]
    assert [event["value"] for event in events if event["event"] == "slot"] == [
        "can I drink on it?",
        "withdrawal?",
    ]
    current = await store.retrieve("visitor")
    assert current is not None
    assert [event.text for event in current.events if isinstance(event, UserUttered)] == [
        "back again"
    ]


async def test_a_tracker_this_store_did_not_read_is_written_after_what_is_stored(
    database: str,
) -> None:
    first = RedactingSQLTrackerStore(DOMAIN, host=database)
    second = RedactingSQLTrackerStore(DOMAIN, host=database)  # e.g. another Rasa instance
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    turn(tracker, "is it addictive?", "answer one")
    await first.save(tracker)

    read_elsewhere = await second.retrieve("visitor")
    assert read_elsewhere is not None
    turn(read_elsewhere, "can I drink on it?", "answer two")
    await second.save(read_elsewhere)

    # `first` still remembers its own, older tracker; a new object read by neither
    # store is counted in the database.
    again = DialogueStateTracker.from_events("visitor", list(read_elsewhere.events), DOMAIN.slots)
    turn(again, "withdrawal?", "answer three")
    await first.save(again)

    assert stored_texts(database, "visitor") == [*FIRST_THREE_TURNS]


async def test_rows_are_written_and_read_back_as_rasa_s_own_store_does(tmp_path: Path) -> None:
    ours_url, rasas_url = (f"sqlite:///{tmp_path / name}" for name in ("ours.db", "rasa.db"))
    ours = RedactingSQLTrackerStore(DOMAIN, host=ours_url)
    rasas = SQLTrackerStore(DOMAIN, host=rasas_url)
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start", timestamp=time.time()))
    tracker.update(SessionStarted(timestamp=time.time()))
    tracker.update(
        UserUttered(
            "is it addictive?",
            intent={"name": "faq", "confidence": 0.9},
            parse_data={"intent": {"name": "faq", "confidence": 0.9}, "entities": []},
            timestamp=time.time(),
        )
    )
    tracker.update(SlotSet("topic", "addiction"))
    turn(tracker, "can I drink on it?", HELPLINE_ANSWER)
    await ours.save(tracker)
    await rasas.save(tracker)
    assert stored_rows(ours_url, "visitor") == stored_rows(rasas_url, "visitor")

    # A second session, read back from our database by both stores.
    tracker.update(ActionExecuted("action_session_start", timestamp=time.time()))
    tracker.update(SessionStarted(timestamp=time.time()))
    turn(tracker, "back again", "answer two")
    await ours.save(tracker)
    rasa_reading_ours = SQLTrackerStore(DOMAIN, host=ours_url)
    for read in ("retrieve", "retrieve_full_tracker"):
        ours_read = await getattr(ours, read)("visitor")
        rasas_read = await getattr(rasa_reading_ours, read)("visitor")
        assert ours_read is not None and rasas_read is not None
        assert list(ours_read.events) == list(rasas_read.events)
    current_session = await ours.retrieve("visitor")
    assert current_session is not None and len(current_session.events) < len(tracker.events)
    assert await ours.retrieve("nobody") is None


async def test_the_callback_form_s_personal_answers_are_stored_as_placeholders(
    database: str,
) -> None:
    store = RedactingSQLTrackerStore(DOMAIN, host=database)
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    for asked, answer, marker in [
        ("callback_name", "Sam", "[NAME]"),  # a bare name: no pattern could tell
        ("callback_phone", "five five five oh one four two", "[PHONE]"),
        ("callback_time", "after my shift, ask for Dana", "given"),
        ("callback_language", "English", "en"),
    ]:
        tracker.update(SlotSet("requested_slot", asked))
        turn(tracker, answer, "next question")
        tracker.update(SlotSet(asked, answer))  # what Rasa extracted from the text
        tracker.update(SlotSet(asked, marker))  # what validate_callback_form kept
    tracker.update(SlotSet("requested_slot", None))
    turn(tracker, "Sam again, thanks", "you're welcome")
    await store.save(tracker)

    assert stored_texts(database, "visitor")[::2] == [
        "[NAME]",
        "[PHONE]",
        "[CALLBACK TIME]",
        "English",  # not personal: kept
        "Sam again, thanks",  # after the form: only pattern redaction applies
    ]
    rows = repr(stored_rows(database, "visitor"))
    for secret in ("five five five", "after my shift", "Dana", "'Sam'"):
        assert secret not in rows


async def test_a_request_finds_the_conversation_it_saved_without_reading_it_back(
    database: str,
) -> None:
    """The REST channel's staff messages come from it: one database read less per message."""
    store = RedactingSQLTrackerStore(DOMAIN, host=database)

    async def request(sender: str) -> tuple[object, object]:
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        turn(tracker, "is it addictive?", "answer one")
        await store.save(tracker)
        return tracker, tracker_saved_in_this_request(sender)

    saved, found = await asyncio.create_task(request("visitor"))
    assert found is saved
    assert tracker_saved_in_this_request("visitor") is None  # another request (task): nothing
    other, _ = await asyncio.create_task(request("another visitor"))
    assert other is not saved


class RecordingBroker(EventBroker):
    """An event broker that keeps what it is given."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


async def test_the_event_broker_gets_the_events_as_the_database_stores_them(
    database: str,
) -> None:
    broker = RecordingBroker()
    store = RedactingSQLTrackerStore(DOMAIN, host=database, event_broker=broker)
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    turn(tracker, "is it addictive?", "answer one")
    await store.save(tracker)
    tracker.update(SlotSet("requested_slot", "callback_name"))
    turn(tracker, "Sam", "next question")  # a bare name: only the form knows it is one
    tracker.update(SlotSet("callback_name", "Sam"))
    tracker.update(SlotSet("requested_slot", None))
    tracker.update(
        UserUttered(
            "my son tyler took 10 of my klonopin, call 816-555-0147",
            {"name": "report_emergency", "confidence": 0.99},
            [{"entity": "substance", "value": "tyler", "start": 7, "end": 12}],
        )
    )
    tracker.update(SlotSet("topic", "tyler"))
    await store.save(tracker)

    assert [event.get("sender_id") for event in broker.published] == ["visitor"] * len(
        tracker.events
    )
    assert [
        {key: value for key, value in event.items() if key != "sender_id"}
        for event in broker.published
    ] == stored_events(database, "visitor")
    published = repr(broker.published)
    for secret in ("Sam", "tyler", "816-555-0147"):
        assert secret not in published
