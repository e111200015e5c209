"""storage/redaction/echoes.py: a redacted name is redacted wherever the same write repeats it."""

from __future__ import annotations

from typing import Any

from storage.redaction import redact
from storage.redaction.echoes import REDACTED_VALUE, without_echoes

TEXT = "my son tyler took 10 of my klonopin"


def user_event(*entities: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": "user",
        "text": TEXT,
        "parse_data": {"text": TEXT, "entities": list(entities)},
    }


def entity(name: str, start: int, end: int, value: str) -> dict[str, Any]:
    return {"entity": name, "start": start, "end": end, "value": value}


def stored(*events: dict[str, Any]) -> list[dict[str, Any]]:
    return without_echoes((event, redact(event)) for event in events)


def test_a_name_a_classifier_tagged_as_an_entity_is_not_stored_with_it() -> None:
    # DIET once tagged the son's name as a substance; the text's redaction caught the name.
    [user] = stored(user_event(entity("substance", 7, 12, "tyler")))

    assert user["text"] == "my son [NAME] took 10 of my klonopin"
    assert user["parse_data"]["entities"][0]["value"] == REDACTED_VALUE


def test_the_slot_and_the_reply_an_action_made_from_it_are_redacted_too() -> None:
    events = stored(
        user_event(entity("substance", 7, 12, "tyler")),
        {"event": "slot", "name": "substances_not_listed", "value": ["tyler"]},
        {"event": "bot", "text": "I can't say how Tyler mixes with clonazepam."},
    )

    assert "tyler" not in str(events).lower()
    assert events[1]["value"] == [REDACTED_VALUE]


def test_entities_the_redaction_left_in_the_text_are_kept() -> None:
    events = stored(
        user_event(entity("substance", 7, 12, "tyler"), entity("substance", 27, 35, "clonazepam")),
        {"event": "slot", "name": "substances_checked", "value": ["clonazepam"]},
    )

    assert events[0]["parse_data"]["entities"][1]["value"] == "clonazepam"  # "klonopin" kept
    assert events[1]["value"] == ["clonazepam"]


def test_a_message_with_nothing_redacted_is_stored_as_redact_stores_it() -> None:
    event = {
        "event": "user",
        "text": "can i drink on klonopin",
        "parse_data": {"entities": [entity("substance", 15, 23, "clonazepam")]},
    }

    assert stored(event) == [redact(event)]
