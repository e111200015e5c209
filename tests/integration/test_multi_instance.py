"""Two Rasa instances behind nginx on PostgreSQL and Redis (devtools/stack.py), broken.

One stack for the module (starting it takes a minute or two). The tests run in
file order; the last one kills an instance.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from devtools.project_files import latest_model, response_text
from devtools.services import ServiceError
from devtools.stack import Stack, running_stack
from tests.support.socketio_client import SocketIOClient
from tests.support.takeover import call_takeover

FAILURE_TEXT = response_text("utter_something_went_wrong")
EMERGENCY_REMINDER = response_text("utter_emergency_reminder")
HEALTH_WAIT_SECONDS = 90


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    latest_model()  # fail clearly if nothing is trained
    try:
        with running_stack(tmp_path_factory.mktemp("stack"), api_token="stack-test-token") as up:
            yield up
    except ServiceError as error:
        pytest.fail(str(error))


def post(url: str, body: Any) -> tuple[int, Any]:
    """Status and decoded JSON of a POST."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def say(base_url: str, sender: str, message: str) -> list[dict[str, Any]]:
    """The bot's replies; the request must succeed."""
    status, replies = post(
        f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message}
    )
    assert status == 200, replies
    return list(replies)


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def health(base_url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{base_url}/webhooks/health/", timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def stored_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    """The conversation's rows in PostgreSQL, in the order they were written."""
    engine = sa.create_engine(stack.postgres.url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT type_name, timestamp, data FROM events WHERE sender_id = :s ORDER BY id"
                ),
                {"s": sender},
            ).all()
    finally:
        engine.dispose()
    return [{"type": row[0], "timestamp": row[1], **json.loads(row[2])} for row in rows]


def user_texts(events: list[dict[str, Any]]) -> list[str]:
    return [event["text"] for event in events if event["type"] == "user"]


QUESTIONS = [
    "is klonopin addictive?",
    "can I drink alcohol while taking clonazepam?",
    "what are the withdrawal symptoms?",
    "how long does klonopin stay in your system?",
    "what is clonazepam used for?",
    "what are the side effects of klonopin?",
    "can you overdose on klonopin?",
    "is it safe to take klonopin while pregnant?",
]


def test_alternating_instances_store_every_event_once_and_in_order(stack: Stack) -> None:
    sender = "stack-alternating"
    # Each pair is sent at the same moment, one message to each instance: the
    # Redis lock store makes the second wait for the first to be stored.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for first, second in zip(QUESTIONS[::2], QUESTIONS[1::2], strict=True):
            replies = list(
                pool.map(
                    lambda pair: say(stack.rasa_url(pair[0]), sender, pair[1]),
                    [(0, first), (1, second)],
                )
            )
            for reply in replies:
                assert texts(reply) and FAILURE_TEXT not in texts(reply)

    events = stored_events(stack, sender)
    assert sorted(user_texts(events)) == sorted(QUESTIONS)  # none lost, none twice
    keys = [
        (event["type"], event["timestamp"], json.dumps(event, sort_keys=True)) for event in events
    ]
    assert len(keys) == len(set(keys))  # no event written twice
    timestamps = [event["timestamp"] for event in events]
    assert timestamps == sorted(timestamps)  # written in the order they happened
    # Turns are not interleaved: every message is answered and the bot goes
    # back to listening before the next message's events begin.
    turns: list[list[dict[str, Any]]] = []
    for event in events:
        if event["type"] == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event)
    assert len(turns) == len(QUESTIONS)
    for turn in turns:
        assert any(event["type"] == "bot" for event in turn)
        assert turn[-1]["type"] == "action" and turn[-1]["name"] == "action_listen"


