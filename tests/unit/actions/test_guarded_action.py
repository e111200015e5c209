"""actions/guarded_action.py: a failing action returns no events and logs no visitor words."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.guarded_action import GuardedAction
from tests.support.trackers import tracker_with


class ActionThatFails(GuardedAction):
    def name(self) -> str:
        return "action_that_fails"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        raise ValueError(f"cannot handle {tracker.latest_message['text']!r}")


async def test_a_failing_action_returns_nothing_and_logs_no_message_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tracker = tracker_with(
        {"text": "my name is Dana, my son took his klonopin"}, {}, "action_listen"
    )
    with caplog.at_level("DEBUG"):
        events = await ActionThatFails().run(CollectingDispatcher(), tracker, {})
    assert events == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "action_that_fails failed with ValueError at test_guarded_action.py" in logged
    assert "Dana" not in logged and "klonopin" not in logged


def test_the_action_server_registers_every_domain_action(domain: dict[str, Any]) -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions) - {"action_that_fails"}  # this module's test action
    assert sorted(registered) == sorted(domain["actions"])  # the abstract bases are not actions
