"""channels/conversation_ids.py: only ids the server issued are genuine."""

from __future__ import annotations

from typing import Any

import pytest

from channels.conversation_ids import ConversationIds

SECRET = "s" * 32


def test_an_issued_id_is_genuine_and_opaque() -> None:
    ids = ConversationIds(SECRET)
    issued = {ids.issue() for _ in range(50)}  # 48 letters and digits, nothing of the visitor
    assert len(issued) == 50
    assert all(ids.is_genuine(conversation_id) for conversation_id in issued)
    assert all(
        conversation_id.isalnum() and len(conversation_id) == 48 for conversation_id in issued
    )


def test_another_secret_does_not_accept_the_id() -> None:
    conversation_id = ConversationIds(SECRET).issue()
    assert not ConversationIds("t" * 32).is_genuine(conversation_id)


@pytest.mark.parametrize(
    "made_up",
    [
        None,
        42,
        "",
        "socketio-test-visitor",
        "0" * 48,
        "a" * 47,
        "../../etc/passwd",
        ["a", "list"],
    ],
)
def test_made_up_ids_are_refused(made_up: Any) -> None:
    assert not ConversationIds(SECRET).is_genuine(made_up)


def test_an_altered_id_is_refused() -> None:
    ids = ConversationIds(SECRET)
    conversation_id = ids.issue()
    for position in (0, 23, 24, 47):
        changed = "0" if conversation_id[position] != "0" else "1"
        altered = conversation_id[:position] + changed + conversation_id[position + 1 :]
        assert not ids.is_genuine(altered)
    assert not ids.is_genuine(conversation_id.upper())


@pytest.mark.parametrize("secret", ["", "changeme", " " * 40, "x" * 31])
def test_a_missing_or_short_secret_is_refused_with_the_command_that_makes_one(
    secret: str,
) -> None:
    with pytest.raises(ValueError, match="CONVERSATION_ID_SECRET.*secrets.token_hex"):
        ConversationIds(secret)