def test_a_database_outage_is_reported_and_the_conversation_survives_it(stack: Stack) -> None:
    instance = stack.rasa_url(0)  # a visitor's socket stays on one instance
    sender = "stack-outage"
    assert "addict" in texts(say(instance, sender, "is klonopin addictive?")).lower()
    assert health(instance)[0] == 200

    stack.postgres.stop()
    try:
        status, report = health(instance)
        assert status == 503
        assert report["conversation_database"]["reachable"] is False
        # Visitors are still answered, with their conversation's context.
        emergency = texts(say(instance, sender, "my friend took too many pills and won't wake up"))
        assert "911" in emergency
        assert "911" in texts(say(instance, sender, "yes"))
        status, report = health(instance)
        assert status == 503
        assert report["conversation_database"]["conversations_waiting_to_be_written"] >= 1
    finally:
        stack.postgres.start()

    deadline = time.monotonic() + HEALTH_WAIT_SECONDS
    while health(instance)[0] != 200 and time.monotonic() < deadline:
        time.sleep(1)
    status, report = health(instance)
    assert status == 200, report
    assert report["conversation_database"]["conversations_waiting_to_be_written"] == 0

    # The conversation goes on where it was: still in the emergency.
    assert EMERGENCY_REMINDER.split(".")[0] in texts(say(instance, sender, "no"))
    messages = user_texts(stored_events(stack, sender))
    assert messages == [
        "is klonopin addictive?",
        "my friend took too many pills and won't wake up",
        "yes",
        "no",
    ]


def status_of(url: str, body: Any = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_rest_channel_and_health_check_are_not_on_the_public_side(stack: Stack) -> None:
    rest = {"sender": "x", "message": "hi"}
    assert status_of(f"{stack.url}/webhooks/rest/webhook", rest) == 404
    assert status_of(f"{stack.url}/webhooks/health/") == 404
    assert status_of(f"{stack.rasa_url(0)}/webhooks/health/") == 200  # for monitoring


def takeover(stack: Stack, instance: int, route: str, body: dict[str, Any]) -> int:
    """Calls a live-takeover route of one instance, as the review app does: the status."""
    return call_takeover(stack.rasa_url(instance), stack.takeover_token, route, body)[0]


async def test_a_staff_message_reaches_a_visitor_connected_to_the_other_instance(
    stack: Stack,
) -> None:
    website = stack.url
    visitor = await SocketIOClient.connect(stack.rasa_url(1), website)
    try:
        conversation_id = await visitor.session()
        await visitor.ask(conversation_id, "is klonopin addictive?")
        await visitor.events_until_quiet()
        # The review app called instance 0; the visitor's socket is held by instance 1.
        staff = {"conversation": conversation_id, "staff": "staff-1"}
        assert takeover(stack, 0, "start", staff) == 200
        assert takeover(stack, 0, "message", {**staff, "text": "Hello from the team"}) == 200
        received = [data for _, data in await visitor.events_until_quiet()]
        assert [data["metadata"]["takeover"] for data in received] == ["joined", "message"]
        assert received[1]["text"] == "Hello from the team"
        assert takeover(stack, 0, "end", staff) == 200
        [left] = [data for _, data in await visitor.events_until_quiet()]
        assert left["metadata"]["takeover"] == "left"
    finally:
        await visitor.close()


async def test_a_killed_instance_hands_the_conversation_to_the_other(stack: Stack) -> None:
    website = stack.url  # an allowed origin
    first = await SocketIOClient.connect(stack.rasa_url(0), website)
    try:
        conversation_id = await first.session()
        await first.ask(conversation_id, "is klonopin addictive?")
        replies = [data for _, data in await first.events_until_quiet()]
    finally:
        await first.close()
    offered = [reply["payload"] for data in replies for reply in data.get("quick_replies") or []]
    assert "/affirm" in offered  # the intake offer

    stack.kill_rasa(0)

    # Through nginx, which finds instance 1: it accepts the id instance 0 issued (they share
    # its secret), and honours the button only because it sees the offer in the history.
    visitor = await SocketIOClient.connect(website, website)
    try:
        assert await visitor.session(conversation_id) == conversation_id
        accepted = await visitor.ask(conversation_id, "/affirm")
        accepted_texts = [accepted["text"]] + [
            data.get("text", "") for _, data in await visitor.events_until_quiet()
        ]
        assert any("Our intake team" in text for text in accepted_texts)
        stored = user_texts(stored_events(stack, conversation_id))
        assert stored == ["is klonopin addictive?", "/affirm"]
        # And the next messages keep going to the instance that is left.
        for question in QUESTIONS[:3]:
            reply = await visitor.ask(conversation_id, question)
            assert reply["text"] != FAILURE_TEXT
            await visitor.events_until_quiet()
    finally:
        await visitor.close()
