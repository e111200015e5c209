"""storage/tracker_store.py: conversations run through the bot, then the raw database rows.

Every identifier planted in tests/redaction_corpus.yml must be absent from what
was written (the assistant's own response texts aside: they are stored as written, and
name the helplines some planted messages also contain), and the bot must have answered
exactly as with no redaction. On SQLite (the default) and on a real PostgreSQL server
(devtools/services.py).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import sqlalchemy as sa

from devtools.nlu_evaluation import agent_without_action_server
from devtools.project_files import load_yaml
from storage.redaction import strings_in
from storage.tracker_store import assistant_strings

CORPUS = load_yaml("tests/redaction_corpus.yml")
PLANTED = CORPUS["redacted"]


async def bot_texts(agent: Any, sender_id: str, message: str) -> list[str]:
    return [
        reply.get("text", "") for reply in await agent.handle_text(message, sender_id=sender_id)
    ]


def load_agent(tracker_store_url: str | None = None) -> Any:
    """The trained bot, answering without the actions, storing in `tracker_store_url`."""
    from rasa.shared.core.domain import Domain

    from storage.tracker_store import RedactingSQLTrackerStore

    if tracker_store_url is None:
        return agent_without_action_server()
    store = RedactingSQLTrackerStore(Domain.load("domain.yml"), host=tracker_store_url)
    return agent_without_action_server(store)


@pytest.fixture(scope="module")
def plain_answers() -> dict[str, list[str]]:
    """What the bot answers every planted message with, stored nowhere."""
    agent = load_agent()

    async def answer_all() -> dict[str, list[str]]:
        return {
            case["text"]: await bot_texts(agent, f"plain-{number}", case["text"])
            for number, case in enumerate(PLANTED)
        }

    return asyncio.run(answer_all())


async def test_no_planted_identifier_reaches_the_database_and_answers_are_unchanged(
    database_url: str, plain_answers: dict[str, list[str]]
) -> None:
    agent = load_agent(database_url)
    for number, case in enumerate(PLANTED):
        answer = await bot_texts(agent, f"redaction-{number}", case["text"])
        assert answer == plain_answers[case["text"]], case["text"]

    with sa.create_engine(database_url).connect() as connection:
        rows = [data for (data,) in connection.execute(sa.text("SELECT data FROM events"))]
    # Everything stored but the assistant's own response texts, kept as written (they name
    # the helplines a visitor may also type).
    own_words = assistant_strings(agent.domain)
    stored = "\n".join(
        text for data in rows for text in strings_in(json.loads(data)) if text not in own_words
    ).lower()
    assert len(rows) > len(PLANTED)
    leaked = [
        identifier
        for case in PLANTED
        for identifier in case["identifiers"]
        if identifier.lower() in stored
    ]
    assert leaked == []

    await agent.handle_text("my name is Dana Whitfield, call me at 816.555.0199", sender_id="back")
    tracker = await agent.tracker_store.retrieve("back")
    texts = [event.text for event in tracker.events if getattr(event, "text", None)]
    assert texts[0] == "my name is [NAME], call me at [PHONE]"  # read back redacted too
