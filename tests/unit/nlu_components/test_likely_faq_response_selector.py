from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from actions import faq_topics
from nlu_components.likely_faq_response_selector import LIKELY_FAQ_RANKS, LikelyFaqResponseSelector


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
