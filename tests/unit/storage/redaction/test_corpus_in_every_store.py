"""The corpus through every store: no planted identifier in the database, review tables, exports
or audit log (#17, point 7).

Each message of tests/redaction_corpus.yml is a conversation, written by the redacting tracker
store as the bot writes it (the visitor's text in the event, its parse data and metadata, a slot
and a bot reply filled in with it); the review app then indexes it, a signed-in admin opens the
list, each conversation, the unanswered report and both exports, and every row of the tables
that hold conversations or the audit log is searched, as are the exports. On SQLite, and on a
real PostgreSQL server with `-m server`. tests/model/test_redacting_tracker_store.py does the same
for the database through the trained bot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from devtools.project_files import PROJECT_ROOT, load_yaml
from review.schema import (
    audit_log,
    conversations,
    create_tables,
    events,
    feedback,
    index_state,
    messages,
    notes,
    tags,
)
from storage.tracker_store import RedactingSQLTrackerStore
from tests.support.review_client import review_app, signed_in_client
from tests.support.review_data import at, reset_database

PLANTED: list[dict[str, Any]] = load_yaml("tests/redaction_corpus.yml")["redacted"]
# The tables that hold conversations, what staff made of them, and the audit log; not the staff
# accounts and sessions, whose random password hashes and tokens could hold a short name by chance.
CONVERSATION_TABLES = (
    events,
    conversations,
    messages,
    feedback,
    tags,
    notes,
    index_state,
    audit_log,
)


def conversation(number: int, text: str) -> list[Any]:
    """What the bot stores for one visitor message, with fixed times (no chance digits)."""
    start = at("2026-11-20") + number * 60
    parse_data = {
        "text": text,
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "entities": [{"entity": "free_text", "value": text, "start": 0, "end": len(text)}],
    }
    return [
        ActionExecuted("action_listen", timestamp=start),
        UserUttered(
            text, parse_data["intent"], [], parse_data, timestamp=start + 1, metadata={"echo": text}
        ),
        SlotSet("safety_reason", f"pattern: {text}", timestamp=start + 2),
        BotUttered(f"You wrote: {text}", {}, {"utter_action": "utter_ask_rephrase"}, start + 3),
        ActionExecuted("action_listen", timestamp=start + 4),
    ]


@pytest.fixture(scope="module")
def stored(database_url: str) -> Iterator[sa.engine.Engine]:
    """The corpus saved by the redacting tracker store, in an emptied database."""
    engine = reset_database(database_url)
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = RedactingSQLTrackerStore(domain, host=database_url)

    async def save_all() -> None:
        for number, case in enumerate(PLANTED):
            events = conversation(number, case["text"])
            await store.save(DialogueStateTracker.from_events(f"corpus-{number}", events))

    asyncio.run(save_all())
    store.engine.dispose()
    create_tables(engine)
    yield engine
    engine.dispose()


def leaked(text: str) -> list[str]:
    """The planted identifiers found in the text, case aside."""
    lowered = text.lower()
    return [
        identifier
        for case in PLANTED
        for identifier in case["identifiers"]
        if identifier.lower() in lowered
    ]


def table_dump(engine: sa.engine.Engine) -> str:
    """Every value of every row of the conversation tables and the audit log, as text."""
    with engine.connect() as connection:
        return "\n".join(
            str(value)
            for table in CONVERSATION_TABLES
            for row in connection.execute(sa.select(table))
            for value in row
        )


def test_no_planted_identifier_reaches_any_store(stored: sa.engine.Engine) -> None:
    client = signed_in_client(review_app(stored), stored, admin=True)
    pages = [client.get("/conversations"), client.get("/unanswered?days=3650")]
    pages += [client.get(f"/conversations/corpus-{number}") for number in range(len(PLANTED))]
    exports = [client.get(f"/export?format={kind}") for kind in ("csv", "json")]
    assert all(page.status_code == 200 for page in pages + exports)

    with stored.connect() as connection:
        count = sa.select(sa.func.count())
        indexed = connection.execute(count.select_from(messages)).scalar_one()
        audited = connection.execute(count.select_from(audit_log)).scalar_one()
    assert indexed == len(PLANTED)  # the review tables hold every message ...
    assert audited >= len(PLANTED) + 3  # ... and the audit log every view and export
    exported = [export.get_data(as_text=True) for export in exports]
    assert all("[PHONE]" in body and "[ID_NUMBER]" in body for body in exported)

    assert leaked(table_dump(stored)) == []
    assert leaked("\n".join(exported)) == []
    assert leaked("\n".join(page.get_data(as_text=True) for page in pages)) == []
