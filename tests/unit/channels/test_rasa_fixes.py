"""channels/rasa_fixes.py: each fix decides as Rasa's own code does."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.tensorflow.models import RasaModel

from channels import rasa_fixes

REPLIES: list[Any] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "safety_mode", "value": "emergency"}], "responses": []},
    {"events": [], "responses": [{"response": "utter_intake_prompt"}]},
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": []},
    {"events": [{"event": "no-such-event"}], "responses": []},
    {"events": [{"event": "slot"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": [{"text": 3}]},
    {"responses": []},
    {},
    # Each event is checked against its own type's branch only: valid events of several
    # types, and the ways an event can still be refused.
    {
        "events": [
            UserUttered("is it addictive?", {"name": "faq", "confidence": 0.9}).as_dict(),
            BotUttered("Yes, it can be.").as_dict(),
            ActionExecuted("action_listen").as_dict(),
            SlotSet("language", "es").as_dict(),
            {"event": "active_loop", "name": None},
            {"event": "restart"},
        ],
        "responses": [{"text": "Hello", "buttons": [{"title": "a", "payload": "/b"}]}],
    },
    {"events": [{"event": "user", "parse_data": {"intent": {"confidence": "high"}}}]},
    {"events": [{"event": "slot", "name": 3, "value": None}]},
    {"events": [{"event": "action", "name": "x", "timestamp": "now"}]},
    {"events": [{"event": 7}]},
    {"events": [{"name": "x"}]},
    {"events": ["slot"]},
    {"events": [{"event": "action", "name": "x"}, {"event": "slot", "name": "x"}]},
    {"events": [], "responses": "not a list"},
    "not an object",
]


def outcome(validate: Any, reply: Any) -> str:
    action = RemoteAction("action_offer_intake", None)
    try:
        validate(action, reply)
    except ValidationError as error:
        return f"refused: {error.message.split('. Failed to validate')[0]}"
    return "accepted"


@pytest.mark.parametrize("reply", REPLIES)
def test_the_cached_validator_decides_as_rasas_own(reply: Any) -> None:
    expected = outcome(rasa_fixes._ORIGINAL, reply)
    assert outcome(rasa_fixes._validate_action_result, reply) == expected


def test_install_replaces_rasas_check_once() -> None:
    rasa_fixes.install()
    rasa_fixes.install()
    assert RemoteAction._validate_action_result is rasa_fixes._validate_action_result
    assert Event.resolve_by_type is rasa_fixes._resolve_by_type
    assert RasaModel._rasa_predict is rasa_fixes._rasa_predict
    assert outcome(RemoteAction._validate_action_result, REPLIES[0]) == "accepted"


def every_event_class() -> list[type[Event]]:
    classes, todo = [], [Event]
    while todo:
        for subclass in todo.pop().__subclasses__():
            classes.append(subclass)
            todo.append(subclass)
    return [cls for cls in classes if not inspect.isabstract(cls)]


@pytest.mark.parametrize("event_class", every_event_class(), ids=lambda cls: cls.__name__)
def test_each_event_type_resolves_to_the_class_rasa_finds(event_class: type[Event]) -> None:
    type_name = event_class.type_name
    expected = rasa_fixes._ORIGINAL_RESOLVE_BY_TYPE(type_name)
    assert rasa_fixes._resolve_by_type(type_name) is expected
    assert rasa_fixes._resolve_by_type(type_name) is expected  # remembered


def test_unknown_event_types_are_refused_or_defaulted_as_rasa_does() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        rasa_fixes._resolve_by_type("no-such-event")
    assert rasa_fixes._resolve_by_type("no-such-event", UserUttered) is UserUttered
    assert rasa_fixes._resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        rasa_fixes._resolve_by_type("no-such-event")  # the default was not remembered


def test_stored_events_read_back_alike_with_the_fix() -> None:
    stored = [
        UserUttered("is it addictive?", {"name": "faq"}).as_dict(),
        BotUttered("Yes, it can be.").as_dict(),
        ActionExecuted("action_listen").as_dict(),
        SlotSet("language", "es").as_dict(),
    ]
    rasa_fixes.install()
    assert Event.resolve_by_type is rasa_fixes._resolve_by_type
    assert deserialise_events(stored) == [
        UserUttered("is it addictive?", {"name": "faq"}),
        BotUttered("Yes, it can be."),
        ActionExecuted("action_listen"),
        SlotSet("language", "es"),
    ]


def sparse_features(matrix: Any, origin: str = "featurizer") -> Features:
    return Features(matrix, FEATURE_TYPE_SEQUENCE, TEXT, origin)


@pytest.mark.parametrize(
    ("left_dtype", "right_dtype"),
    [
        (np.float64, np.float64),
        (np.float32, np.float64),
        (np.int64, np.float32),
        (np.int64, np.int64),
    ],
)
@pytest.mark.parametrize("density", [0.0, 0.05, 0.5])
def test_sparse_features_join_as_rasas_hstack_joins_them(
    left_dtype: Any, right_dtype: Any, density: float
) -> None:
    left = scipy.sparse.random(
        6, 40, density=density, format="coo", dtype=left_dtype, random_state=1
    )
    right = scipy.sparse.random(
        6, 9, density=density, format="coo", dtype=right_dtype, random_state=2
    )
    expected = scipy.sparse.hstack([left, right])
    joined = sparse_features(left)
    rasa_fixes._combine_sparse_features(joined, sparse_features(right))
    result = joined.features
    assert type(result) is type(expected)
    assert result.shape == expected.shape and result.dtype == expected.dtype
    for part in ("row", "col", "data"):
        assert np.array_equal(getattr(result, part), getattr(expected, part)), part
        assert getattr(result, part).dtype == getattr(expected, part).dtype, part


def test_sparse_features_of_other_formats_or_shapes_go_to_rasas_own_join() -> None:
    left = scipy.sparse.random(3, 5, density=0.5, format="csr", random_state=1)
    joined = sparse_features(left)
    rasa_fixes._combine_sparse_features(joined, sparse_features(left.tocoo()))
    assert (joined.features != scipy.sparse.hstack([left, left.tocoo()])).nnz == 0
    mismatched = sparse_features(scipy.sparse.coo_matrix((2, 5)))
    with pytest.raises(ValueError, match="sequence dimensions do not match"):
        rasa_fixes._combine_sparse_features(mismatched, sparse_features(left.tocoo()))


def test_install_makes_rasa_join_sparse_features_the_fast_way() -> None:
    rasa_fixes.install()
    left = sparse_features(scipy.sparse.coo_matrix(np.eye(2)))
    left.combine_with_features(sparse_features(scipy.sparse.coo_matrix(np.ones((2, 1)))))
    assert Features._combine_sparse_features is rasa_fixes._combine_sparse_features
    assert left.features.toarray().tolist() == [[1, 0, 1], [0, 1, 1]]
