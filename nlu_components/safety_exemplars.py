"""The bank of safety exemplars and the nearest-neighbour decision of the semantic safety net.

safety_exemplars.yml holds groups of visitor messages, each with a route (emergency,
crisis, extra_dose or informational) and a `why` for staff. The bank embeds every example
with the multilingual sentence encoder; a message is then compared with all of them by
cosine similarity (the vectors are unit length, so a dot product). It is routed when its
nearest safety example is at least `threshold` close and not beaten by the nearest
informational one by more than `margin`. Both numbers are chosen on the dev split of the
independent sets (scripts/tune_semantic_safety.py, docs/safety-evaluation.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Literal, Sequence

import numpy as np
from pydantic import validator

from content.safety_intents import CRISIS_INTENT, EMERGENCY_INTENT, EXTRA_DOSE_INTENT
from content.yaml_schema import SchemaModel, Text, load_yaml_file
from nlu_components.sentence_encoder import encode_all

DEFAULT_EXEMPLARS_FILE = Path(__file__).with_name("safety_exemplars.yml")
INFORMATIONAL = "informational"
# Safety routes, most urgent first, and the intent each leads to.
ROUTE_INTENTS: Dict[str, str] = {
    "emergency": EMERGENCY_INTENT,
    "crisis": CRISIS_INTENT,
    "extra_dose": EXTRA_DOSE_INTENT,
}
Route = Literal["emergency", "crisis", "extra_dose", "informational"]
ROUTE_OF_INTENT: Dict[str, str] = {intent: route for route, intent in ROUTE_INTENTS.items()}


class ExemplarGroup(SchemaModel):
    """A group of safety_exemplars.yml: messages of one meaning, with their route."""

    id: Text
    route: Route
    why: Text
    examples: List[Text]

    @validator("examples")
    def not_empty(cls, value: List[str]) -> List[str]:
        """At least one example."""
        if not value:
            raise ValueError("needs at least one example")
        return value


class ExemplarFile(SchemaModel):
    """The whole of safety_exemplars.yml."""

    groups: List[ExemplarGroup]

    @validator("groups")
    def unique_ids(cls, groups: List[ExemplarGroup]) -> List[ExemplarGroup]:
        """Group ids are unique."""
        seen = set()
        for group in groups:
            if group.id in seen:
                raise ValueError(f"two groups have the id {group.id!r}")
            seen.add(group.id)
        return groups


@dataclass(frozen=True)
class Exemplar:
    """One example of the bank and where it comes from."""

    text: str
    route: str
    group: str
    why: str


def training_exemplar(intent: str, text: str = "") -> Exemplar:
    """A training example of `intent` as the bank holds it: its intent's route, or informational.

    The trained model keeps no text (`text` is for scripts that read data/nlu.yml).
    """
    return Exemplar(text, ROUTE_OF_INTENT.get(intent, INFORMATIONAL), f"training:{intent}", "")


@dataclass(frozen=True)
class SemanticMatch:
    """What the semantic net found for a message; `route` is None when it does not fire."""

    route: str | None
    score: float  # similarity of the nearest safety example
    informational_score: float  # similarity of the nearest informational example
    nearest: Exemplar | None  # the nearest safety example

    @property
    def intent(self) -> str | None:
        """The intent the message is routed to, or None."""
        return ROUTE_INTENTS.get(self.route) if self.route else None

    def as_dict(self) -> Dict[str, Any]:
        """What the parse data records, for staff (never the visitor's text)."""
        return {
            "route": self.route,
            "score": round(self.score, 3),
            "informational_score": round(self.informational_score, 3),
            "group": self.nearest.group if self.nearest else None,
            "why": self.nearest.why if self.nearest else None,
        }


def read_exemplars(path: Path = DEFAULT_EXEMPLARS_FILE) -> List[Exemplar]:
    """Every example of the file, checked against the schema."""
    loaded = load_yaml_file(path, ExemplarFile)
    return [
        Exemplar(text=text, route=group.route, group=group.id, why=group.why)
        for group in loaded.groups
        for text in group.examples
    ]


class ExemplarBank:
    """Exemplars and their vectors; says whether a message's vector is close to a safety route."""

    def __init__(self, exemplars: Sequence[Exemplar], vectors: np.ndarray | None = None) -> None:
        """Embeds the exemplars (unless their vectors are given, row for row)."""
        self.exemplars = list(exemplars)
        self.vectors = encode_all(e.text for e in self.exemplars) if vectors is None else vectors
        if len(self.vectors) != len(self.exemplars):
            raise ValueError("one vector per exemplar is needed")
        self._is_informational = np.array([e.route == INFORMATIONAL for e in self.exemplars])

    def extended(self, exemplars: Sequence[Exemplar], vectors: np.ndarray) -> ExemplarBank:
        """A bank with these exemplars added (e.g. the training examples)."""
        return ExemplarBank(self.exemplars + list(exemplars), np.vstack([self.vectors, vectors]))

    def match(self, vector: np.ndarray, threshold: float, margin: float) -> SemanticMatch:
        """The route of `vector`, if its nearest safety exemplar is close enough."""
        return self.match_similarities(self.vectors @ vector.astype(np.float32), threshold, margin)

    def match_similarities(
        self, similarities: np.ndarray, threshold: float, margin: float
    ) -> SemanticMatch:
        """As `match`, given the vector's similarity with each exemplar, row for row."""
        informational = similarities[self._is_informational]
        informational_score = float(informational.max()) if informational.size else -1.0
        safety = np.where(self._is_informational, -np.inf, similarities)
        if not np.isfinite(safety).any():
            return SemanticMatch(None, -1.0, informational_score, None)
        best = int(np.argmax(safety))
        score, nearest = float(safety[best]), self.exemplars[best]
        fires = score >= threshold and score - informational_score >= margin
        return SemanticMatch(nearest.route if fires else None, score, informational_score, nearest)


def exemplars_digest(path: Path = DEFAULT_EXEMPLARS_FILE) -> str:
    """The sha256 of the file's bytes: says whether vectors stored for it are still its own."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=4)
def exemplar_bank(path: Path = DEFAULT_EXEMPLARS_FILE) -> ExemplarBank:
    """The bank of a file, embedded once per process (about 3 s for 500 examples)."""
    return ExemplarBank(read_exemplars(path))
