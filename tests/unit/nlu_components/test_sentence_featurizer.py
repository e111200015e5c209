import numpy as np
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.sentence_featurizer import ALIAS, SentenceEncoderFeaturizer


def featurizer() -> SentenceEncoderFeaturizer:
    return SentenceEncoderFeaturizer(SentenceEncoderFeaturizer.get_default_config(), "encoder")


def sentence_vector(text: str) -> np.ndarray:
    [message] = featurizer().process([Message(data={"text": text})])
    sequence, sentence = message.get_dense_features("text", [ALIAS])
    assert sequence is None  # sentence features only; the sparse featurizers give tokens
    assert sentence is not None and sentence.features.shape == (1, 512)
    return sentence.features[0]


def test_the_same_text_always_gets_the_same_vector() -> None:
    text = "my brother took too many klonopin"
    assert np.array_equal(sentence_vector(text), sentence_vector(text))


def test_spanish_and_english_of_one_meaning_are_closer_than_other_meanings() -> None:
    english = sentence_vector("my son took a lot of pills and won't wake up")
    spanish = sentence_vector("mi hijo tomó muchas pastillas y no despierta")
    unrelated = sentence_vector("what are your opening hours")
    assert float(english @ spanish) > 0.7
    assert float(english @ spanish) > float(english @ unrelated) + 0.3


def test_training_examples_get_the_feature_and_empty_texts_none() -> None:
    data = TrainingData(
        [
            Message(data={"text": "is klonopin addictive", "intent": "faq"}),
            Message(data={"intent": "faq"}),
        ]
    )
    featurizer().process_training_data(data)
    with_text, without_text = data.training_examples
    assert with_text.get_dense_features("text", [ALIAS])[1] is not None
    assert without_text.get_dense_features("text", [ALIAS]) == (None, None)


def test_the_encoder_version_is_in_the_config_so_a_new_one_retrains() -> None:
    assert SentenceEncoderFeaturizer.get_default_config()["encoder_version"] == "0.2.1"
