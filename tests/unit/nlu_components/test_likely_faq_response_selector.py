from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from actions import faq_topics
from nlu_components.likely_faq_response_selector import (
    LIKELY_FAQ_RANKS,
    LikelyFaqResponseSelector,
    without_answer_texts,
)


@pytest.fixture
def selector(tmp_path: Path) -> LikelyFaqResponseSelector:
    config = {**LikelyFaqResponseSelector.get_default_config(), "retrieval_intent": "faq"}
    context = ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]
    return LikelyFaqResponseSelector.create(
        config, LocalModelStorage(tmp_path), Resource("selector"), context
    )


def ranked(*intents: str) -> Message:
    ranking = [{"name": name, "confidence": 0.9 - 0.1 * i} for i, name in enumerate(intents)]
    return Message(data={"text": "a visitor message", "intent_ranking": ranking})


@pytest.mark.parametrize(
    ("message", "selected"),
    [
        (ranked("faq", "greet", "affirm"), True),  # an FAQ question
        (ranked("ask_interaction", "faq", "greet"), True),  # "Did you mean" may offer topics
        (ranked("greet", "affirm", "faq"), False),  # "hello": no answer to select
        (Message(data={"text": "no classifier ran"}), True),
    ],
)
def test_an_answer_is_selected_only_for_messages_that_may_be_faq_questions(
    selector: LikelyFaqResponseSelector, message: Message, selected: bool
) -> None:
    assert selector.may_be_faq(message) is selected


def test_a_greeting_is_left_as_it_is(selector: LikelyFaqResponseSelector) -> None:
    message = ranked("greet", "affirm", "thank")
    before = dict(message.data)

    selector.process([message])

    assert message.data == before


def test_selects_for_the_same_messages_that_did_you_mean_treats_as_faq_questions() -> None:
    # "Did you mean ...?" offers topics only when faq ranks this high; the selector must run then.
    assert LIKELY_FAQ_RANKS == faq_topics.LIKELY_FAQ_RANKS


def test_the_parse_data_keeps_the_chosen_answer_but_not_its_texts() -> None:
    # The reply comes from domain.yml by the utter action; the texts only made every stored
    # message and every call to the action server ~1.5 kB bigger.
    chosen = {
        "responses": [{"text": "Yes, clonazepam can be addictive. ..."}],
        "confidence": 0.99,
        "intent_response_key": "faq/addictive",
        "utter_action": "utter_faq/addictive",
    }
    ranking = [{"confidence": 0.99, "intent_response_key": "faq/addictive"}]
    message = Message(
        data={
            "text": "is klonopin addictive?",
            "response_selector": {
                "all_retrieval_intents": ["faq"],
                "faq": {"response": dict(chosen), "ranking": ranking},
            },
        }
    )

    without_answer_texts(message)

    selected = message.get("response_selector")["faq"]
    assert selected["response"] == {**chosen, "responses": []}
    assert selected["ranking"] == ranking  # "Did you mean ...?" offers topics from it
