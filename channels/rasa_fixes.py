"""Speed fixes for Rasa 3.6.21 internals, installed when the chat channels are created.

Each does what Rasa's own code does, with less repeated work per message
(measured in docs/benchmarks.md):

1. **Custom action replies.** Rasa checks every reply against its JSON schema with
   `jsonschema.validate(result, schema)`; jsonschema 4.17 first re-checks the schema
   itself against the JSON Schema meta-schema on every call, about 50 ms of CPU per
   custom action. The fix checks the schema once and keeps the validator. And each
   event is checked against the one `oneOf` branch its `"event"` names instead of all
   23 (the branches differ by that constant, so the others cannot match): 0.26 ms an
   event becomes about 0.03. A reply that fails is checked again the whole way, so the
   same replies are refused, with the same errors.
2. **Event types.** `Event.resolve_by_type` walks every subclass of `Event` (with
   `inspect`) to find the class of each stored event it reads back, about 50 µs per
   event and message. The fix remembers the class found for each type name.
3. **Classifier graphs.** DIET and the ResponseSelector call their prediction graph
   through `tf.function`, which matches the inputs against its signature on every
   call (about 1 ms). The graph has a fixed input signature, so there is exactly one
   concrete function; the fix calls it directly once Rasa has built it, with the inputs
   converted to its signature's types once, as the signature check would (~0.5 ms more).
4. **Sparse features.** DIET and the ResponseSelector join each message's sparse
   features (word and character counts, regexes, lexical) with `scipy.sparse.hstack`,
   whose general block-matrix code takes ~120 µs a join; two COO matrices side by side are
   their entries concatenated, the second's columns shifted (~35 µs). Other formats go to
   `hstack` as before.

Installed by `install()`, which both chat channels call from `from_credentials`
(channels/guarded_rest.py, channels/chat_widget.py); a second call changes nothing.
tests/unit/channels/test_rasa_fixes.py checks each against Rasa's own behaviour;
tests/model/test_rasa_fixes_model.py checks that the trained model parses alike.
"""

from __future__ import annotations

import copy
import logging
import weakref
from functools import cache
from typing import Any

import numpy as np
import tensorflow as tf
from keras.utils import tf_utils
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.shared.core.events import Event
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.tensorflow.models import RasaModel
from scipy import sparse

logger = logging.getLogger(__name__)

_ORIGINAL = RemoteAction._validate_action_result
_ORIGINAL_RESOLVE_BY_TYPE = Event.resolve_by_type
_ORIGINAL_RASA_PREDICT = RasaModel._rasa_predict
_ORIGINAL_COMBINE_SPARSE = Features._combine_sparse_features


@cache
def _action_reply_validator() -> Any:
    """The validator of Rasa's action server reply schema, the schema checked once."""
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@cache
def _event_validators() -> tuple[Any, dict[str, Any]]:
    """The reply schema without its event check, and one event validator per event type.

    The schema's event items are `oneOf` 23 branches, each fixing `"event"` to its own
    constant: an event whose type names branch B satisfies `oneOf` exactly when it
    satisfies B, because the others' constants refuse it.
    """
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    items = schema["properties"]["events"].pop("items")
    validator_class = type(_action_reply_validator())
    by_type = {}
    for branch in items["oneOf"]:
        event_type = branch["properties"]["event"]["const"]
        by_type[event_type] = validator_class({**items, "oneOf": [branch]})
    return validator_class(schema), by_type


