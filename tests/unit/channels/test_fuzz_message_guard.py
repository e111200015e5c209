"""Fuzzing the visitor-input guards in process (channels/message_guard.py, screening.py).

About 6,000 generated inputs (issue #7): wrong JSON types, empty and whitespace-only
text, control, zero-width and bidirectional characters, emoji, HTML/JS, SQL-looking
strings, typed `/intent` commands, lone surrogates, deep nesting. Each property is
one a visitor or the staff would notice: a guard that raises is a 500, a control
character that gets through hides text from staff, a typed `/restart` that gets
through resets a conversation.

Deterministic for CI: `derandomize=True` and no example database, so every run
tries the same inputs; no deadline (the CI machine's speed varies, and speed is
not what these tests check).
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.message_guard import (
    EMPTY_RESPONSE,
    INTENT_PREFIX,
    MAX_MESSAGE_LENGTH,
    MAX_METADATA_DEPTH,
    MAX_METADATA_LENGTH,
    SENDER_ID,
    TOO_LONG_RESPONSE,
    TOO_MANY_RESPONSE,
    RateLimiter,
    RestRequest,
    clean_text,
    json_depth,
    screen_payload,
    socket_message_problem,
    socket_session_problem,
    validate_rest_body,
)
from channels.screening import Screened, screen_message
from tests.support.fuzz_inputs import (
    BIDI_CONTROL,
    SNIPPETS,
    WRONG_TYPES,
    ZERO_WIDTH,
    fuzz_examples,
    json_values,
    nested,
    visitor_text,
)

FUZZ = settings(
    derandomize=True,  # the same inputs on every run: a CI failure reproduces locally
    database=None,  # no .hypothesis/ example database: nothing carried between runs
    deadline=None,  # no timing: CI machines vary, and speed is not the property
    suppress_health_check=[
        # Building nested JSON and long texts is slower than hypothesis expects of
        # a strategy; the inputs are what we want, however long they take to draw.
        HealthCheck.too_slow,
        # Some drawn inputs (a batch of nested objects) are big on purpose.
        HealthCheck.data_too_large,
    ],
)

SENDERS = st.one_of(
    st.from_regex(SENDER_ID, fullmatch=True),
    visitor_text(),
    WRONG_TYPES,
)
# Around the length limit, before and after invisible characters are removed.
LONG_TEXTS = st.tuples(
    st.integers(990, 1010), st.sampled_from(["a", "😟", "a\u200b", "\u202e"]), visitor_text()
).map(lambda parts: parts[1] * parts[0] + parts[2])
BODIES = st.one_of(
    json_values(),
    st.fixed_dictionaries(
        {"sender": SENDERS, "message": st.one_of(visitor_text(), LONG_TEXTS, WRONG_TYPES)},
        optional={
            "metadata": st.one_of(
                json_values(max_leaves=4), st.integers(1, 30).map(lambda d: {"deep": nested(d)})
            ),
            "input_channel": WRONG_TYPES,
            "stream": WRONG_TYPES,
        },
    ),
)


def is_hidden(character: str) -> bool:
    """A character not shown as itself: control (but tab, newline), zero-width, bidi, half emoji.

    Defined from Unicode (categories and the Bidi_Control list), independently of
    the guard's own regular expression.
    """
    if character in "\t\n":
        return False
    return (
        unicodedata.category(character) in ("Cc", "Cs")
        or character in ZERO_WIDTH
        or character in BIDI_CONTROL
    )


@settings(FUZZ, max_examples=fuzz_examples(1500))
@given(body=BODIES)
def test_any_rest_body_is_accepted_well_formed_or_explained(body: Any) -> None:
    result = validate_rest_body(body)
    if isinstance(result, str):  # the 400 answer: a sentence a developer can act on
        assert result and result.endswith(".")
        return
    assert isinstance(result, RestRequest)
    assert isinstance(result.sender, str) and SENDER_ID.fullmatch(result.sender)
    assert isinstance(result.message, str)
    assert result.metadata is None or isinstance(result.metadata, dict)
    if result.metadata is not None:  # small enough to store with the message
        assert json_depth(result.metadata) <= MAX_METADATA_DEPTH
        assert len(json.dumps(result.metadata)) <= MAX_METADATA_LENGTH
    # What was accepted is what was sent.
    assert (result.sender, result.message) == (body["sender"], body["message"])


@settings(FUZZ, max_examples=fuzz_examples(1500))
@given(text=visitor_text())
def test_cleaned_text_shows_everything_it_contains(text: str) -> None:
    cleaned = clean_text(text)
    assert not [c for c in cleaned if is_hidden(c)], [hex(ord(c)) for c in cleaned]
    assert len(cleaned) <= len(text)
    assert cleaned == cleaned.strip()
    assert clean_text(cleaned) == cleaned  # cleaning twice changes nothing
    # Nothing visible is lost: the visible characters are kept, in order.
    assert cleaned == "".join(c for c in text if not is_hidden(c)).strip()


@settings(FUZZ, max_examples=fuzz_examples(800))
@given(text=visitor_text(), offered=st.sets(st.sampled_from(SNIPPETS), max_size=3))
def test_a_typed_intent_reaches_the_bot_only_when_offered(text: str, offered: set[str]) -> None:
    screened = screen_payload(clean_text(text), offered)
    assert not screened.startswith(INTENT_PREFIX) or screened in offered
    assert len(screened) <= len(clean_text(text))


class FakeTrackerStore:
    """A tracker store without conversations (only `/...` messages look at it)."""

    async def retrieve(self, sender: str) -> None:
        return None


class FakeAgent:
    tracker_store = FakeTrackerStore()


@settings(FUZZ, max_examples=fuzz_examples(1000))
@given(body=BODIES)
def test_an_accepted_body_gives_the_bot_clean_text_within_the_limit_or_a_polite_reply(
    body: Any,
) -> None:
    request = validate_rest_body(body)
    if isinstance(request, str):
        return
    limiter = RateLimiter(burst=1, clock=lambda: 0.0)
    first = asyncio.run(screen_message(FakeAgent(), limiter, request.sender, request.message))
    assert isinstance(first, Screened)
    cleaned = clean_text(request.message)
    if first.text is None:
        if len(cleaned) > MAX_MESSAGE_LENGTH:
            assert (first.reply_response, first.status) == (TOO_LONG_RESPONSE, 200)
        else:  # nothing left to read: the bot asks again
            assert screen_payload(cleaned, set()) == ""
            assert (first.reply_response, first.status) == (EMPTY_RESPONSE, 200)
    else:
        assert first.reply_response is None and first.status == 200
        assert isinstance(first.text, str) and len(first.text) <= MAX_MESSAGE_LENGTH
        assert not [c for c in first.text if is_hidden(c)]
        assert not first.text.startswith(INTENT_PREFIX)  # nothing was offered
        # The same conversation's next message, with the allowance used up: a 429 reply.
        second = asyncio.run(screen_message(FakeAgent(), limiter, request.sender, "hi"))
        assert (second.text, second.reply_response, second.status) == (
            None,
            TOO_MANY_RESPONSE,
            429,
        )


SOCKET_PAYLOADS = st.one_of(
    json_values(),
    st.fixed_dictionaries(
        {},
        optional={
            "session_id": SENDERS,
            "message": st.one_of(visitor_text(), WRONG_TYPES),
            "metadata": json_values(max_leaves=4),
            "customData": WRONG_TYPES,
        },
    ),
)


def rasa_session_handler_would_run(data: Any) -> bool:
    """What Rasa 3.6's `session_request` handler does with the payload, without error.

    rasa/core/channels/socketio.py: `data["session_id"]` is used as a room name
    and sent back to the browser.
    """
    data = {} if data is None else data
    if not isinstance(data, dict):
        return False
    session_id = data.get("session_id")
    return session_id is None or isinstance(session_id, str)


def rasa_message_handler_would_run(data: Any) -> bool:
    """What Rasa 3.6's `user_uttered` handler does with the payload, without error.

    It reads `data.get("session_id")`, `data.get("message", "")` and
    `data.get("metadata", {})`, and `json.loads` a string metadata.
    """
    if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
        return False
    metadata = data.get("metadata", {})
    if isinstance(metadata, str):
        try:
            json.loads(metadata)
        except ValueError:
            return False
    return isinstance(data.get("message", ""), str)


@settings(FUZZ, max_examples=fuzz_examples(800))
@given(data=SOCKET_PAYLOADS)
def test_socket_payloads_that_pass_are_ones_rasa_handles(data: Any) -> None:
    session_problem = socket_session_problem(data)
    assert session_problem is None or isinstance(session_problem, str)
    if session_problem is None:
        assert rasa_session_handler_would_run(data)
        session_id = (data or {}).get("session_id")
        assert session_id is None or SENDER_ID.fullmatch(session_id)

    message_problem = socket_message_problem(data)
    assert message_problem is None or isinstance(message_problem, str)
    if message_problem is None:
        assert rasa_message_handler_would_run(data)
        assert SENDER_ID.fullmatch(data["session_id"])
        assert isinstance(data["message"], str)
        assert data.get("metadata") is None or isinstance(data["metadata"], dict)


RATE_EVENTS = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]), st.floats(0, 30)),
    min_size=1,
    max_size=200,
)


@settings(FUZZ, max_examples=fuzz_examples(500))
@given(
    events=RATE_EVENTS,
    per_minute=st.floats(1, 120),
    burst=st.integers(1, 30),
    max_conversations=st.integers(1, 6),
)
def test_no_conversation_gets_more_than_its_allowance_and_memory_stays_bounded(
    events: list[tuple[str, float]], per_minute: float, burst: int, max_conversations: int
) -> None:
    now = [0.0]
    limiter = RateLimiter(
        per_minute=per_minute,
        burst=burst,
        max_conversations=max_conversations,
        clock=lambda: now[0],
    )
    allowed: dict[str, int] = {}
    for sender, pause in events:
        now[0] += pause
        if limiter.allow(sender):
            allowed[sender] = allowed.get(sender, 0) + 1
        assert len(limiter._buckets) <= max_conversations  # memory per instance is bounded
    if max_conversations >= 5:  # nobody forgotten: the per-conversation allowance holds
        for count in allowed.values():
            assert count <= burst + per_minute / 60 * now[0] + 1e-6
    # A conversation the limiter has not seen yet is always let through.
    assert limiter.allow("never-seen-before")


@settings(FUZZ, max_examples=fuzz_examples(500))
@given(
    depth=st.one_of(st.integers(0, 3_000), st.integers(15, 25)),
    length=st.one_of(st.integers(0, 12_000), st.integers(9_980, 10_000)),
)
def test_metadata_is_accepted_only_when_it_can_be_stored(depth: int, length: int) -> None:
    # Built here, not drawn: hypothesis cannot print an object nested 3,000 levels deep.
    metadata = {"page": nested(depth, "x" * length)}
    body = {"sender": "a", "message": "hi", "metadata": metadata}
    accepted = isinstance(validate_rest_body(body), RestRequest)
    assert accepted == (socket_message_problem({**body, "session_id": "a"}) is None)
    if depth + 1 > MAX_METADATA_DEPTH:
        assert not accepted
    else:  # shallow: its size decides; stored as JSON, which it always can be then
        assert accepted == (len(json.dumps(metadata)) <= MAX_METADATA_LENGTH)
