"""rasa-sdk trackers built inline, as the action server receives them."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def tracker_with(
    latest_message: dict[str, Any], slots: dict[str, Any], latest_action_name: str
) -> Tracker:
    """A rasa-sdk Tracker with the visitor's latest message and the slots set so far."""
    return Tracker(
        sender_id="test-visitor",
        slots=slots,
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=latest_action_name,
    )
