"""The conversation store's tests: turns to write, and the raw `events` rows written."""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


def stored_events(database_url: str, sender: str) -> list[dict[str, Any]]:
    """The stored event dicts of one conversation, in the order they were written."""
    return [json.loads(row[-1]) for row in stored_rows(database_url, sender)]


def stored_rows(database_url: str, sender: str) -> list[tuple[Any, ...]]:
    """Every column but the id of one conversation's `events` rows, in the order written.

    The last column is `data`, the event's JSON.
    """
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.text(
                        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data"
                        " FROM events WHERE sender_id = :s ORDER BY id"
                    ),
                    {"s": sender},
                )
            ]
    finally:
        engine.dispose()


def stored_texts(database_url: str, sender: str) -> list[str]:
    """The visitor's and the bot's messages of one conversation, as stored."""
    return [event["text"] for event in stored_events(database_url, sender) if event.get("text")]


def turn(tracker: DialogueStateTracker, question: str, answer: str) -> None:
    """A visitor's message and the bot's answer, with distinct timestamps."""
    tracker.update(UserUttered(question, timestamp=time.time()))
    tracker.update(BotUttered(answer, timestamp=time.time()))
    tracker.update(ActionExecuted("action_listen", timestamp=time.time()))
