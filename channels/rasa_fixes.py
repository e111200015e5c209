"""A speed fix for Rasa 3.6.21 internals, installed when the chat channels are created.

Rasa checks every custom action's reply against its JSON schema with
`jsonschema.validate(result, schema)`. jsonschema 4.17 first re-checks the
schema itself against the JSON Schema meta-schema on every call; Rasa's events
schema is large, so each custom action cost about 50 ms of CPU, a third of a
message's time here (docs/benchmarks.md). The fix checks the schema once and
keeps the validator: the same schema, the same checks, the same errors.

Installed by `install()`, which both chat channels call from `from_credentials`
(channels/guarded_rest.py, channels/chat_widget.py); a second call changes nothing.
tests/unit/channels/test_rasa_fixes.py checks that it accepts and refuses exactly what Rasa's does.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from rasa.core.actions.action import RemoteAction

logger = logging.getLogger(__name__)

_ORIGINAL = RemoteAction._validate_action_result


@cache
def _action_reply_validator() -> Any:
    """The validator of Rasa's action server reply schema, the schema checked once."""
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """As Rasa's `_validate_action_result`, with the validator built once."""
    from jsonschema import ValidationError

    try:
        _action_reply_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid."
        )
        raise


def install() -> None:
    """Replaces Rasa's per-call schema check by the cached validator (idempotent)."""
    if RemoteAction._validate_action_result is _ORIGINAL:
        RemoteAction._validate_action_result = _validate_action_result
        logger.debug("Custom action replies validated with a cached JSON schema validator.")
