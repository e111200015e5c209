"""storage/redaction/__init__.py: the detectors' order, `redact` on nested Rasa event dicts."""

from __future__ import annotations

import random
import uuid
from collections import namedtuple
from copy import deepcopy
from typing import Any

import pytest

from storage.redaction import (
    _DETECTORS,
    ADDRESS,
    CARD,
    DATE_OF_BIRTH,
    EMAIL,
    NAME,
    PHONE,
    SSN,
    redact,
    redact_text,
    strings_in,
)
from storage.redaction.names import redact_names


@pytest.mark.parametrize(
    "text, expected",
    [
        ("4111 1111 1111 1111 816-555-0142", "[CARD] [PHONE]"),
        ("ssn 900-12-3456 cell 816-555-0142", "ssn [SSN] cell [PHONE]"),
        ("8165550142@example.com", "[EMAIL]"),
        ("born 01/02/1990 at 12 Oak St", "born [DATE_OF_BIRTH] at [ADDRESS]"),
        ("i'm at 12 Oak St", "i'm at [ADDRESS]"),
        ("call me at 816-555-0142", "call me at [PHONE]"),
        ("line one\nmy name is Ana\n816-555-0142", "line one\nmy name is [NAME]\n[PHONE]"),
        ("ssn 900 12 3456, móvil 612 34 56 78", "ssn [SSN], móvil [PHONE]"),
    ],
)
def test_order_avoids_partial_overlaps(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "machine_id",
    [uuid.UUID(int=random.Random(seed).getrandbits(128)).hex for seed in range(200)]
    + ["12345678901234567890123456789012", "81655501990000000000000000000000"],
)
def test_rasa_s_message_and_model_ids_are_kept_as_the_detectors_would_keep_them(
    machine_id: str,
) -> None:
    assert redact_text(machine_id) == machine_id
    found_by_a_detector = [detect for detect in _DETECTORS if detect(machine_id) != machine_id]
    assert found_by_a_detector == []
    assert redact_names(machine_id) == machine_id


def test_only_identifiers_change() -> None:
    text = "  Hi!!  my name is Ana\t(816) 555-0142 \r\n émoji 🙂 stays, 0.5mg at 8:00 AM  "
    assert redact_text(text) == (
        "  Hi!!  my name is [NAME]\t[PHONE] \r\n émoji 🙂 stays, 0.5mg at 8:00 AM  "
    )


def test_placeholders_are_stable() -> None:
    placeholders = [PHONE, EMAIL, SSN, DATE_OF_BIRTH, ADDRESS, CARD, NAME]
    assert placeholders == [
        "[PHONE]",
        "[EMAIL]",
        "[SSN]",
        "[DATE_OF_BIRTH]",
        "[ADDRESS]",
        "[CARD]",
        "[NAME]",
    ]
    for placeholder in placeholders:
        assert redact_text(placeholder) == placeholder
    assert redact_text("") == ""


def user_event() -> dict[str, Any]:
    """A user event as Rasa's Event.as_dict() writes it."""
    text = "my name is Dana Whitfield, call me at 816.555.0199"
    return {
        "event": "user",
        "timestamp": 1764148980.123456,
        "metadata": {"model_id": "a1b2", "page": "https://example.org/?phone=8165550199"},
        "text": text,
        "parse_data": {
            "intent": {"name": "request_callback", "confidence": 0.97},
            "entities": [
                {"entity": "phone", "start": 38, "end": 50, "value": "816.555.0199"},
                {"entity": "person", "value": ["Dana", "my name is Dana Whitfield"]},
            ],
            "text": text,
            "message_id": "5f1c0e7ab3a74b6e9f0d2c1b8a7e6d54",
            "metadata": {},
            "intent_ranking": [{"name": "request_callback", "confidence": 0.97}],
        },
        "input_channel": "chat_widget",
        "message_id": "5f1c0e7ab3a74b6e9f0d2c1b8a7e6d54",
    }


