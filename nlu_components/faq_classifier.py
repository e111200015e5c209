"""A third opinion on which answer a message wants: a linear classifier over sentence vectors.

DIET and the ResponseSelector learn from the training examples' words; the nearest-neighbour
opinion (faq_neighbours.py) looks at the three closest examples only. When both are unsure,
the visitor gets "Did you mean ...?", even for a question the article answers, worded in a
way no example was. A logistic regression fitted on the multilingual sentence encoder's
vectors weighs every example at once, and it learns from the questions independent writers
labelled with their answer (labelled_messages.py, the served dev splits of #15), including
the ones the article does not answer (label ``none``), which draw such questions away from
the answers.

For a message the classifier names its most likely label and that label's probability; for
a long message told as a story, the mean of the whole message's probabilities and its
question sentence's (question_sentences.py). The ResponseConfidenceGate gives that answer to
a message it would otherwise send to "Did you mean ...?" when the probability is at least its
``classifier_min_probability`` (response_confidence_gate.py); the label alone never answers
anything. `C` and that probability were chosen by leave-one-writer-out on the labelled
questions (docs/nlu-evaluation.md), never on the test split. The parse data records, under
``faq_classifier``, the label and its probability (never text).

The classifier is fitted when the model is trained. If the labelled messages changed since,
it is fitted again when the model loads (a few seconds), as the semantic safety net does.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression

from nlu_components.faq_neighbours import labelled_training_vectors
from nlu_components.labelled_messages import (
    NO_ANSWER,
    configured_files,
    messages_digest,
    read_labelled_questions,
)
from nlu_components.question_sentences import question_of
from nlu_components.sentence_encoder import DIMENSIONS, encode_all, one_blas_thread
from nlu_components.sentence_featurizer import question_vector, sentence_vector
from nlu_components.typed_text import typed_text

logger = logging.getLogger(__name__)

CLASSIFIER_KEY = "faq_classifier"
VECTORS_FILE = "faq_classifier.npz"


def labelled_question_vectors(files: Sequence[Path]) -> tuple[np.ndarray, List[str]]:
    """Two vectors per labelled question (whole, question sentence), and their labels."""
    questions = read_labelled_questions(files)
    texts = [text for text, _ in questions]
    sentences = [question_of(text) or text for text in texts]
    if not texts:
        return np.zeros((0, DIMENSIONS), np.float32), []
    vectors = np.vstack([encode_all(texts), encode_all(sentences)]).astype(np.float32)
    return vectors, [label for _, label in questions] * 2


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqClassifier(GraphComponent):
    """Names a message's most likely answer (or intent) by a logistic regression."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        return {"c": 8.0, "labelled_messages": None}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LogisticRegression | None = None,
    ) -> None:
        """Keeps the fitted classifier (none before training)."""
        self.c = float(config["c"])
        self.labelled_files = configured_files(config)
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaqClassifier:
        """Creates the component before training (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def fit(
        self,
        vectors: np.ndarray,
        labels: List[str],
        labelled_vectors: np.ndarray,
        labelled: List[str],
    ) -> None:
        """Fits the classifier on the training examples and the labelled questions.

        A labelled question counts only with a label the training data has (an answer the
        bot can give) or `none`: a topic renamed since it was labelled is left out.
        """
        known = set(labels) | {NO_ANSWER}
        kept = [index for index, label in enumerate(labelled) if label in known]
        labelled_vectors = labelled_vectors[kept]
        every_label = labels + [labelled[index] for index in kept]
        if len(set(every_label)) < 2:
            self.model = None
            return
        with one_blas_thread():
            self.model = LogisticRegression(C=self.c, max_iter=3000).fit(
                np.vstack([vectors, labelled_vectors]), every_label
            )

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier; stores it with the vectors it was fitted on."""
        vectors, labels = labelled_training_vectors(training_data)
        labelled_vectors, labelled = labelled_question_vectors(self.labelled_files)
        self.fit(vectors, labels, labelled_vectors, labelled)
        model = self.model
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                directory / VECTORS_FILE,
                vectors=vectors,
                labels=np.array(labels, dtype=str),
                labelled_sha256=np.array(messages_digest(self.labelled_files)),
                classes=np.array(model.classes_ if model else [], dtype=str),
                coef=model.coef_ if model else np.zeros((0, DIMENSIONS)),
                intercept=model.intercept_ if model else np.zeros(0),
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FaqClassifier:
        """Loads the fitted classifier; fits it again if the labelled questions changed."""
        component = cls(config, model_storage, resource)
        with model_storage.read_from(resource) as directory:
            stored = np.load(directory / VECTORS_FILE)
            classes = [str(name) for name in stored["classes"]]
            if str(stored["labelled_sha256"]) == messages_digest(component.labelled_files):
                if classes:
                    component.model = LogisticRegression(C=component.c)
                    component.model.classes_ = np.array(classes)
                    component.model.coef_ = np.asarray(stored["coef"])
                    component.model.intercept_ = np.asarray(stored["intercept"])
                return component
            logger.info("The labelled questions changed since training: refitting.")
            labelled_vectors, labelled = labelled_question_vectors(component.labelled_files)
            component.fit(
                np.asarray(stored["vectors"], dtype=np.float32),
                [str(label) for label in stored["labels"]],
                labelled_vectors,
                labelled,
            )
        return component

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data as it is."""
        return training_data

    def guess(self, vector: np.ndarray, question: np.ndarray | None) -> Dict[str, Any] | None:
        """The most likely label and its probability (averaged with the question sentence's)."""
        if self.model is None:
            return None
        rows = [vector] if question is None else [vector, question]
        probabilities = self.model.predict_proba(np.vstack(rows)).mean(axis=0)
        best = int(np.argmax(probabilities))
        return {
            "label": str(self.model.classes_[best]),
            "probability": round(float(probabilities[best]), 3),
        }

    def process(self, messages: List[Message]) -> List[Message]:
        """Records the classifier's label on every typed message."""
        with one_blas_thread():
            for message in messages:
                text = typed_text(message)
                if text is None:
                    continue  # button payloads are already exact
                found = self.guess(sentence_vector(message), question_vector(message, text))
                if found:
                    message.set(CLASSIFIER_KEY, found, add_to_output=True)
        return messages
