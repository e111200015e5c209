"""What the nearest training examples say a message is: a second opinion for the FAQ gate.

On long, story-like questions the ResponseSelector often ranks the right answer first but
unsure (0.3-0.6, under the ResponseConfidenceGate's threshold), and the visitor gets "Did
you mean ...?" for a question the article answers. This component gives an independent
opinion from the multilingual sentence encoder: the vectors of every training example, each
labelled with its answer (``faq/<topic>``) or, outside the FAQ, its intent. For a message it
sums the similarities of its `neighbours` nearest examples per label and names the label
with the largest sum. The gate gives an unsure answer when this label is the same answer
(response_confidence_gate.py); the label alone never answers anything.

In a long message told as a story it also names the label of the question sentence alone
(`question_label`, question_sentences.py): the story's words can outweigh the question's.
The parse data records under ``faq_neighbours`` the labels, the whole message's label's share
of the summed similarity and the nearest example's similarity (numbers and labels only,
never text).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.sentence_encoder import DIMENSIONS, one_blas_thread
from nlu_components.sentence_featurizer import (
    question_vector,
    sentence_vectors,
    training_similarities,
    vectors_digest,
)
from nlu_components.typed_text import typed_text

NEIGHBOURS_KEY = "faq_neighbours"
VECTORS_FILE = "labelled_examples.npz"


def training_label(message: Message) -> str | None:
    """'faq/<topic>' for an FAQ example, the intent for any other, None without either."""
    return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)


def labelled_training_vectors(training_data: TrainingData) -> tuple[np.ndarray, List[str]]:
    """The sentence vectors of the training examples that have a label, and their labels."""
    examples = [m for m in training_data.intent_examples if m.get(TEXT) and training_label(m)]
    return sentence_vectors(examples), [str(training_label(m)) for m in examples]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqNeighbours(GraphComponent):
    """Names the answer (or intent) of a message's nearest training examples."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        # 3 chosen on the dev splits of the independent questions (docs/nlu-evaluation.md).
        return {"neighbours": 3}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectors: np.ndarray | None = None,
        labels: List[str] | None = None,
    ) -> None:
        """Keeps the labelled vectors (none before training)."""
        self.neighbours = int(config["neighbours"])
        self._model_storage = model_storage
        self._resource = resource
        self.vectors = vectors if vectors is not None else np.zeros((0, DIMENSIONS), np.float32)
        self.labels = labels or []
        self.digest = vectors_digest(self.vectors)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaqNeighbours:
        """Creates the component before training (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Stores every labelled training example's vector and label."""
        vectors, labels = labelled_training_vectors(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / VECTORS_FILE, vectors=vectors, labels=np.array(labels, dtype=str))
        self.vectors, self.labels = vectors, labels
        self.digest = vectors_digest(vectors)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FaqNeighbours:
        """Loads the vectors and labels stored by `train`."""
        with model_storage.read_from(resource) as directory:
            stored = np.load(directory / VECTORS_FILE)
            vectors = np.asarray(stored["vectors"], dtype=np.float32)
            labels = [str(label) for label in stored["labels"]]
        return cls(config, model_storage, resource, vectors, labels)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data as it is."""
        return training_data

    def vote(self, vector: np.ndarray) -> Dict[str, Any] | None:
        """The label of the nearest examples, its share of their similarity, the nearest one's."""
        return self.vote_by(self.vectors @ vector.astype(np.float32)) if self.labels else None

    def vote_by(self, similarities: np.ndarray) -> Dict[str, Any] | None:
        """As `vote`, given the similarities with every example."""
        if not self.labels:
            return None
        count = min(self.neighbours, len(self.labels))
        nearest = np.argpartition(-similarities, count - 1)[:count]
        nearest = nearest[np.argsort(-similarities[nearest], kind="stable")]  # ties: the nearest
        sums: Dict[str, float] = defaultdict(float)
        for index in nearest:
            sums[self.labels[index]] += max(float(similarities[index]), 0.0)
        label = max(sums, key=lambda name: sums[name])
        total = sum(sums.values())
        return {
            "label": label,
            "share": round(sums[label] / total, 3) if total else 0.0,
            "similarity": round(float(similarities[nearest].max()), 3),
        }

    def process(self, messages: List[Message]) -> List[Message]:
        """Records the nearest examples' label on every typed message."""
        with one_blas_thread():
            for message in messages:
                text = typed_text(message)
                if text is None:
                    continue  # button payloads are already exact
                found = self.vote_by(training_similarities(message, self.vectors, self.digest))
                question = question_vector(message, text) if found else None
                if found and question is not None:
                    # a long story's question alone: "... Is klonopin actually addictive?"
                    found["question_label"] = (self.vote(question) or {}).get("label")
                if found:
                    message.set(NEIGHBOURS_KEY, found, add_to_output=True)
        return messages
