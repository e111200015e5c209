"""channels/rasa_fixes.py: the cached validator accepts and refuses what Rasa's own does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from channels import rasa_fixes

REPLIES: list[dict[str, Any]] = [
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
]


def outcome(validate: Any, reply: dict[str, Any]) -> str:
    action = RemoteAction("action_offer_intake", None)
    try:
        validate(action, reply)
    except ValidationError as error:
        return f"refused: {error.message.split('. Failed to validate')[0]}"
    return "accepted"


@pytest.mark.parametrize("reply", REPLIES)
def test_the_cached_validator_decides_as_rasas_own(reply: dict[str, Any]) -> None:
    expected = outcome(rasa_fixes._ORIGINAL, reply)
    assert outcome(rasa_fixes._validate_action_result, reply) == expected


def test_install_replaces_rasas_check_once() -> None:
    rasa_fixes.install()
    rasa_fixes.install()
    assert RemoteAction._validate_action_result is rasa_fixes._validate_action_result
    assert outcome(RemoteAction._validate_action_result, REPLIES[0]) == "accepted"
