"""channels/message_guard.py: what a visitor's browser may send, checked before the bot."""

from __future__ import annotations

import base64
import random
import uuid
from typing import Any

import pytest

from channels.message_guard import (
    EMPTY_RESPONSE,
    MAX_MESSAGE_LENGTH,
    MAX_METADATA_DEPTH,
    MAX_METADATA_LENGTH,
    RateLimiter,
    RestRequest,
    clean_text,
    is_too_long,
    offered_payloads,
    screen_payload,
    socket_message_problem,
    socket_session_problem,
    validate_rest_body,
)
from channels.screening import screen_message
from tests.support.fuzz_inputs import nested


def test_a_well_formed_body_is_accepted() -> None:
    body = {"sender": "3f2b-visitor_1", "message": "is klonopin addictive", "metadata": {"a": 1}}
    assert validate_rest_body(body) == RestRequest(
        "3f2b-visitor_1", "is klonopin addictive", {"a": 1}
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (None, "JSON object"),
        (["sender", "message"], "JSON object"),
        ("is klonopin addictive", "JSON object"),
        ({"message": "hi"}, "sender"),
        ({"sender": "", "message": "hi"}, "sender"),
        ({"sender": "x" * 129, "message": "hi"}, "sender"),
        ({"sender": "a b", "message": "hi"}, "sender"),
        ({"sender": "../../etc", "message": "hi"}, "sender"),
        ({"sender": 12, "message": "hi"}, "sender"),
        ({"sender": "a"}, "message must be a string"),
        ({"sender": "a", "message": None}, "message must be a string"),
        ({"sender": "a", "message": ["hi"]}, "message must be a string"),
        ({"sender": "a", "message": {"text": "hi"}}, "message must be a string"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, "metadata"),
    ],
)
def test_malformed_bodies_are_explained(body: Any, problem: str) -> None:
    assert problem in str(validate_rest_body(body))


def test_invisible_and_direction_changing_characters_are_removed() -> None:
    assert clean_text("\u202eis klonopin\u200b addictive\u0000?\ufeff ") == "is klonopin addictive?"
    assert clean_text("line one\nline two\ttab") == "line one\nline two\ttab"
    assert (
        clean_text("emoji stay 😟 and accents too: café") == "emoji stay 😟 and accents too: café"
    )


def test_the_arabic_letter_mark_is_removed_like_the_other_bidi_marks() -> None:
    # Found by tests/unit/channels/test_fuzz_message_guard.py: U+061C is a Bidi_Control character
    # like U+200E/U+200F, which were already removed.
    assert clean_text("\u061cis klonopin\u200f addictive\u061c") == "is klonopin addictive"


def test_half_an_emoji_is_removed_and_whole_ones_stay() -> None:
    # Found by tests/integration/test_fuzz_server.py: a lone surrogate (JSON "\ud83d") made the
    # NLU pipeline raise, and the visitor got "something went wrong".
    assert clean_text("is it ok\ud83d 😟\udc00") == "is it ok 😟"


class NoConversations:
    """An agent (and its own tracker store) without conversations."""

    def __init__(self) -> None:
        self.tracker_store = self

    async def retrieve(self, sender: str) -> None:
        return None


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u202e", "\ud800", "/", "/ / "])
async def test_a_message_with_nothing_to_read_gets_a_request_to_rephrase(text: str) -> None:
    # Found by tests/integration/test_fuzz_server.py: Rasa's NLU pipeline raises on empty text,
    # and the visitor got "something went wrong" (and the log an ERROR line).
    screened = await screen_message(NoConversations(), RateLimiter(), "a", text)
    assert (screened.text, screened.reply_response, screened.status) == (
        None,
        EMPTY_RESPONSE,
        200,
    )


def test_metadata_must_be_small_and_shallow() -> None:
    # Found by tests/integration/test_fuzz_server.py: metadata nested ~1,000 levels deep could not
    # be saved (RecursionError) and the message was lost; a megabyte of it held the
    # server up for seconds.
    def body(metadata: Any) -> dict[str, Any]:
        return {"sender": "a", "message": "hi", "metadata": metadata}

    shallow = {"page": nested(MAX_METADATA_DEPTH - 1)}
    assert isinstance(validate_rest_body(body(shallow)), RestRequest)
    assert socket_message_problem({**body(shallow), "session_id": "a"}) is None
    for bad in (
        {"page": nested(MAX_METADATA_DEPTH)},
        {"page": nested(5_000)},
        {"page": "x" * MAX_METADATA_LENGTH},
    ):
        assert "metadata" in str(validate_rest_body(body(bad)))
        assert socket_message_problem({**body(bad), "session_id": "a"})


def test_the_length_limit_is_the_documented_one() -> None:
    assert MAX_MESSAGE_LENGTH == 1_000
    assert not is_too_long("a" * 1_000)
    assert is_too_long("a" * 1_001)