def test_redact_walks_a_rasa_event() -> None:
    event = user_event()
    original = deepcopy(event)
    result = redact(event)
    assert event == original, "the input is not changed in place"
    assert result["text"] == "my name is [NAME], call me at [PHONE]"
    assert result["parse_data"]["text"] == result["text"]
    assert result["parse_data"]["entities"][0]["value"] == PHONE
    assert result["parse_data"]["entities"][1]["value"] == ["Dana", "my name is [NAME]"]
    assert result["metadata"]["page"] == "https://example.org/?phone=[PHONE]"
    # Everything else, keys and non-strings included, is as it was.
    assert result["timestamp"] == 1764148980.123456
    assert result["parse_data"]["intent"] == original["parse_data"]["intent"]
    assert result["parse_data"]["entities"][0]["start"] == 38
    assert result["message_id"] == original["message_id"]
    assert list(result) == list(original)
    assert list(result["parse_data"]) == list(original["parse_data"])


def test_redact_slot_and_bot_events() -> None:
    events = [
        {"event": "slot", "name": "intake_phone", "value": "816-555-0142", "timestamp": 1.5},
        {"event": "slot", "name": "intake_open_now", "value": True, "timestamp": 1.5},
        {"event": "slot", "name": "substances_checked", "value": ["alcohol"], "timestamp": 2},
        {
            "event": "slot",
            "name": "answer_feedback",
            "value": {"rating": "down", "text": "I'm Jake Peterson", "answered_at": 17.25},
        },
        {
            "event": "bot",
            "text": "Call Poison Control at 1-800-222-1222 (free, 24/7).",
            "data": {"buttons": [{"title": "Call", "payload": "tel:+18165550142"}]},
            "metadata": {"utter_action": "utter_extra_dose"},
        },
    ]
    result = redact(events)
    assert result[0]["value"] == PHONE
    assert result[1]["value"] is True
    assert result[2]["value"] == ["alcohol"]
    assert result[3]["value"] == {"rating": "down", "text": "I'm [NAME]", "answered_at": 17.25}
    assert result[4]["text"] == "Call Poison Control at [PHONE] (free, 24/7)."
    assert result[4]["data"]["buttons"][0] == {"title": "Call", "payload": PHONE}
    assert result[4]["metadata"] == {"utter_action": "utter_extra_dose"}


def test_redact_leaves_keys_and_other_types_alone() -> None:
    value = {
        "816-555-0142": "816-555-0142",
        "n": 8165550142,
        "f": 0.5,
        "b": False,
        "none": None,
        "bytes": b"816-555-0142",
        7: ("dana@example.com", 3, ["ssn 900-12-3456"]),
    }
    result = redact(value)
    assert list(result) == list(value)
    assert result["816-555-0142"] == PHONE
    assert result["n"] == 8165550142
    assert result["f"] == 0.5
    assert result["b"] is False
    assert result["none"] is None
    assert result["bytes"] == b"816-555-0142"
    assert result[7] == (EMAIL, 3, ["ssn [SSN]"])
    assert isinstance(result[7], tuple)


def test_redact_keeps_named_tuples_and_scalars() -> None:
    Pair = namedtuple("Pair", "label text")
    result = redact(Pair("phone", "816-555-0142"))
    assert isinstance(result, Pair)
    assert result == Pair("phone", PHONE)
    assert redact("816-555-0142") == PHONE
    assert redact(42) == 42
    assert redact(None) is None
    assert redact([]) == []
    assert redact({}) == {}


def test_strings_in_finds_every_string_but_the_keys() -> None:
    value = {"text": "a", "buttons": [{"title": "b", "payload": "/c"}], "n": 3, "t": ("d",)}
    assert list(strings_in(value)) == ["a", "b", "/c", "d"]


def test_unchanged_strings_are_kept_and_the_rest_redacted() -> None:
    helpline = "Poison Control is at 1-800-222-1222."
    value = {"bot": helpline, "visitor": "call 816-555-0199", "again": [helpline]}
    assert redact(value, unchanged={helpline}) == {
        "bot": helpline,
        "visitor": "call [PHONE]",
        "again": [helpline],
    }
    assert redact(helpline) == "Poison Control is at [PHONE]."
