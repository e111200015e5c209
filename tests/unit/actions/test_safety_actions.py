from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionCrisisSupport, ActionEmergencyGuidance
from tests.support.trackers import tracker_with

ACTIONS = [ActionEmergencyGuidance(), ActionCrisisSupport()]


def tracker_after(
    intent: str, safety_net: dict[str, Any] | None, semantic: dict[str, Any] | None = None
) -> Any:
    latest_message: dict[str, Any] = {
        "text": "a visitor message",
        "intent": {"name": intent, "confidence": 1.0},
    }
    if safety_net:
        latest_message["safety_net"] = safety_net
    if semantic:
        latest_message["semantic_safety"] = semantic
    return tracker_with(latest_message, slots={}, latest_action_name="utter_emergency_911")


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name())
async def test_records_the_pattern_that_recognised_the_message(
    action: Any, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_after("report_emergency", {"pattern": "not_breathing"})

    events = await action.run(dispatcher, tracker, domain)

    assert events == [SlotSet("safety_reason", "not_breathing")]
    assert dispatcher.messages == []  # the words come from the domain response, first


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name())
async def test_records_the_classifier_when_no_pattern_fired(
    action: Any, domain: dict[str, Any]
) -> None:
    events = await action.run(CollectingDispatcher(), tracker_after("express_crisis", None), domain)
    assert events == [SlotSet("safety_reason", "classifier")]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name())
async def test_records_the_nearest_group_and_score_when_the_semantic_net_fired(
    action: Any, domain: dict[str, Any]
) -> None:
    semantic = {"fired": True, "group": "farewell_behaviour", "score": 0.6172, "route": "crisis"}
    tracker = tracker_after("express_crisis", None, semantic)
    events = await action.run(CollectingDispatcher(), tracker, domain)
    assert events == [SlotSet("safety_reason", "meaning:farewell_behaviour 0.62")]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name())
async def test_records_the_probability_when_the_semantic_nets_classifier_fired(
    action: Any, domain: dict[str, Any]
) -> None:
    semantic = {
        "fired": True,
        "by": "classifier",
        "group": "hoarding_pills",
        "score": 0.41,
        "classifier_probability": 0.836,
        "route": "crisis",
    }
    tracker = tracker_after("express_crisis", None, semantic)
    events = await action.run(CollectingDispatcher(), tracker, domain)
    assert events == [SlotSet("safety_reason", "meaning:classifier 0.84")]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name())
def test_action_and_its_slot_are_in_the_domain(action: Any, domain: dict[str, Any]) -> None:
    assert action.name() in domain["actions"]
    assert "safety_reason" in domain["slots"]