def _is_valid_by_event_type(result: Any) -> bool:
    """True if the reply is valid, checking each event against its own type's branch only."""
    without_events, by_type = _event_validators()
    if not without_events.is_valid(result):
        return False
    events = result.get("events", [])
    for event in events if isinstance(events, list) else ():
        event_type = event.get("event") if isinstance(event, dict) else None
        validator = by_type.get(event_type) if isinstance(event_type, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """As Rasa's `_validate_action_result`, with the validators built once."""
    from jsonschema.exceptions import best_match

    if _is_valid_by_event_type(result):
        return True
    # As `jsonschema.validate` chooses the error it raises.
    error = best_match(_action_reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your "
        "response from the Action endpoint is valid."
    )
    raise error


_event_classes: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """As Rasa's `Event.resolve_by_type`, remembering each class it finds."""
    found = _event_classes.get(type_name)
    if found is not None:
        return found
    resolved: type[Event] | None = _ORIGINAL_RESOLVE_BY_TYPE(type_name, default)
    if resolved is not None and resolved is not default and resolved.type_name == type_name:
        _event_classes[type_name] = resolved
    return resolved


_concrete_predict_steps: weakref.WeakKeyDictionary[RasaModel, tuple[Any, list[Any]]] = (
    weakref.WeakKeyDictionary()
)


def _concrete_predict_step(model: RasaModel) -> tuple[Any, list[Any]]:
    """The model's one concrete prediction graph and the dtype of each of its inputs."""
    found = _concrete_predict_steps.get(model)
    if found is None:
        concrete = model._tf_predict_step.get_concrete_function()
        specs = tf.nest.flatten(concrete.structured_input_signature[0])
        found = _concrete_predict_steps[model] = (concrete, [spec.dtype for spec in specs])
    return found


def _rasa_predict(self: RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
    """As Rasa's `RasaModel._rasa_predict`, calling the graph's concrete function."""
    step = self._tf_predict_step
    if self._run_eagerly or step is None or not self.prepared_for_prediction:
        return _ORIGINAL_RASA_PREDICT(self, batch_in)  # builds the graph on the first call
    concrete, dtypes = _concrete_predict_step(self)
    if len(batch_in) != len(dtypes):  # not the batch the graph was built for: Rasa's way
        return _ORIGINAL_RASA_PREDICT(self, batch_in)
    self._training = False
    inputs = [
        tf.convert_to_tensor(value, dtype) for value, dtype in zip(batch_in, dtypes, strict=True)
    ]
    flat_outputs = concrete._call_flat(inputs, concrete.captured_inputs)
    outputs: dict[str, Any] = tf_utils.sync_to_numpy_or_python_type(flat_outputs)
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


def side_by_side(left: sparse.coo_matrix, right: sparse.coo_matrix) -> sparse.coo_matrix:
    """`scipy.sparse.hstack([left, right])` of two COO matrices with as many rows."""
    dtype = np.result_type(left.dtype, right.dtype)
    return sparse.coo_matrix(
        (
            np.concatenate([left.data, right.data]).astype(dtype, copy=False),
            (
                np.concatenate([left.row, right.row]),
                np.concatenate([left.col, right.col + left.shape[1]]),
            ),
        ),
        shape=(left.shape[0], left.shape[1] + right.shape[1]),
    )


def _combine_sparse_features(self: Features, additional_features: Features) -> None:
    """As Rasa's `Features._combine_sparse_features`, joining COO matrices directly."""
    left, right = self.features, additional_features.features
    if not (
        type(left) is sparse.coo_matrix
        and type(right) is sparse.coo_matrix
        and left.shape[0] == right.shape[0]
    ):
        _ORIGINAL_COMBINE_SPARSE(self, additional_features)  # Rasa's way, and its errors
        return
    self.features = side_by_side(left, right)
    self._cached_fingerprint = None


def install() -> None:
    """Replaces the four pieces of Rasa by the fixes above (idempotent)."""
    if RemoteAction._validate_action_result is _ORIGINAL:
        RemoteAction._validate_action_result = _validate_action_result
    if Event.resolve_by_type is _ORIGINAL_RESOLVE_BY_TYPE:
        Event.resolve_by_type = staticmethod(_resolve_by_type)
    if RasaModel._rasa_predict is _ORIGINAL_RASA_PREDICT:
        RasaModel._rasa_predict = _rasa_predict
    if Features._combine_sparse_features is _ORIGINAL_COMBINE_SPARSE:
        Features._combine_sparse_features = _combine_sparse_features
    logger.debug("Rasa speed fixes installed (channels/rasa_fixes.py).")
