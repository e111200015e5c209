from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_topics import load_catalogue
from actions.suggest_topics import SUGGESTION_SLOTS, ActionSuggestTopics
from tests.support.trackers import tracker_with


def unclear_message_tracker(
    intents: list[str], ranking: list[tuple[str, float]], language: str = "en"
) -> Tracker:
    latest_message = {
        "text": "an unclear visitor message",
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}]
        + [{"name": name, "confidence": 0.3} for name in intents],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {"intent_response_key": f"faq/{ranking[0][0]}", "confidence": 0.3},
                "ranking": [
                    {"intent_response_key": f"faq/{key}", "confidence": confidence}
                    for key, confidence in ranking
                ],
            },
        },
    }
    return tracker_with(
        latest_message, slots={"language": language}, latest_action_name="action_listen"
    )


async def run(tracker: Tracker, domain: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSuggestTopics().run(dispatcher, tracker, domain)
    return events, dispatcher.messages


async def test_suggests_the_three_closest_questions(domain: dict[str, Any]) -> None:
    tracker = unclear_message_tracker(
        ["faq", "help"],
        [("withdrawal_symptoms", 0.4), ("stopping_safely", 0.35), ("detox", 0.2), ("uses", 0.05)],
    )
    events, messages = await run(tracker, domain)

    catalogue = load_catalogue()
    assert events == [
        SlotSet("has_topic_suggestions", True),
        SlotSet("suggested_topic_1", catalogue["withdrawal_symptoms"].question),
        SlotSet("suggested_topic_2", catalogue["stopping_safely"].question),
        SlotSet("suggested_topic_3", catalogue["detox"].question),
    ]
    assert messages == []  # utter_did_you_mean shows them, uttered by a rule


async def test_a_spanish_conversation_gets_the_questions_in_spanish(
    domain: dict[str, Any],
) -> None:
    tracker = unclear_message_tracker(
        ["faq"], [("addictive", 0.4), ("detox", 0.35), ("uses", 0.2)], language="es"
    )
    events, _ = await run(tracker, domain)
    assert [event["value"] for event in events[1:]] == [
        "¿El clonazepam es adictivo?",
        load_catalogue()["detox"].question_es,
        load_catalogue()["uses"].question_es,
    ]


async def test_no_suggestions_for_a_message_that_is_not_an_faq(domain: dict[str, Any]) -> None:
    tracker = unclear_message_tracker(
        ["out_of_scope", "greet"], [("uses", 0.4), ("detox", 0.3), ("inpatient", 0.2)]
    )
    events, _ = await run(tracker, domain)

    assert events[0] == SlotSet("has_topic_suggestions", False)
    assert all(event["value"] is None for event in events[1:])


async def test_suggestion_slots_and_buttons_exist_in_the_domain(domain: dict[str, Any]) -> None:
    assert set(SUGGESTION_SLOTS) | {"has_topic_suggestions"} <= set(domain["slots"])
    for variation in domain["responses"]["utter_did_you_mean"]:  # English and Spanish
        for slot in SUGGESTION_SLOTS:
            assert {"title": f"{{{slot}}}", "payload": f"{{{slot}}}"} in variation["buttons"]
    assert ActionSuggestTopics().name() in domain["actions"]