def test_offered_payloads_are_the_buttons_since_the_visitor_last_wrote() -> None:
    events = [
        {"event": "bot", "data": {"buttons": [{"title": "Old", "payload": "/old"}]}},
        {"event": "user", "text": "hi"},
        {"event": "action", "name": "utter_offer_intake"},
        {"event": "bot", "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]}},
        {"event": "bot", "data": {"buttons": [{"title": "No", "payload": "/deny"}]}},
    ]
    assert offered_payloads(events) == {"/affirm", "/deny"}
    assert offered_payloads([]) == set()


def test_a_typed_intent_counts_only_when_offered() -> None:
    offered = {"/affirm"}
    assert screen_payload("/affirm", offered) == "/affirm"
    assert screen_payload("/restart", offered) == "restart"
    assert screen_payload('/faq{"topic": "x"}', offered) == 'faq{"topic": "x"}'
    assert screen_payload("//affirm", offered) == "affirm"
    # Found by tests/unit/channels/test_fuzz_message_guard.py: spaces between slashes used to leave
    # "/restart" after the first slash was dropped, and Rasa ran the restart intent.
    assert screen_payload("/ /restart", offered) == "restart"
    assert screen_payload("/\t/ \u3000/restart", offered) == "restart"
    assert screen_payload("/ ", offered) == ""
    assert screen_payload("is it addictive", offered) == "is it addictive"


@pytest.mark.parametrize("payload", ["/speak_spanish", "/speak_english"])
def test_the_widget_language_control_is_always_honoured(payload: str) -> None:
    """The "Español / English" button is always on screen, not one the bot just offered."""
    assert screen_payload(payload, set()) == payload
    assert (
        screen_payload(payload + '{"language": "en"}', set()) == payload[1:] + '{"language": "en"}'
    )


def test_the_rate_limit_allows_a_burst_then_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=6, burst=3, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # conversations are counted separately
    now[0] += 10  # one message every 10 s
    assert limiter.allow("a") and not limiter.allow("a")


def test_the_rate_limiter_forgets_the_oldest_conversations() -> None:
    limiter = RateLimiter(per_minute=1, burst=1, max_conversations=2, clock=lambda: 0.0)
    for sender in ("a", "b", "c"):
        assert limiter.allow(sender)
    assert limiter.allow("a")  # forgotten, so a fresh allowance
    assert not limiter.allow("c")


def test_socket_payloads_rasa_would_crash_on_are_recognised() -> None:
    assert socket_session_problem(None) is None
    assert socket_session_problem({}) is None
    assert socket_session_problem({"session_id": "3f2b9c"}) is None
    for bad in (
        "session_id",
        ["x"],
        {"session_id": ["x"]},
        {"session_id": "a b"},
        {"session_id": 7},
    ):
        assert socket_session_problem(bad)

    good = {"message": "hi", "session_id": "3f2b9c"}
    assert socket_message_problem(good) is None
    assert socket_message_problem({**good, "metadata": {"page": "/faq"}}) is None
    for bad in (
        "hi",
        None,
        [good],
        {"message": "hi"},
        {**good, "session_id": {"a": 1}},
        {**good, "message": 5},
        {**good, "message": None},
        {**good, "metadata": "{not json"},
    ):
        assert socket_message_problem(bad), bad


# A conversation id is stored as sent (events, review tables, exports, audit log): #17 point 7.
PERSONAL_SENDERS = [
    "dana.whitfield@example.com",
    "DANA.W_klonopin@Example.ORG",
    "8165550142",
    "1-816-555-0142",
    "816-555-0142",
    "widget:8165550142",
    "07700900123",
    "900-12-3456",
    "4111111111111111",
    "1990-01-02",
    "03-14-1987",
    "192.0.2.44",
    "@jake_peterson77",
]
OPAQUE_SENDERS = [
    "3f2b-visitor_1",
    "guard-1",
    "a",
    "abc:def",
    "user@host",  # no domain: nothing to redact
    "redaction-12",
    "0123456789abcdef0123456789abcdef",
    "123e4567-e89b-12d3-a456-426614174000",
]


@pytest.mark.parametrize("sender", PERSONAL_SENDERS)
def test_a_sender_id_that_is_personal_data_is_refused_with_a_clear_message(sender: str) -> None:
    problem = validate_rest_body({"sender": sender, "message": "is klonopin addictive"})
    assert problem == (
        "sender must be an opaque conversation id, not personal data such as an e-mail address "
        "or phone number."
    )
    # Asked for as a conversation to resume, it is not refused: it is not one the server
    # issued, so the socket gets a new conversation instead (channels/socket_sessions.py).
    assert socket_session_problem({"session_id": sender}) is None
    assert socket_message_problem({"session_id": sender, "message": "hi"}) == (
        "session_id is personal data, not an opaque conversation id"
    )


@pytest.mark.parametrize("sender", OPAQUE_SENDERS)
def test_opaque_sender_ids_are_accepted_as_before(sender: str) -> None:
    assert validate_rest_body({"sender": sender, "message": "hi"}) == RestRequest(
        sender, "hi", None
    )
    assert socket_session_problem({"session_id": sender}) is None
    assert socket_message_problem({"session_id": sender, "message": "hi"}) is None


def test_randomly_generated_conversation_ids_are_never_taken_for_personal_data() -> None:
    generated = random.Random(17)
    ids = []
    for _ in range(2_000):
        ids.append(f"{generated.getrandbits(192):048x}")  # channels/conversation_ids.py
        ids.append(str(uuid.UUID(int=generated.getrandbits(128), version=4)))
        ids.append(uuid.UUID(int=generated.getrandbits(128), version=4).hex)
        ids.append(
            base64.urlsafe_b64encode(generated.randbytes(16)).decode().rstrip("=")
        )  # secrets.token_urlsafe
    refused = [
        sender
        for sender in ids
        if validate_rest_body({"sender": sender, "message": "hi"})
        != RestRequest(sender, "hi", None)
    ]
    assert refused == []
