"""Conversation ids the server issues, each carrying its own proof (#17, point 2).

A chat widget stores its conversation id and sends it again after a reload to resume
(`session_request`); rasa-webchat does the same. If any id were accepted, whoever
learned or guessed one could join that conversation's room and read its replies, or
post into it. So the id is a random part and an HMAC of it under a server secret:

    <24 hex digits of randomness><24 hex digits of HMAC-SHA256(secret, random)>

Only the server can make a genuine one; a made-up, altered or guessed id is refused
(and the visitor gets a new conversation instead). Every Rasa instance of a deployment
shares the secret (`CONVERSATION_ID_SECRET`), so any of them accepts the others' ids.
The ids are opaque: they never hold anything about the visitor.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

RANDOM_BYTES = 12  # 96 bits: guessing a live id is hopeless
TAG_BYTES = 12
ID_PATTERN = re.compile(rf"^[0-9a-f]{{{2 * (RANDOM_BYTES + TAG_BYTES)}}}$")
MIN_SECRET_LENGTH = 32
MAKE_A_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"


class ConversationIds:
    """Issues conversation ids and tells genuine ones from made-up ones."""

    def __init__(self, secret: str) -> None:
        if not isinstance(secret, str) or len(secret.strip()) < MIN_SECRET_LENGTH:
            raise ValueError(
                "chat_widget: set conversation_id_secret (CONVERSATION_ID_SECRET) to a random "
                f"string of at least {MIN_SECRET_LENGTH} characters, the same for every Rasa "
                f"instance; make one with: {MAKE_A_SECRET}"
            )
        self._key = secret.strip().encode()

    def _tag(self, random_part: str) -> str:
        digest = hmac.new(self._key, random_part.encode(), hashlib.sha256).hexdigest()
        return digest[: 2 * TAG_BYTES]

    def issue(self) -> str:
        """A new conversation id."""
        random_part = secrets.token_hex(RANDOM_BYTES)
        return random_part + self._tag(random_part)

    def is_genuine(self, conversation_id: Any) -> bool:
        """Whether this server (or one sharing its secret) issued the id."""
        if not isinstance(conversation_id, str) or not ID_PATTERN.match(conversation_id):
            return False
        random_part, tag = (
            conversation_id[: 2 * RANDOM_BYTES],
            conversation_id[2 * RANDOM_BYTES :],
        )
        return hmac.compare_digest(tag, self._tag(random_part))
