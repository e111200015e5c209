"""storage/tracker_store.py: conversations run through the bot, then the raw database rows.

Every identifier planted in tests/redaction_corpus.yml must be absent from what
was written, and the bot must have answered exactly as with no redaction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import latest_model, load_yaml

CORPUS = load_yaml("tests/redaction_corpus.yml")
PLANTED = CORPUS["redacted"]


async def bot_texts(agent: Any, sender_id: str, message: str) -> list[str]:
    return [
        reply.get("text", "") for reply in await agent.handle_text(message, sender_id=sender_id)
    ]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("conversations") / "conversations.db"


@pytest.fixture(scope="module")
def agents(database: Path) -> tuple[Any, Any]:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from storage.tracker_store import RedactingSQLTrackerStore

    nowhere = EndpointConfig(url="http://127.0.0.1:9/webhook")  # answers without the actions
    plain = Agent.load(str(latest_model()), action_endpoint=nowhere)
    redacting = Agent.load(
        str(latest_model()),
        action_endpoint=nowhere,
        tracker_store=RedactingSQLTrackerStore(plain.domain, host=f"sqlite:///{database}"),
    )
    return plain, redacting


async def test_no_planted_identifier_reaches_the_database_and_answers_are_unchanged(
    agents: tuple[Any, Any], database: Path
) -> None:
    plain, redacting = agents
    for number, case in enumerate(PLANTED):
        sender = f"redaction-{number}"
        assert await bot_texts(redacting, sender, case["text"]) == await bot_texts(
            plain, sender, case["text"]
        ), case["text"]

    with sqlite3.connect(database) as connection:
        rows = [data for (data,) in connection.execute("SELECT data FROM events")]
    stored = "\n".join(rows).lower()
    assert len(rows) > len(PLANTED)
    leaked = [
        identifier
        for case in PLANTED
        for identifier in case["identifiers"]
        if identifier.lower() in stored
    ]
    assert leaked == []


async def test_conversation_is_read_back_redacted(agents: tuple[Any, Any]) -> None:
    _, redacting = agents
    await redacting.handle_text(
        "my name is Dana Whitfield, call me at 816.555.0199", sender_id="read-back"
    )
    tracker = await redacting.tracker_store.retrieve("read-back")
    texts = [event.text for event in tracker.events if getattr(event, "text", None)]
    assert texts[0] == "my name is [NAME], call me at [PHONE]"
