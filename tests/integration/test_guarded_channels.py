"""The guarded channels on the running system: bad input gets a clear answer, never a 5xx.

REST (channels/guarded_rest.py) and the widget's socket.io channel
(channels/chat_widget.py) share the guards of channels/message_guard.py.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from channels.message_guard import MAX_MESSAGE_LENGTH
from devtools.running_system import RunningSystem
from tests.support.fuzz_inputs import nested
from tests.support.socketio_client import SocketIOClient

TOO_LONG = "That message is too long for me."
TOO_MANY = "I'm getting messages faster than I can answer."


def post(system: RunningSystem, body: bytes) -> tuple[int, Any]:
    """Status and parsed JSON answer of a raw POST to the REST channel."""
    request = urllib.request.Request(
        f"{system.bot_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "JSON object"),
        (b"", "JSON object"),
        (b'"just a string"', "JSON object"),
        (b'{"sender": "guard-1"}', "message must be a string"),
        (b'{"sender": "guard-1", "message": 42}', "message must be a string"),
        (b'{"sender": "guard-1", "message": ["is it addictive"]}', "message must be a string"),
        (b'{"message": "hi"}', "sender"),
        (json.dumps({"sender": "x" * 300, "message": "hi"}).encode(), "sender"),
        (b'{"sender": "<script>", "message": "hi"}', "sender"),
        # Found by tests/integration/test_fuzz_server.py: metadata nested ~1,000 levels deep
        # could not be saved, and the message was lost.
        (
            json.dumps({"sender": "guard-1", "message": "hi", "metadata": nested(100)}).encode(),
            "metadata",
        ),
    ],
)
def test_malformed_requests_get_a_400_with_a_clear_error(
    system: RunningSystem, body: bytes, problem: str
) -> None:
    status, answer = post(system, body)
    assert status == 400
    assert problem in answer["error"]


@pytest.mark.parametrize("sender", ["dana.whitfield@example.com", "816-555-0142"])
def test_a_sender_id_that_is_personal_data_is_refused_and_nothing_is_stored(
    system: RunningSystem, sender: str
) -> None:
    status, answer = post(system, json.dumps({"sender": sender, "message": "hi"}).encode())
    assert status == 400
    assert answer["error"] == (
        "sender must be an opaque conversation id, not personal data such as an e-mail address "
        "or phone number."
    )
    assert [event for event in system.stored_events(sender) if event["event"] == "user"] == []


def test_an_over_long_message_gets_a_polite_reply_and_is_not_processed(
    system: RunningSystem,
) -> None:
    long_message = "is klonopin addictive " * 60
    assert len(long_message) > MAX_MESSAGE_LENGTH
    body = json.dumps({"sender": "guard-long", "message": long_message}).encode()
    status, answer = post(system, body)
    assert status == 200
    assert answer[0]["text"].startswith(TOO_LONG) and "911" in answer[0]["text"]
    stored = system.stored_events("guard-long")
    assert [event for event in stored if event["event"] == "user"] == []
    # The conversation goes on normally afterwards.
    assert "addictive" in system.text("guard-long", "is klonopin addictive")


def test_a_message_with_nothing_to_read_gets_a_request_to_rephrase(system: RunningSystem) -> None:
    # Found by tests/integration/test_fuzz_server.py: the NLU raised on empty text, and the visitor
    # got "something went wrong".
    body = json.dumps({"sender": "guard-empty", "message": "\u200b \u202e\ud83d"}).encode()
    status, answer = post(system, body)
    assert status == 200
    assert answer[0]["text"].startswith("Sorry, I didn't catch that.")
    assert [e for e in system.stored_events("guard-empty") if e["event"] == "user"] == []


@pytest.mark.parametrize(
    ("sender", "typed"),
    [
        ("guard-restart", "/restart"),
        # Found by tests/unit/channels/test_fuzz_message_guard.py: once the first slash was dropped,
        # "/ /restart" became "/restart" and the conversation was reset.
        ("guard-restart-2", "/ /restart"),
    ],
)
def test_a_typed_intent_that_was_not_offered_is_read_as_words(
    system: RunningSystem, sender: str, typed: str
) -> None:
    system.text(sender, "is klonopin addictive")
    system.text(sender, typed)
    kinds = [event["event"] for event in system.stored_events(sender)]
    assert "restart" not in kinds
    user_texts = [e.get("text") for e in system.stored_events(sender) if e["event"] == "user"]
    assert user_texts[-1] == "restart"


def test_an_offered_button_payload_is_honoured(system: RunningSystem) -> None:
    replies = system.send("guard-button", "is klonopin addictive")
    offered = [button["payload"] for reply in replies for button in reply.get("buttons", [])]
    assert "/affirm" in offered  # the intake offer after an answer
    assert "Our intake team" in system.text("guard-button", "/affirm")


def test_one_conversation_sending_too_fast_is_slowed_down_politely(
    system: RunningSystem,
) -> None:
    statuses = []
    for _ in range(60):
        body = json.dumps({"sender": "guard-flood", "message": "hello"}).encode()
        status, answer = post(system, body)
        statuses.append(status)
        if status == 429:
            assert answer[0]["text"].startswith(TOO_MANY)
            break
    assert statuses[-1] == 429, "60 messages in a row were never slowed down"
    assert statuses.count(200) >= 20  # the documented burst
    # Other conversations are not affected.
    assert "addictive" in system.text("guard-other", "is klonopin addictive")


async def test_the_widget_channel_has_the_same_length_limit(system: RunningSystem) -> None:
    client = await SocketIOClient.connect(system, system.website_url.rstrip("/"))
    try:
        conversation_id = await client.session()
        message = await client.ask(conversation_id, "x" * (MAX_MESSAGE_LENGTH + 1))
        assert message["text"].startswith(TOO_LONG)
        await client.ask(conversation_id, "/restart")
    finally:
        await client.close()
    kinds = [event["event"] for event in system.stored_events(conversation_id)]
    assert "restart" not in kinds


async def test_malformed_socket_events_are_dropped_and_the_server_keeps_answering(
    system: RunningSystem,
) -> None:
    log_before = len(system.log_file.read_text())
    client = await SocketIOClient.connect(system, system.website_url.rstrip("/"))
    try:
        for event, data in (
            ("session_request", "not an object"),
            ("session_request", {"session_id": ["a", "list"]}),
            ("user_uttered", "is klonopin addictive"),
            ("user_uttered", {"message": 5, "session_id": "guard-socket-2"}),
            ("user_uttered", {"message": "hi", "session_id": {"nested": True}}),
            ("user_uttered", {"message": "hi", "session_id": "guard-socket-2", "metadata": "{"}),
        ):
            await client.emit(event, data)
        conversation_id = await client.session()  # nothing else came before the confirm
        message = await client.ask(conversation_id, "is klonopin addictive")
        assert "addictive" in message["text"]
    finally:
        await client.close()
    log = system.log_file.read_text()[log_before:]
    assert log.count("Dropped a socket.io") == 6
    assert "Traceback" not in log
