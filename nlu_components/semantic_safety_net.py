"""The semantic safety net: emergencies and crises recognised by meaning, in English and Spanish.

The pattern net (safety_net.py) knows the words its patterns list; DIET knows the words of
its training data. This net compares the meaning of the message, as the multilingual sentence
encoder sees it, with two kinds of known messages:

- the curated, reviewable exemplars of safety_exemplars.yml (English and Spanish, a `why`
  per group), read when the model is loaded, so an edited file takes effect on restart
  (their vectors are stored at training time and reused while the file is unchanged);
- the messages independent writers wrote and labelled (labelled_messages.py: the dev splits of
  #15 once they had served), embedded at training time and, like the exemplars, again at load
  if their files changed;
- the training examples of data/nlu.yml, embedded at training time: the safety intents'
  examples count as emergency / crisis / extra dose, every other intent's as informational.

It runs after the pattern net. It has two opinions: the nearest neighbours (the nearest
safety example is close enough, `threshold`, and no informational example is closer by more
than `margin`) and a linear classifier fitted on the same bank (safety_classifier.py; the
message is at least `classifier_min_probability` unsafe). All four numbers were chosen on
tuning data only (docs/safety-evaluation.md). When either opinion names a route it routes the
message (the nearest neighbours' route first), unless a more urgent intent is already
set: an emergency or a crisis outranks an accidental extra dose, which it can upgrade. Either net
firing routes. The parse data records under ``semantic_safety`` the route, the similarity
score, the nearest group and its `why`, the classifier's probability, which opinion fired
(`by`), whether it fired, and `caution`, for staff. It never turns an
emergency into a crisis or the other way round, except in Spanish, which DIET never learnt:
in English the pattern net and DIET decide between those two.

Below those lines, a message may still be about danger. It is marked `caution` when it was not
routed to an emergency, crisis or extra dose, and either one of the net's opinions found an
emergency or crisis route it was not allowed to take (the dose guard had read it as a dose
question: "I'm saving them up for a specific reason", a prescription question), or DIET gave
an emergency or crisis at least `caution_min_classifier_confidence`. The first reply to it
then starts with 911 and 988 (channels/safety_caution.py); the answer follows unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from content.languages import SPANISH
from content.safety_intents import ALARM_INTENTS, EMERGENCY_INTENT, EXTRA_DOSE_INTENT
from nlu_components.dose_question_guard import DOSE_INTENT, GUARD_KEY, DoseQuestionGuard
from nlu_components.labelled_messages import configured_files, messages_digest, read_message_files
from nlu_components.language_detector import language_of
from nlu_components.pattern_router import set_intent
from nlu_components.response_confidence_gate import GATE_KEY as RESPONSE_GATE_KEY
from nlu_components.safety_classifier import RouteClassifier
from nlu_components.safety_exemplars import (
    DEFAULT_EXEMPLARS_FILE,
    ROUTE_INTENTS,
    Exemplar,
    ExemplarBank,
    exemplar_bank,
    exemplars_digest,
    read_exemplars,
    training_exemplar,
)
from nlu_components.safety_net import SAFETY_NET_KEY
from nlu_components.sentence_encoder import DIMENSIONS, one_blas_thread
from nlu_components.sentence_featurizer import (
    sentence_vector,
    sentence_vectors,
    training_similarities,
    vectors_digest,
)
from nlu_components.typed_text import typed_text

SEMANTIC_SAFETY_KEY = "semantic_safety"
# Most urgent first: a route replaces the current intent only if it comes earlier here.
URGENCY = list(ROUTE_INTENTS.values())
# Between an emergency and a crisis the pattern net and DIET decide in English: nearest
# neighbours confuse "took the whole bottle" with "thinking about taking the whole bottle".
DECIDED = frozenset(ALARM_INTENTS)
# What the classifiers said of a message they did not read as a question about medicine:
# what the dose guard counts as not understood, and "out of scope".
NOT_UNDERSTOOD_INTENTS = DoseQuestionGuard.UNSURE_INTENTS | {"out_of_scope"}
# The intents whose reply is a safety script: no caution line before it.
ROUTED_INTENTS = frozenset(URGENCY)
TRAINING_VECTORS_FILE = "training_examples.npz"


def exemplars_file(config: Dict[str, Any]) -> Path:
    """The exemplar file of the config (None: the project's)."""
    path = config.get("exemplars_file")
    return Path(path) if path else DEFAULT_EXEMPLARS_FILE


def urgency(intent: str | None) -> int:
    """0 for an emergency, 1 for a crisis, 2 for an extra dose, 3 for anything else."""
    return URGENCY.index(intent) if intent in URGENCY else len(URGENCY)


def needs_caution(
    intent: str | None,
    found_route: str | None,
    ranking: List[Dict[str, Any]],
    min_confidence: float,
) -> bool:
    """Whether a message routed to `intent` may still be about danger (see the module doc)."""
    if intent in ROUTED_INTENTS:
        return False
    if found_route is not None and ROUTE_INTENTS[found_route] in DECIDED:
        return True
    return any(
        entry.get(INTENT_NAME_KEY) in DECIDED
        and float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= min_confidence
        for entry in ranking
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SemanticSafetyNet(GraphComponent):
    """Routes a message to an emergency, crisis or extra-dose intent by its nearest examples."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        # The values chosen on the dev split (config.yml repeats them, where they are tuned).
        return {
            "threshold": 0.45,
            "margin": 0.0,
            "classifier_c": 8.0,
            "classifier_min_probability": 0.7,
            "caution_min_classifier_confidence": 0.1,
            "exemplars_file": None,
            "labelled_messages": None,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        training: List[Exemplar] | None = None,
        training_vectors: np.ndarray | None = None,
        exemplar_vectors: np.ndarray | None = None,
        labelled_vectors: np.ndarray | None = None,
    ) -> None:
        """Reads the exemplars and labelled messages (embedded unless their vectors are given).

        The training examples, embedded at training time, are added when given.
        """
        self.threshold = float(config["threshold"])
        self.margin = float(config["margin"])
        self.min_probability = float(config["classifier_min_probability"])
        self.caution_min_confidence = float(config["caution_min_classifier_confidence"])
        self._model_storage = model_storage
        self._resource = resource
        self.exemplars_file = exemplars_file(config)
        exemplars: ExemplarBank = (
            exemplar_bank(self.exemplars_file)
            if exemplar_vectors is None
            else ExemplarBank(read_exemplars(self.exemplars_file), exemplar_vectors)
        )
        self.labelled_files = configured_files(config)
        self.labelled = ExemplarBank(read_message_files(self.labelled_files), labelled_vectors)
        self.bank = exemplars.extended(self.labelled.exemplars, self.labelled.vectors)
        self.exemplar_vectors = exemplars.vectors
        # The training examples' similarities come from training_similarities, made once per
        # message for this net and FaqNeighbours; the rest of the bank's are made here.
        self.own_vectors = self.bank.vectors
        self.training_vectors = np.zeros((0, DIMENSIONS), np.float32)
        if training and training_vectors is not None:
            self.bank = self.bank.extended(training, training_vectors)
            self.own_vectors = self.bank.vectors[: len(self.own_vectors)]
            self.training_vectors = training_vectors
        self.training_digest = vectors_digest(self.training_vectors)
        self.classifier = RouteClassifier(self.bank, float(config["classifier_c"]))

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SemanticSafetyNet:
        """Creates the component before training (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Stores the training examples' vectors and intents, the exemplars' and the labelled."""
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        vectors = sentence_vectors(examples)
        intents = [str(m.get(INTENT)) for m in examples]
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                directory / TRAINING_VECTORS_FILE,
                vectors=vectors,
                intents=np.array(intents, dtype=str),
                exemplar_vectors=self.exemplar_vectors,
                exemplars_sha256=np.array(exemplars_digest(self.exemplars_file)),
                labelled_vectors=self.labelled.vectors,
                labelled_sha256=np.array(messages_digest(self.labelled_files)),
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
    ) -> SemanticSafetyNet:
        """Loads the vectors stored by `train`; the exemplars' and labelled ones if unchanged."""
        with model_storage.read_from(resource) as directory:
            stored = np.load(directory / TRAINING_VECTORS_FILE)
            training = [training_exemplar(str(intent)) for intent in stored["intents"]]
            vectors = np.asarray(stored["vectors"], dtype=np.float32)
            exemplar_vectors = None
            if str(stored.get("exemplars_sha256", "")) == exemplars_digest(exemplars_file(config)):
                exemplar_vectors = np.asarray(stored["exemplar_vectors"], dtype=np.float32)
            labelled_vectors = None
            files = configured_files(config)
            if str(stored.get("labelled_sha256", "")) == messages_digest(files):
                labelled_vectors = np.asarray(stored["labelled_vectors"], dtype=np.float32)
        return cls(
            config, model_storage, resource, training, vectors, exemplar_vectors, labelled_vectors
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data as it is."""
        return training_data

    @staticmethod
    def _routes(message: Message, intent: str | None, current: str | None) -> bool:
        """Whether the net's intent replaces the current one."""
        if intent is None:
            return False
        # DIET learnt English only: on Spanish its choices are noise.
        spanish = language_of(message)[0] == SPANISH
        # The dose question was a weak guess, not a reading of the message, when the gate gave
        # the referral to a fallback ("I don't see a way out of this anymore": dose question
        # 0.40) or the dose guard read a message the classifiers gave up on or took for small
        # talk (medication words alone: "not the pills, those wouldn't be enough"; "thank you
        # ... I won't be needing the refill after this week": out of scope).
        guard = message.get(GUARD_KEY) or {}
        guard_on_fallback = guard.get("classifier_intent") in NOT_UNDERSTOOD_INTENTS
        unsure = bool((message.get(RESPONSE_GATE_KEY) or {}).get("referral")) or guard_on_fallback
        if current == DOSE_INTENT and (
            (guard and not guard_on_fallback) or not (spanish or unsure)
        ):
            # A dose question ("should i take more"): referred to a doctor or pharmacist, not
            # an alarm; a lethal-dose question is the pattern net's, which runs before this.
            return False
        if (
            current == EXTRA_DOSE_INTENT
            and message.get(SAFETY_NET_KEY)
            and intent != EMERGENCY_INTENT
        ):
            # The pattern net read the words of an accident ("sin querer", "by mistake"); a
            # nearest example about keeping pills back is no reason to call it a crisis.
            # Danger signs still make it an emergency.
            return False
        if current not in DECIDED:
            return urgency(intent) < urgency(current)
        # An emergency or a crisis already: the pattern net and DIET decide between them,
        # except on a Spanish message the pattern net did not match.
        return (
            spanish and not message.get(SAFETY_NET_KEY) and intent in DECIDED and intent != current
        )

    def process(self, messages: List[Message]) -> List[Message]:
        """Routes each message whose nearest safety example is close enough."""
        for message in messages:
            if typed_text(message) is None:
                continue  # button payloads are already exact
            vector = sentence_vector(message)
            with one_blas_thread():
                similarities = np.concatenate(
                    [
                        self.own_vectors @ vector,
                        training_similarities(message, self.training_vectors, self.training_digest),
                    ]
                )
                found = self.bank.match_similarities(similarities, self.threshold, self.margin)
                guess = self.classifier.guess(vector, self.min_probability)
            by = "nearest" if found.route else "classifier" if guess.route else None
            route = found.route or guess.route
            intent = ROUTE_INTENTS[route] if route else None
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            fired = self._routes(message, intent, current)
            caution = needs_caution(
                intent if fired else current,
                found.route or guess.route,
                message.get(INTENT_RANKING_KEY) or [],
                self.caution_min_confidence,
            )
            record = {
                **found.as_dict(),
                "route": route,
                "classifier_probability": round(guess.probability, 3),
                "by": by,
                "fired": fired,
                "intent_before": current,
                "caution": caution,
            }
            message.set(SEMANTIC_SAFETY_KEY, record, add_to_output=True)
            if fired:
                confidence = found.score if found.route else guess.probability
                set_intent(message, str(intent), round(confidence, 3))
        return messages
