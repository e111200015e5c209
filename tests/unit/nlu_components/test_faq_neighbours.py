from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.faq_neighbours import NEIGHBOURS_KEY, FaqNeighbours
from tests.support.nlu_training import training_data as inline_training_data

TRAINING = [
    ("how long do withdrawal symptoms last", "faq", "faq/withdrawal_symptoms"),
    ("what happens when you stop klonopin suddenly", "faq", "faq/withdrawal_symptoms"),
    ("cuanto duran los sintomas de abstinencia", "faq", "faq/withdrawal_symptoms"),
    ("what does a detox program do", "faq", "faq/detox"),
    ("do i need medical detox to get off benzos", "faq", "faq/detox"),
    ("how much should i take", "ask_dose_or_prescription", None),
]


def training_data() -> TrainingData:
    return inline_training_data(TRAINING)


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]


def test_a_story_like_question_gets_the_label_of_its_nearest_examples(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    neighbours = FaqNeighbours.create({"neighbours": 3}, storage, Resource("n"), context)
    neighbours.train(training_data())
    story = "my wife ran out of her klonopin and feels awful, how long will this last"
    message = Message(data={"text": story})

    [message] = neighbours.process([message])

    found = message.get(NEIGHBOURS_KEY)
    assert found["label"] == "faq/withdrawal_symptoms"
    assert 0 < found["share"] <= 1 and 0 < found["similarity"] <= 1
    assert NEIGHBOURS_KEY in message.as_dict(only_output_properties=True)


def test_a_long_story_also_gets_the_label_of_its_question_alone(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    neighbours = FaqNeighbours.create({"neighbours": 3}, storage, Resource("n"), context)
    neighbours.train(training_data())
    story = (
        "My brother has taken klonopin for years and his pharmacy was closed all weekend. "
        "He ran out on Friday and felt shaky and sick until Monday. "
        "Should he go to a medical detox program to get off it?"
    )
    [message] = neighbours.process([Message(data={"text": story})])

    assert message.get(NEIGHBOURS_KEY)["question_label"] == "faq/detox"


def test_a_short_message_has_no_separate_question_label(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    neighbours = FaqNeighbours.create({"neighbours": 3}, storage, Resource("n"), context)
    neighbours.train(training_data())
    [message] = neighbours.process([Message(data={"text": "what does detox do"})])

    assert "question_label" not in message.get(NEIGHBOURS_KEY)


def test_the_labels_survive_saving_and_loading(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    resource = Resource("n")
    trained = FaqNeighbours.create({"neighbours": 3}, storage, resource, context)
    trained.train(training_data())

    loaded = FaqNeighbours.load({"neighbours": 3}, storage, resource, context)

    text = "do i have to go to a detox clinic to quit"
    [first] = trained.process([Message(data={"text": text})])
    [second] = loaded.process([Message(data={"text": text})])
    assert second.get(NEIGHBOURS_KEY) == first.get(NEIGHBOURS_KEY)
    assert second.get(NEIGHBOURS_KEY)["label"] == "faq/detox"


def test_buttons_and_an_untrained_component_record_nothing(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    untrained = FaqNeighbours.create({"neighbours": 3}, storage, Resource("n"), context)
    [typed] = untrained.process([Message(data={"text": "is klonopin addictive"})])
    assert typed.get(NEIGHBOURS_KEY) is None

    untrained.train(training_data())
    [button] = untrained.process([Message(data={"text": "/faq/detox"})])
    assert button.get(NEIGHBOURS_KEY) is None
