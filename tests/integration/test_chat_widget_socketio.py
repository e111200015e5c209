"""The chat widget's socket.io channel on the running system, with a standard socket.io client.

- Session persistence: with Rasa 3.6.21 and python-socketio >= 5.10,
  `AsyncServer.enter_room` is a coroutine that Rasa never awaits, so a persistent
  session never joins its room and the browser gets no replies at all.
- Conversation ids are the server's (channels/conversation_ids.py): a reload resumes,
  a made-up id does not, one socket cannot join or write into another's conversation,
  and one socket rotating ids is throttled while other visitors are answered
  (channels/socket_sessions.py).
- One CORS layer: a long-polling answer carries one Access-Control-Allow-Origin.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
import socketio
import websockets

from devtools.running_system import RunningSystem
from tests.support.socketio_client import SocketIOClient

ADDICTIVE_ANSWER = "Yes, clonazepam can be addictive"
OTHER_SITE = "https://not-our-site.example"


def origin(system: RunningSystem) -> str:
    return system.website_url.rstrip("/")


def user_texts(system: RunningSystem, conversation_id: str) -> list[str]:
    events = system.stored_events(conversation_id)
    return [event.get("text") for event in events if event.get("event") == "user"]


async def stored_user_texts(
    system: RunningSystem, conversation_id: str, expected: list[str]
) -> list[str]:
    """The conversation's stored messages, once they are `expected` (a turn is stored
    after its replies are sent) or after 30 seconds."""
    for _ in range(60):
        texts = user_texts(system, conversation_id)
        if texts == expected:
            break
        await asyncio.sleep(0.5)
    return texts


def test_python_socketio_still_joins_rooms_synchronously() -> None:
    assert not inspect.iscoroutinefunction(socketio.AsyncServer.enter_room), (
        "python-socketio >= 5.10 breaks Rasa 3.6's session persistence: keep it pinned"
    )


async def test_a_visitor_gets_an_id_from_the_server_and_resumes_after_a_reload(
    system: RunningSystem,
) -> None:
    first_page = await SocketIOClient.connect(system, origin(system))
    try:
        conversation_id = await first_page.session()
        reply = await first_page.ask(conversation_id, "is klonopin addictive")
        assert reply["text"].startswith(ADDICTIVE_ANSWER)
    finally:
        await first_page.close()
    reloaded = await SocketIOClient.connect(system, origin(system))
    try:
        assert await reloaded.session(conversation_id) == conversation_id
        await reloaded.ask(conversation_id, "can I drink alcohol on it")
    finally:
        await reloaded.close()
    expected = ["is klonopin addictive", "can I drink alcohol on it"]
    assert await stored_user_texts(system, conversation_id, expected) == expected


async def test_a_made_up_or_altered_id_gets_a_new_conversation(system: RunningSystem) -> None:
    client = await SocketIOClient.connect(system, origin(system))
    try:
        genuine = await client.session()
        altered = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
    finally:
        await client.close()
    for made_up in ("socketio-test-visitor", altered):
        client = await SocketIOClient.connect(system, origin(system))
        try:
            assert await client.session(made_up) not in (made_up, genuine)
        finally:
            await client.close()


async def test_a_socket_cannot_join_or_post_into_another_sockets_conversation(
    system: RunningSystem,
) -> None:
    victim = await SocketIOClient.connect(system, origin(system))
    attacker = await SocketIOClient.connect(system, origin(system))
    try:
        victims = await victim.session()
        await victim.ask(victims, "is klonopin addictive")
        await victim.events_until_quiet()  # the rest of the answer
        attackers = await attacker.session()
        assert await attacker.session(victims) not in (victims, attackers)
        await attacker.emit("user_uttered", {"message": "I posted this", "session_id": victims})
        assert await victim.events_until_quiet() == []  # no reply to what it did not send
        assert await attacker.events_until_quiet() == []  # nor any of the victim's replies
        assert user_texts(system, victims) == ["is klonopin addictive"]
    finally:
        await victim.close()
        await attacker.close()


async def test_one_socket_rotating_ids_is_throttled_and_another_visitor_is_answered(
    system: RunningSystem,
) -> None:
    flooder = await SocketIOClient.connect(system, origin(system))
    visitor = await SocketIOClient.connect(system, origin(system))
    try:
        await flooder.session()
        rotated = [f"flood-{number:04d}" for number in range(300)]
        for conversation_id in rotated:
            await flooder.emit("user_uttered", {"message": "hi", "session_id": conversation_id})
        await flooder.emit("session_request", {"session_id": None})
        assert await flooder.events_until_quiet() == []  # no reply, and no new conversation
        conversation_id = await visitor.session()
        reply = await visitor.ask(conversation_id, "is klonopin addictive")
        assert reply["text"].startswith(ADDICTIVE_ANSWER)
        assert all(user_texts(system, flooded) == [] for flooded in rotated[::50])
    finally:
        await flooder.close()
        await visitor.close()


async def test_a_website_that_is_not_allowed_cannot_connect(system: RunningSystem) -> None:
    with pytest.raises(websockets.exceptions.InvalidStatusCode):
        await SocketIOClient.connect(system, OTHER_SITE)


def get(url: str, headers: dict[str, str], method: str = "GET", body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        return urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error


def test_long_polling_answers_carry_one_cors_header_and_only_for_our_sites(
    system: RunningSystem,
) -> None:
    url = f"{system.bot_url}/socket.io/?EIO=4&transport=polling"
    ours = get(url, {"Origin": origin(system)})
    assert ours.status == 200
    assert ours.headers.get_all("Access-Control-Allow-Origin") == [origin(system)]
    theirs = get(url, {"Origin": OTHER_SITE})
    assert theirs.status >= 400
    assert not theirs.headers.get_all("Access-Control-Allow-Origin")


def test_feedback_answers_cors_for_our_sites_and_refuses_others(system: RunningSystem) -> None:
    url = f"{system.bot_url}/webhooks/chat_widget/feedback"
    preflight = get(
        url,
        {"Origin": origin(system), "Access-Control-Request-Method": "POST"},
        method="OPTIONS",
    )
    assert preflight.headers.get_all("Access-Control-Allow-Origin") == [origin(system)]
    body = {"session_id": "made-up", "rating": "up", "text": "Y"}
    refused = get(url, {"Origin": OTHER_SITE, "Content-Type": "application/json"}, "POST", body)
    assert refused.status == 403
    assert not refused.headers.get_all("Access-Control-Allow-Origin")
    made_up = get(url, {"Origin": origin(system), "Content-Type": "application/json"}, "POST", body)
    assert made_up.status == 404  # as for a message never said: no oracle
