"""The contact request router: a person wanted, by phone call or not, decided by the words."""

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.contact_request_router import (
    ROUTER_KEY,
    ContactRequestRouter,
    asks_to_be_called,
)


def classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    data: dict[str, Any] = {"text": text, "intent": intents[0], "intent_ranking": intents}
    return Message(data=data, output_properties=set(data))


def routed(text: str, ranking: list[tuple[str, float]]) -> Message:
    router = ContactRequestRouter.create({}, None, None, None)  # type: ignore[arg-type]
    return router.process([classified(text, ranking)])[0]


@pytest.mark.parametrize(
    "text",
    [
        "could somebody from your team phone me tomorrow",
        "can someone call me back",
        "i'd like a callback",
        "please give me a call after work",
        "can you ring my son instead",
        "¿me pueden llamar mañana?",
        "quiero que me llamen por la tarde",
        "llámenme por favor",
        "que me devuelvan la llamada",
    ],
)
def test_asking_to_be_called_is_recognised(text: str) -> None:
    assert asks_to_be_called(text)


@pytest.mark.parametrize(
    "text",
    [
        "can i talk to someone please",
        "should i call 911",
        "i want to call you guys",
        "do you take my insurance",
        "mi hermano no me llama",
        "quiero llamar al centro",  # the visitor calls: the intake prompt's number
    ],
)
def test_other_messages_do_not_ask_to_be_called(text: str) -> None:
    assert not asks_to_be_called(text)


def test_a_call_me_read_as_intake_becomes_a_callback_request() -> None:
    message = routed(
        "could somebody from your team phone me tomorrow",
        [("request_intake", 0.6), ("request_callback", 0.3)],
    )
    assert message.get("intent") == {"name": "request_callback", "confidence": pytest.approx(0.9)}
    assert message.get(ROUTER_KEY) == {"intent_before": "request_intake"}


def test_a_split_confidence_is_a_contact_request_not_a_fallback() -> None:
    message = routed(
        "can i talk to someone please",
        [("nlu_fallback", 0.4), ("request_intake", 0.3), ("request_callback", 0.25), ("faq", 0.1)],
    )
    assert message.get("intent")["name"] == "request_intake"


@pytest.mark.parametrize(
    "ranking",
    [
        # Not enough of a contact request, or another intent is more likely.
        [("nlu_fallback", 0.4), ("request_intake", 0.2), ("request_callback", 0.1)],
        [("nlu_fallback", 0.4), ("faq", 0.39), ("request_intake", 0.2), ("request_callback", 0.15)],
        [("faq", 0.9), ("request_intake", 0.05)],
    ],
)
def test_other_messages_keep_their_intent(ranking: list[tuple[str, float]]) -> None:
    message = routed("can someone call me back", ranking)
    assert message.get("intent")["name"] == ranking[0][0]
    assert message.get(ROUTER_KEY) is None


def test_without_words_asking_for_a_call_it_is_the_intake_prompt() -> None:
    # The intake prompt offers the callback too, with the number to call now.
    message = routed("can i talk to someone please", [("request_callback", 0.8)])
    assert message.get("intent")["name"] == "request_intake"
    assert message.get(ROUTER_KEY) == {"intent_before": "request_callback"}
