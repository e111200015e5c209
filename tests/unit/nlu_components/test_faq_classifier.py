from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.faq_classifier import CLASSIFIER_KEY, FaqClassifier
from tests.support.nlu_training import training_data as inline_training_data

TRAINING = [
    ("how long do withdrawal symptoms last", "faq", "faq/withdrawal_symptoms"),
    ("what happens when you stop klonopin suddenly", "faq", "faq/withdrawal_symptoms"),
    ("cuanto duran los sintomas de abstinencia", "faq", "faq/withdrawal_symptoms"),
    ("what does a detox program do", "faq", "faq/detox"),
    ("do i need medical detox to get off benzos", "faq", "faq/detox"),
    ("how much should i take", "ask_dose_or_prescription", None),
    ("what should my dose be", "ask_dose_or_prescription", None),
]
STORY = (
    "My brother has taken klonopin for years and his pharmacy was closed all weekend. "
    "He ran out on Friday and felt shaky and sick until Monday. "
    "Should he go to a medical detox program to get off it?"
)


def training_data() -> TrainingData:
    return inline_training_data(TRAINING)


def write_labelled(directory: Path, questions: list[dict[str, str]]) -> None:
    directory.mkdir(exist_ok=True)
    (directory / "questions_dev.yml").write_text(yaml.safe_dump({"questions": questions}))


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    (tmp_path / "model").mkdir()
    return LocalModelStorage(tmp_path / "model")


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]


def trained(storage: LocalModelStorage, context: ExecutionContext, **config: str) -> FaqClassifier:
    classifier = FaqClassifier.create(
        {**FaqClassifier.get_default_config(), **config}, storage, Resource("c"), context
    )
    classifier.train(training_data())
    return classifier


def test_a_long_story_gets_the_answer_of_its_question(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    classifier = trained(storage, context)

    [message] = classifier.process([Message(data={"text": STORY})])

    found = message.get(CLASSIFIER_KEY)
    assert found["label"] == "faq/detox"
    assert 0 < found["probability"] <= 1
    assert CLASSIFIER_KEY in message.as_dict(only_output_properties=True)


def test_a_button_payload_is_not_classified(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    classifier = trained(storage, context)
    [message] = classifier.process([Message(data={"text": "/faq/detox"})])
    assert message.get(CLASSIFIER_KEY) is None


def test_labelled_questions_teach_it_and_an_unknown_topic_is_left_out(
    storage: LocalModelStorage, context: ExecutionContext, tmp_path: Path
) -> None:
    directory = tmp_path / "labelled"
    write_labelled(
        directory,
        [
            {
                "text": "can my aunt bring her klonopin on a plane to mexico",
                "lang": "en",
                "topic": "none",
            },
            {"text": "is there a detox place near me for benzos", "lang": "en", "topic": "detox"},
            {"text": "what colour is the pill", "lang": "en", "topic": "renamed_topic"},
        ],
    )
    classifier = trained(storage, context, labelled_messages=str(directory))

    assert classifier.model is not None
    assert set(classifier.model.classes_) == {
        "faq/withdrawal_symptoms",
        "faq/detox",
        "ask_dose_or_prescription",
        "none",
    }


def test_the_loaded_classifier_answers_as_the_trained_one(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    trained_one = trained(storage, context)
    config = FaqClassifier.get_default_config()
    loaded = FaqClassifier.load(config, storage, Resource("c"), context)

    [before] = trained_one.process([Message(data={"text": STORY})])
    [after] = loaded.process([Message(data={"text": STORY})])

    assert after.get(CLASSIFIER_KEY) == before.get(CLASSIFIER_KEY)


def test_changed_labelled_questions_are_fitted_again_on_load(
    storage: LocalModelStorage, context: ExecutionContext, tmp_path: Path
) -> None:
    directory = tmp_path / "labelled"
    write_labelled(directory, [{"text": "detox for benzos", "lang": "en", "topic": "detox"}])
    trained(storage, context, labelled_messages=str(directory))
    write_labelled(
        directory,
        [{"text": "can my aunt bring klonopin to mexico", "lang": "en", "topic": "none"}],
    )
    config = {**FaqClassifier.get_default_config(), "labelled_messages": str(directory)}

    loaded = FaqClassifier.load(config, storage, Resource("c"), context)

    assert loaded.model is not None and "none" in set(loaded.model.classes_)
