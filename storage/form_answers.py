"""The callback form's personal answers, kept out of the stored conversation by context.

Pattern redaction (storage/redaction/) finds a phone number anywhere, but cannot know
that a bare "Sam" is a name: it is one only because the bot just asked for a name. So
the tracker store also looks at what the form asked (`requested_slot`): the visitor's
reply to the name, phone or best-time question is stored as a placeholder, and so is the
slot value Rasa extracted from it before validate_callback_form replaced it with its
marker. The answers themselves live only in the encrypted request (storage/callbacks.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.shared.core.events import Event, SlotSet, UserUttered

REQUESTED_SLOT = "requested_slot"
# The form's questions whose answers are personal, and what is stored instead.
PRIVATE_ANSWERS = {
    "callback_name": "[NAME]",
    "callback_phone": "[PHONE]",
    "callback_time": "[CALLBACK TIME]",
}
# Slot values validate_callback_form sets, which may be stored as they are.
MARKERS = frozenset({"[NAME]", "[PHONE]", "skipped", "given"})


def asked_before_each(events: Iterable[Event]) -> dict[int, str | None]:
    """id(event) -> the slot the form was asking for when the event happened."""
    asked: str | None = None
    state: dict[int, str | None] = {}
    for event in events:
        state[id(event)] = asked
        if isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
            asked = event.value if isinstance(event.value, str) else None
    return state


def conceal(event: Event, data: dict[str, Any], asked: str | None) -> dict[str, Any]:
    """The event's dict with a personal answer replaced by its placeholder."""
    if isinstance(event, UserUttered) and asked in PRIVATE_ANSWERS:
        placeholder = PRIVATE_ANSWERS[asked]
        data = {**data, "text": placeholder}
        if isinstance(data.get("parse_data"), dict):
            data["parse_data"] = {**data["parse_data"], "text": placeholder, "entities": []}
        return data
    if (
        isinstance(event, SlotSet)
        and event.key in PRIVATE_ANSWERS
        and event.value is not None
        and event.value not in MARKERS
    ):
        return {**data, "value": PRIVATE_ANSWERS[event.key]}
    return data
