from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_topics import load_catalogue
from actions.offer_intake import ActionOfferIntake
from tests.support.trackers import tracker_with

CATALOGUE = load_catalogue()


def tracker_after_answer(topic: str, intent: str = "faq", offered: bool = False) -> Tracker:
    latest_message = {
        "text": "a visitor question",
        "intent": {"name": intent, "confidence": 0.98},
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": 0.9}},
        },
    }
    return tracker_with(
        latest_message,
        slots={"intake_offered": offered, "intake_offer_due": False},
        latest_action_name="utter_faq",
    )


async def run(tracker: Tracker, domain: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ActionOfferIntake().run(dispatcher, tracker, domain)
    return events, dispatcher.messages


@pytest.mark.parametrize("topic", sorted(CATALOGUE))
async def test_offer_is_due_after_the_answers_the_registry_flags_only(
    topic: str, domain: dict[str, Any]
) -> None:
    events, messages = await run(tracker_after_answer(topic), domain)

    due = CATALOGUE[topic].offers_intake
    assert SlotSet("intake_offer_due", due) in events
    assert (SlotSet("intake_offered", True) in events) is due
    assert SlotSet("contact_due", CATALOGUE[topic].shows_contact) in events
    assert messages == []  # the offer itself is the domain response, uttered by a rule


@pytest.mark.parametrize(
    "topic, offers",
    [
        ("addictive", True),
        ("withdrawal_symptoms", True),
        ("stopping_safely", True),
        ("detox", True),
        ("treatment_options", True),
        ("what_is", False),
        ("overdose", False),
        ("interactions_overview", False),
        ("location", False),
    ],
)
def test_addiction_withdrawal_stopping_detox_and_treatment_answers_offer_the_intake_team(
    topic: str, offers: bool
) -> None:
    """Examples of the rule the registry's `offers_intake` flags follow."""
    assert CATALOGUE[topic].offers_intake is offers


async def test_offer_is_made_once_per_conversation(domain: dict[str, Any]) -> None:
    events, _ = await run(tracker_after_answer("detox", offered=True), domain)
    assert events == [SlotSet("intake_offer_due", False), SlotSet("contact_due", False)]


async def test_where_the_center_is_brings_its_contact_details_every_time(
    domain: dict[str, Any],
) -> None:
    for offered in (False, True):
        events, _ = await run(tracker_after_answer("location", offered=offered), domain)
        assert events == [SlotSet("intake_offer_due", False), SlotSet("contact_due", True)]


async def test_no_offer_without_an_faq_answer(domain: dict[str, Any]) -> None:
    events, _ = await run(tracker_after_answer("detox", intent="nlu_fallback"), domain)
    assert events == [SlotSet("intake_offer_due", False), SlotSet("contact_due", False)]


async def test_sets_only_slots_the_domain_declares(domain: dict[str, Any]) -> None:
    events, _ = await run(tracker_after_answer("detox"), domain)
    assert {event["name"] for event in events} <= set(domain["slots"])
    assert ActionOfferIntake().name() in domain["actions"]
