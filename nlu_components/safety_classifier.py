"""The semantic safety net's second opinion: a linear classifier over the sentence vectors.

Nearest neighbours judge a message by the one known message closest to it, so a visitor
who tells an emergency casually ("is it normal my uncle has slept 15 hours and snores
strangely?") can sit nearer an informational example worded alike ("I sleep many hours on
clonazepam, is that normal?") than any emergency one. A logistic regression fitted on the
same bank (every exemplar and training example, labelled with its route) weighs all of
them at once and learns which directions of the encoder's space mean danger.

The net routes when either opinion fires. `C` and `min_probability` were chosen on the
tuning data only (scripts/tune_semantic_safety.py, docs/safety-evaluation.md). Fitting
takes about a second, so it is done when the model loads, on the bank as it is then: an
edited exemplar file takes effect on restart, as for the nearest neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from nlu_components.safety_exemplars import INFORMATIONAL, ExemplarBank


@dataclass(frozen=True)
class RouteGuess:
    """The classifier's opinion: `route` is None unless a safety route is likely enough."""

    route: str | None
    probability: float  # probability that the message is not informational


class RouteClassifier:
    """A logistic regression from sentence vectors to routes, fitted on an exemplar bank."""

    def __init__(self, bank: ExemplarBank, c: float) -> None:
        """Fits the classifier (nothing to fit when the bank has a single route)."""
        routes = np.array([exemplar.route for exemplar in bank.exemplars])
        self._model: LogisticRegression | None = None
        if len(set(routes)) >= 2:
            self._model = LogisticRegression(C=c, max_iter=3000).fit(bank.vectors, routes)

    def guess(self, vector: np.ndarray, min_probability: float) -> RouteGuess:
        """The most likely safety route, if the message is at least `min_probability` unsafe."""
        if self._model is None:
            return RouteGuess(None, 0.0)
        probabilities = self._model.predict_proba(vector.reshape(1, -1))[0]
        routes = list(self._model.classes_)
        unsafe = 1.0 - (
            float(probabilities[routes.index(INFORMATIONAL)]) if INFORMATIONAL in routes else 0.0
        )
        safety = [(p, r) for p, r in zip(probabilities, routes, strict=True) if r != INFORMATIONAL]
        route = max(safety)[1] if safety and unsafe >= min_probability else None
        return RouteGuess(route, unsafe)
