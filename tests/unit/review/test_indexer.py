"""review/indexer.py: summaries built incrementally from Rasa's events, batch by batch."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from review.cli import main as review_cli
from review.indexer import message_topic, refresh_index
from review.schema import conversations, create_tables, messages
from tests.support.review_data import at, sample_conversations, store, visitor


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


def summary(engine: sa.engine.Engine, sender_id: str) -> dict:
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(conversations).where(conversations.c.sender_id == sender_id)
        ).one()
    return dict(row._mapping)


def test_only_new_events_are_read_and_totals_add_up_across_batches(database_url: str) -> None:
    store(database_url, sample_conversations())
    engine = sa.create_engine(database_url)
    create_tables(engine)
    first = refresh_index(engine, batch_size=2)
    assert first > 6
    assert refresh_index(engine) == 0  # nothing new

    store(
        database_url,
        {
            "emergency-1": [
                *sample_conversations()["emergency-1"],
                visitor("he is breathing now", "report_emergency", at("2026-11-20", "10:05")),
                visitor("what is klonopin", "faq/what_is_clonazepam", at("2026-11-20", "10:06")),
            ]
        },
    )
    assert refresh_index(engine, batch_size=1) >= 2
    emergency = summary(engine, "emergency-1")
    assert emergency["visitor_messages"] == 3 and emergency["emergency"] is True
    assert emergency["crisis"] is False and emergency["unanswered"] == 0
    assert summary(engine, "disliked-1")["thumbs_down"] == 1
    assert summary(engine, "plain-1")["thumbs_up"] == 1
    with engine.connect() as connection:
        topics = connection.execute(
            sa.select(messages.c.topic).where(messages.c.sender_id == "emergency-1")
        ).scalars()
        assert list(topics) == ["report_emergency", "report_emergency", "faq/what_is_clonazepam"]


def test_an_unreadable_event_is_skipped_not_fatal(database_url: str) -> None:
    store(database_url, sample_conversations())
    engine = sa.create_engine(database_url)
    create_tables(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES ('broken-1', 'user', 1.0, 'not json')"
            )
        )
    assert refresh_index(engine) > 0
    assert summary(engine, "broken-1")["visitor_messages"] == 0


def test_nothing_to_index_before_the_bot_stored_anything(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    create_tables(engine)
    assert refresh_index(engine) == 0


def test_retrieval_intents_are_topics_and_others_are_intents() -> None:
    faq = visitor("can I drink on it", "faq/alcohol", 1.0, 0.81).parse_data
    assert message_topic(faq) == ("faq/alcohol", 0.81)
    assert message_topic({"intent": {"name": "greet", "confidence": 1.0}}) == ("greet", 1.0)
    assert message_topic({}) == ("unknown", None)


def test_accounts_are_created_disabled_and_listed_from_the_command_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    create = ["--database-url", database_url, "create-account", "--email", "Lee@Center.example"]
    assert review_cli([*create, "--name", "Lee Test", "--admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    again = [*create[:-1], "kim@center.example", "--name", "Kim", "--password-stdin"]
    assert review_cli(again) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    assert (
        review_cli(
            ["--database-url", database_url, "disable-account", "--email", "lee@center.example"]
        )
        == 0
    )
    capsys.readouterr()
    assert review_cli(["--database-url", database_url, "list-accounts"]) == 0
    assert capsys.readouterr().out.strip() == "lee@center.example\tLee Test\tadmin\tdisabled"
