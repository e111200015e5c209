"""Live takeover over REST, against the system `make run` starts (docs/live-takeover.md).

A member of the intake team takes a conversation over through Rasa's takeover routes (as
the review app does), the bot goes quiet except for safety replies, the visitor gets the
staff messages with their next answer, and handing back resumes the bot.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import sqlalchemy as sa

from devtools.running_system import RunningSystem
from storage import live_chat
from tests.support.takeover import call_takeover

STAFF = "staff-41"  # the review app's account reference


def takeover(
    system: RunningSystem, route: str, body: dict[str, Any], token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """Calls a takeover route as the review app does; the status and JSON answer."""
    return call_takeover(system.bot_url, token or system.takeover_token, route, body)


def from_person(replies: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in replies if (r.get("custom") or {}).get("from") == "person"]


def from_bot(replies: list[dict[str, Any]]) -> list[str]:
    return [r.get("text", "") for r in replies if "custom" not in r]


def test_staff_take_over_write_and_hand_back_while_safety_replies_go_on(
    system: RunningSystem,
) -> None:
    visitor = "live-rest-1"
    assert "addict" in system.text(visitor, "is klonopin addictive?").lower()
    conversation = {"conversation": visitor, "staff": STAFF}

    assert takeover(system, "start", conversation) == (200, {"status": "taken", "staff": STAFF})
    # The bot is paused: no answer, only the notice that a person joined.
    replies = system.send(visitor, "how long does withdrawal last?")
    assert from_bot(replies) == []
    [joined] = from_person(replies)
    assert "intake team has joined" in joined

    assert takeover(system, "message", {**conversation, "text": "Hi, I'm here to help."})[0] == 200
    replies = system.send(visitor, "thank you")
    assert from_person(replies) == ["Hi, I'm here to help."]
    assert from_bot(replies) == []
    assert system.send(visitor, "ok") == []  # nothing new from anyone

    # The safety net never pauses.
    replies = system.send(visitor, "my friend took too many pills and won't wake up")
    assert any("911" in text for text in from_bot(replies))

    assert takeover(system, "end", conversation) == (200, {"status": "handed back"})
    replies = system.send(visitor, "can I drink alcohol on klonopin?")
    [left] = from_person(replies)
    assert "left the chat" in left
    assert from_bot(replies), "the bot answers again"

    stored = system.stored_events(visitor)
    staff_rows = [
        e for e in stored if e["event"] == "bot" and (e.get("metadata") or {}).get("staff")
    ]
    assert [e["metadata"]["takeover"] for e in staff_rows] == ["joined", "message", "left"]
    assert all(e["metadata"]["staff"] == STAFF for e in staff_rows)
    assert [e["event"] for e in stored if e["event"] in ("pause", "resume")] == ["pause", "resume"]


def test_a_spanish_visitor_is_told_in_spanish(system: RunningSystem) -> None:
    visitor = "live-rest-es"
    system.text(visitor, "¿el clonazepam es adictivo?")
    takeover(system, "start", {"conversation": visitor, "staff": STAFF})
    [joined] = from_person(system.send(visitor, "hola"))
    assert "equipo de admisiones" in joined
    takeover(system, "end", {"conversation": visitor, "staff": STAFF})


@pytest.mark.parametrize("token", ["wrong-token", ""])
def test_the_takeover_routes_refuse_without_the_token(system: RunningSystem, token: str) -> None:
    visitor = "live-rest-stranger"
    system.text(visitor, "hi")
    status, _ = takeover(system, "start", {"conversation": visitor, "staff": "x"}, token or "-")
    assert status == 401
    assert from_bot(system.send(visitor, "is klonopin addictive?")), "the bot is not paused"


def buttons(replies: list[dict[str, Any]]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons") or []]


def test_a_person_is_offered_only_while_someone_on_staff_is_available(
    system: RunningSystem,
) -> None:
    # `make run` here keeps intake open around the clock (CLINIC_INTAKE_HOURS=24/7).
    engine = sa.create_engine(system.database_url)
    try:
        live_chat.mark_unavailable(engine, "jordan@center.example")
        # "Talk to a human" is first told it talks to a bot, with the way to a person.
        replies = system.send("live-rest-ask-1", "talk to a human")
        assert "/request_intake" in buttons(replies)
        replies = system.send("live-rest-ask-1", "/request_intake")
        assert "can join this chat" not in json.dumps(replies)
        assert "/request_callback" in buttons(replies)  # nobody available: call or callback

        live_chat.mark_available(engine, "jordan@center.example", time.time())
        reply = system.text("live-rest-ask-2", "I'd like to talk to a person about getting help")
        assert "Someone from our intake team can join this chat" in reply
    finally:
        live_chat.mark_unavailable(engine, "jordan@center.example")
        engine.dispose()
