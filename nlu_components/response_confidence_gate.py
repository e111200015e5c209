"""Turns a confident retrieval intent with an unsure sub-answer into a fallback.

Rasa's FallbackClassifier only looks at the intent. With retrieval intents the
intent ``faq`` often scores 0.99 while the ResponseSelector is unsure which FAQ
answer fits (rasa#9723, rasa#9751), and the bot then gives a random answer.
This component runs after the ResponseSelector and the FallbackClassifier: when
the selected answer's confidence is under ``threshold`` it predicts
``nlu_fallback`` the same way the FallbackClassifier does (keeping the original
ranking, so "Did you mean ...?" can offer the best topics) and records why in
the parse data under ``response_confidence_gate``.

The other way round, when the FallbackClassifier turned the intent into nlu_fallback only
because ``faq`` was close to a neighbouring intent (ambiguity) or a little under its
threshold, while the ResponseSelector is sure of one answer (at least ``rescue_threshold``),
the answer is given: "how do i stop taking clonazepam" is faq 0.48 against
ask_personal_medical_advice 0.42, but faq/stopping_safely at 0.95. The gate records
``rescued: true``.

Two opinions agreeing are trusted further than one: when the ResponseSelector's answer is
under ``threshold`` (or under ``rescue_threshold`` for a rescue) but at least
``agreement_threshold``, and the nearest training examples point to the same answer
(faq_neighbours.py, which runs just before: those of the whole message, or of a long
message's question sentence alone), the answer is given and the gate records
``agreed: true``. Long questions told as a story are the ones this answers.

In a long message told as a story the ResponseSelector can be lost (0.1-0.3) while both
opinions of the nearest examples, the whole message's and its question sentence's, name the
same answer. With ``concurring_neighbours`` that answer is given instead of "Did you mean"
(the gate records ``neighbours_answer``): two readings of the message agreeing, on the dev
splits of the independent questions, were right every time they changed an answer
(docs/nlu-evaluation.md). A short message has no question sentence, so it never gets this.

A message still headed for "Did you mean ...?" after all that gets the answer the linear
classifier names (faq_classifier.py, which runs just before) when its probability is at least
``classifier_min_probability``: the classifier also learnt from questions independent writers
labelled, and on questions of writers it had not seen it named the right answer of unsure
messages without naming a wrong one (docs/nlu-evaluation.md). The gate records
``classifier_answer``.

Two opinions against one: an answer given, sure or not, yields to another the classifier
names with at least ``outvote_min_probability`` when one of the nearest-examples opinions (the
whole message's or its question sentence's) names it too (the gate records ``outvoted``).
Chosen by leave-one-writer-out on eleven writers' questions (docs/nlu-evaluation.md).

Not in the article: an answer given yields to "Did you mean ...?" when the classifier's most
likely label is ``none`` (the questions independent writers marked as not answered by the
article) with at least ``no_answer_min_probability`` (the gate records ``no_answer``). An
unsure answer, one kept only because the nearest examples agreed with it (``agreed``,
``neighbours_answer``), yields when ``none`` is the classifier's most likely label with at least
``unsure_no_answer_min_probability``: two opinions that were unsure of which answer, against
one that names no answer. Both chosen by leave-one-writer-out on the served writers' questions
(docs/nlu-evaluation.md).

A fallback whose best guess is a referral intent (``referral_intents``: the doctor or
pharmacist referral for dose and personal questions) at ``rescue_min_intent_confidence`` or
more gets that referral: it states no fact, so giving it when unsure costs nothing, while
"Did you mean" would offer FAQ topics to a question that needs a doctor.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from nlu_components.faq_classifier import CLASSIFIER_KEY
from nlu_components.faq_neighbours import NEIGHBOURS_KEY
from nlu_components.labelled_messages import NO_ANSWER
from nlu_components.stateless_component import StatelessComponent

RESPONSE_SELECTOR_KEY = "response_selector"
GATE_KEY = "response_confidence_gate"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ResponseConfidenceGate(StatelessComponent):
    """Predicts nlu_fallback when the ResponseSelector is unsure of its answer."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        return {
            "threshold": 0.5,
            "rescue_threshold": 0.9,
            "rescue_min_intent_confidence": 0.3,
            "agreement_threshold": 1.0,
            "concurring_neighbours": False,
            "classifier_min_probability": 1.01,  # off
            "outvote_min_probability": 1.01,  # off
            "no_answer_min_probability": 1.01,  # off
            "unsure_no_answer_min_probability": 1.01,  # off
            "referral_intents": ["ask_dose_or_prescription", "ask_personal_medical_advice"],
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        """Stores the confidence thresholds."""
        super().__init__(config)
        self.threshold = float(self.config["threshold"])
        self.rescue_threshold = float(self.config["rescue_threshold"])
        self.rescue_min_intent_confidence = float(self.config["rescue_min_intent_confidence"])
        self.agreement_threshold = float(self.config["agreement_threshold"])
        self.concurring_neighbours = bool(self.config["concurring_neighbours"])
        self.classifier_min_probability = float(self.config["classifier_min_probability"])
        self.outvote_min_probability = float(self.config["outvote_min_probability"])
        self.no_answer_min_probability = float(self.config["no_answer_min_probability"])
        self.unsure_no_answer_min_probability = float(
            self.config["unsure_no_answer_min_probability"]
        )
        self.referral_intents = frozenset(self.config["referral_intents"])

    def process(self, messages: List[Message]) -> List[Message]:
        """Replaces the intent with nlu_fallback where the answer is unsure, and back."""
        for message in messages:
            self._decide(message)
            self._give_outvoting_answer(message)
            self._give_classifier_answer(message)
            self._withdraw_answer_not_in_article(message)
        return messages

    def _decide(self, message: Message) -> None:
        """Rescues a sure answer, keeps an agreed one, or makes an unsure one a fallback."""
        if self._rescue(message):
            return
        response_confidence = self._selected_response_confidence(message)
        if response_confidence is None or response_confidence >= self.threshold:
            return
        intent_name = message.data[INTENT][INTENT_NAME_KEY]
        if self._neighbours_agree(message, intent_name, response_confidence):
            agreed = {
                "retrieval_intent": intent_name,
                "response_confidence": response_confidence,
                "agreed": True,
            }
            message.set(GATE_KEY, agreed, add_to_output=True)
            return
        if self.concurring_neighbours and self._give_concurring_answer(
            message, intent_name, response_confidence
        ):
            return
        reason = {
            "retrieval_intent": intent_name,
            "response_confidence": response_confidence,
            "threshold": self.threshold,
        }
        _make_fallback(message, response_confidence, reason)

    def _rescue(self, message: Message) -> bool:
        """Gives back the intent the FallbackClassifier took from a sure answer or a referral."""
        intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        ranking = message.get(INTENT_RANKING_KEY) or []
        if intent_name != DEFAULT_NLU_FALLBACK_INTENT_NAME or len(ranking) < 2:
            return False
        runner_up = ranking[1]
        if ranking[0].get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return False
        intent_confidence = float(runner_up.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        if intent_confidence < self.rescue_min_intent_confidence:
            return False
        reason: Dict[str, Any] = {
            "retrieval_intent": runner_up.get(INTENT_NAME_KEY),
            "intent_confidence": intent_confidence,
            "rescued": True,
        }
        if runner_up.get(INTENT_NAME_KEY) in self.referral_intents:
            reason["referral"] = True
        else:
            intent_name = runner_up.get(INTENT_NAME_KEY)
            response_confidence = self._selected_response_confidence(message, intent_name)
            if response_confidence is None:
                return False
            if response_confidence < self.rescue_threshold:
                if not self._neighbours_agree(message, intent_name, response_confidence):
                    return False
                reason["agreed"] = True
            reason["response_confidence"] = response_confidence
        message.set(INTENT, dict(runner_up), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking[1:], add_to_output=True)
        message.set(GATE_KEY, reason, add_to_output=True)
        return True

    def _neighbours_agree(
        self, message: Message, intent_name: str | None, response_confidence: float
    ) -> bool:
        """Whether the nearest training examples name the selected answer, sure enough."""
        if response_confidence < self.agreement_threshold:
            return False
        answer = self._selected_response(message, intent_name).get(INTENT_RESPONSE_KEY)
        return answer is not None and answer in _neighbour_labels(message)

    @staticmethod
    def _give_concurring_answer(
        message: Message, intent_name: str, response_confidence: float
    ) -> bool:
        """Gives the answer both neighbour opinions name, if it is one of `intent_name`."""
        neighbours = message.get(NEIGHBOURS_KEY) or {}
        label = neighbours.get("label")
        if not label or label != neighbours.get("question_label"):
            return False
        if not str(label).startswith(f"{intent_name}/"):
            return False
        selector = message.get(RESPONSE_SELECTOR_KEY) or {}
        ranking = selector.get(intent_name, {}).get("ranking") or []
        confidence = next(
            (
                float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                for entry in ranking
                if entry.get(INTENT_RESPONSE_KEY) == label
            ),
            None,
        )
        if confidence is None:
            return False  # not an answer the ResponseSelector knows
        replaced = ResponseConfidenceGate._selected_response(message, intent_name)
        set_answer(message, intent_name, str(label), confidence)
        reason = {
            "retrieval_intent": intent_name,
            "response_confidence": response_confidence,
            "replaced": replaced.get(INTENT_RESPONSE_KEY),
            "neighbours_answer": True,
        }
        message.set(GATE_KEY, reason, add_to_output=True)
        return True

    def _give_outvoting_answer(self, message: Message) -> None:
        """Replaces the answer with the classifier's when a neighbours' opinion names it too."""
        intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        given = self._selected_response(message, intent_name).get(INTENT_RESPONSE_KEY)
        label, probability = _classifier_opinion(message)
        if not given or label == given or not label.startswith(f"{intent_name}/"):
            return
        if label not in _neighbour_labels(message):
            return
        if probability < self.outvote_min_probability:
            return
        response_confidence = self._selected_response_confidence(message, intent_name)
        set_answer(message, str(intent_name), label, probability)
        reason = {
            "retrieval_intent": intent_name,
            "response_confidence": response_confidence,
            "replaced": given,
            "classifier_probability": probability,
            "outvoted": True,
        }
        message.set(GATE_KEY, reason, add_to_output=True)

    def _withdraw_answer_not_in_article(self, message: Message) -> None:
        """Makes an answer a fallback when the classifier is sure the article has none.

        Sure means `no_answer_min_probability`, or `unsure_no_answer_min_probability` for an
        answer kept only because the nearest examples agreed with an unsure ResponseSelector.
        """
        label, probability = _classifier_opinion(message)
        if label != NO_ANSWER:
            return
        kept_unsure = any(
            (message.get(GATE_KEY) or {}).get(key) for key in ("agreed", "neighbours_answer")
        )
        needed = self.no_answer_min_probability
        if kept_unsure:
            needed = min(needed, self.unsure_no_answer_min_probability)
        if probability < needed:
            return
        intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        response_confidence = self._selected_response_confidence(message, intent_name)
        if response_confidence is None:
            return  # not an answer
        reason = {
            "retrieval_intent": intent_name,
            "response_confidence": response_confidence,
            "withdrawn": self._selected_response(message, intent_name).get(INTENT_RESPONSE_KEY),
            "classifier_probability": probability,
            "no_answer": True,
        }
        _make_fallback(message, response_confidence, reason)

    def _give_classifier_answer(self, message: Message) -> None:
        """Gives a fallback the classifier's answer when it is likely enough."""
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return
        label, probability = _classifier_opinion(message)
        intent_name, _, topic = label.partition("/")
        if not topic or probability < self.classifier_min_probability:
            return
        before = message.get(GATE_KEY) or {}
        set_answer(message, intent_name, label, probability)
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
        ]
        answered = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: probability}
        message.set(INTENT, answered, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [answered, *ranking], add_to_output=True)
        reason = {
            "retrieval_intent": intent_name,
            "response_confidence": before.get("response_confidence"),
            "classifier_probability": probability,
            "classifier_answer": True,
        }
        message.set(GATE_KEY, reason, add_to_output=True)

    @staticmethod
    def _selected_response_confidence(
        message: Message, intent_name: str | None = None
    ) -> float | None:
        """Confidence of the chosen answer if the intent (or `intent_name`) is a retrieval one."""
        intent_name = intent_name or (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        selector = message.get(RESPONSE_SELECTOR_KEY) or {}
        if intent_name not in selector.get("all_retrieval_intents", []):
            return None
        confidence = ResponseConfidenceGate._selected_response(message, intent_name).get(
            PREDICTED_CONFIDENCE_KEY
        )
        return float(confidence) if confidence is not None else None

    @staticmethod
    def _selected_response(message: Message, intent_name: str | None) -> Dict[str, Any]:
        """The ResponseSelector's chosen answer for the retrieval intent (empty if none)."""
        selector = message.get(RESPONSE_SELECTOR_KEY) or {}
        return selector.get(str(intent_name), {}).get("response", {}) or {}


def _make_fallback(message: Message, confidence: float, reason: Dict[str, Any]) -> None:
    """Predicts nlu_fallback as the FallbackClassifier does, keeping the ranking (Did you mean)."""
    fallback_intent = {
        INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
        PREDICTED_CONFIDENCE_KEY: confidence,
    }
    message.set(GATE_KEY, reason, add_to_output=True)
    message.set(INTENT, fallback_intent, add_to_output=True)
    ranking = [dict(fallback_intent), *message.get(INTENT_RANKING_KEY, [])]
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def _classifier_opinion(message: Message) -> tuple[str, float]:
    """The linear classifier's answer label ("" if none) and its probability."""
    found = message.get(CLASSIFIER_KEY) or {}
    return str(found.get("label") or ""), float(found.get("probability") or 0.0)


def _neighbour_labels(message: Message) -> set[str | None]:
    """The answers the nearest examples name: the whole message's and its question's."""
    neighbours = message.get(NEIGHBOURS_KEY) or {}
    return {neighbours.get("label"), neighbours.get("question_label")}


def set_answer(message: Message, intent_name: str, label: str, confidence: float) -> None:
    """Makes `label` (`<retrieval intent>/<topic>`) the ResponseSelector's answer."""
    selector = dict(message.get(RESPONSE_SELECTOR_KEY) or {})
    retrieval_intents = list(selector.get("all_retrieval_intents") or [])
    if intent_name not in retrieval_intents:
        retrieval_intents.append(intent_name)
    selected = dict(selector.get(intent_name) or {"ranking": []})
    selected["response"] = {
        "responses": [],  # the answer's text is the domain's, by its utter action
        PREDICTED_CONFIDENCE_KEY: confidence,
        INTENT_RESPONSE_KEY: label,
        "utter_action": f"utter_{label}",
    }
    selector.update({"all_retrieval_intents": retrieval_intents, intent_name: selected})
    message.set(RESPONSE_SELECTOR_KEY, selector, add_to_output=True)
