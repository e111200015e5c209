"""Languages in the review app (#16): indexed from the `language` slot, filtered, reported.

On SQLite and on a real PostgreSQL, over conversations stored by Rasa's own tracker
store (tests/support/review_data.py: made-up conversations, no real personal data).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from review.cli import main as review_cli
from review.dashboard import build_dashboard
from review.indexer import LANGUAGES_INDEXED, LanguageTrack, language_code, refresh_index
from review.schema import audit_log, conversations, create_tables, index_state, messages
from tests.support.review_client import post_form, review_app, signed_in_client
from tests.support.review_data import (
    CENTER_TIME,
    at,
    bilingual_conversations,
    bot,
    new_session,
    reset_database,
    sample_conversations,
    slot,
    store,
    stored_database,
    visitor,
)

SPANISH_IDS = ["new-session-1", "switch-back-1", "switch-1", "spanish-1"]  # newest first
# Each conversation's language now, its languages, and its messages' languages in order.
EXPECTED = {
    "plain-1": ("en", "en", ["en"]),
    "emergency-1": ("en", "en", ["en"]),
    "spanish-1": ("es", "es", ["es", "es", "es"]),
    "switch-1": ("es", "en,es", ["en", "es", "es"]),
    "switch-back-1": ("en", "en,es", ["es", "en", "en"]),
    "new-session-1": ("en", "en,es", ["es", "en"]),
}


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    conversations = {**sample_conversations(), **bilingual_conversations()}
    yield from stored_database(database_url, conversations)


@pytest.fixture
def client(engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(review_app(engine), engine)


@pytest.fixture
def admin(engine: sa.engine.Engine) -> FlaskClient:
    """An administrator: bulk export is theirs only (test_staff_reads.py)."""
    return signed_in_client(review_app(engine), engine, "lee@center.example", admin=True)


def indexed(engine: sa.engine.Engine, sender_id: str) -> tuple[str, str, list[str]]:
    """The conversation's language, languages and its messages' languages."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(conversations.c.language, conversations.c.languages).where(
                conversations.c.sender_id == sender_id
            )
        ).one()
        answered_in = connection.execute(
            sa.select(messages.c.language)
            .where(messages.c.sender_id == sender_id)
            .order_by(messages.c.event_id)
        ).scalars()
        return row.language, row.languages, list(answered_in)


def listed(client: FlaskClient, query: str = "") -> list[str]:
    """The conversation ids on the list page, in the order shown."""
    page = client.get(f"/conversations?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return [part.split('"', 1)[0] for part in html.split('<a href="/conversations/')[1:]]


# --- Indexing ----------------------------------------------------------------------------


def test_the_slot_value_is_a_language_code_or_english() -> None:
    assert language_code("es") == "es" and language_code(" ES ") == "es"
    for odd in (None, "", 42, "es,en", "spanish", {"value": "es"}):
        assert language_code(odd) == "en"


def test_a_language_slot_belongs_to_the_message_before_it_until_a_new_session() -> None:
    track = LanguageTrack()
    for event_id, event in enumerate(
        [
            {"event": "slot", "name": "language", "value": "es"},  # before any message
            {"event": "user"},
            {"event": "slot", "name": "language", "value": "en"},
            {"event": "bot"},
            {"event": "user"},
            {"event": "slot", "name": "language", "value": "es"},
            {"event": "slot", "name": "other", "value": "en"},
            {"event": "session_started"},
            {"event": "slot", "name": "language", "value": "es"},  # carried over
            {"event": "user"},
        ]
    ):
        track.add(event_id, event)
    assert track.earlier_message == (0, "es")
    assert track.of_message == {1: "en", 4: "es", 9: "es"}
    assert track.language == "es"


@pytest.mark.parametrize("batch_size", [5_000, 1])
def test_languages_are_indexed_from_the_slot_events(
    engine: sa.engine.Engine, batch_size: int
) -> None:
    create_tables(engine)
    assert refresh_index(engine, batch_size=batch_size) > 0
    for sender_id, expected in EXPECTED.items():
        assert indexed(engine, sender_id) == expected, sender_id
    assert refresh_index(engine) == 0  # re-indexing reads nothing and changes nothing
    assert indexed(engine, "switch-1") == EXPECTED["switch-1"]


def test_a_switch_whose_slot_event_comes_in_a_later_refresh(
    engine: sa.engine.Engine, database_url: str
) -> None:
    create_tables(engine)
    switch = bilingual_conversations()["switch-1"]
    late = at("2026-11-26")
    store(database_url, {"later-1": switch[:3]})  # the bot saved "en español" but not yet its slot
    refresh_index(engine)
    assert indexed(engine, "later-1") == ("en", "en", ["en", "en"])
    store(database_url, {"later-1": [*switch, visitor("gracias", "thank", late)]})
    refresh_index(engine)
    assert indexed(engine, "later-1") == ("es", "en,es", ["en", "es", "es", "es"])


def test_a_slot_after_a_new_session_in_a_later_batch_is_not_the_earlier_message_s(
    engine: sa.engine.Engine, database_url: str
) -> None:
    create_tables(engine)
    start = at("2026-11-26")
    carried = [
        visitor("hi", "greet", start),
        bot("Hi!", start + 1),
        *new_session(start + 7_200),
        slot("language", "es", start + 7_200),
        visitor("hola otra vez", "greet", start + 7_201),
    ]
    store(database_url, {"carried-1": carried})
    refresh_index(engine, batch_size=1)
    assert indexed(engine, "carried-1") == ("es", "en,es", ["en", "es"])


def test_an_older_database_gets_the_language_columns_and_its_conversations_languages(
    engine: sa.engine.Engine, client: FlaskClient, database_url: str
) -> None:
    post_form(
        client, "/review/status", "/conversations/switch-1", conversation="switch-1", reviewed="yes"
    )
    before = client.get("/conversations?language=es")
    assert before.status_code == 200
    with engine.begin() as connection:  # as the database was before the columns existed
        connection.execute(sa.text("ALTER TABLE review_conversation DROP COLUMN languages"))
        connection.execute(sa.text("ALTER TABLE review_conversation DROP COLUMN language"))
        connection.execute(sa.text("ALTER TABLE review_message DROP COLUMN language"))
        connection.execute(index_state.delete().where(index_state.c.name == LANGUAGES_INDEXED))

    create_tables(engine)
    create_tables(engine)  # a second start changes nothing
    for sender_id, expected in EXPECTED.items():
        assert indexed(engine, sender_id) == expected, sender_id
    with engine.connect() as connection:
        switch = connection.execute(
            sa.select(conversations).where(conversations.c.sender_id == "switch-1")
        ).one()
    assert switch.reviewed is True and switch.visitor_messages == 3  # nothing counted twice
    store(
        database_url,
        {
            "switch-1": [
                *bilingual_conversations()["switch-1"],
                visitor("english please", "speak_english", at("2026-11-26")),
                slot("language", "en", at("2026-11-26") + 1),
            ]
        },
    )
    assert refresh_index(engine) == 2
    assert indexed(engine, "switch-1") == ("en", "en,es", ["en", "es", "es", "en"])


# --- Pages -------------------------------------------------------------------------------


def test_the_list_filters_by_language(client: FlaskClient, admin: FlaskClient) -> None:
    assert listed(client, "language=es") == SPANISH_IDS
    english = listed(client, "language=en")
    assert "spanish-1" not in english and len(english) == 9  # the switches are in both
    assert len(listed(client)) == 10
    assert listed(client, "language=es&flag=unanswered") == [
        "switch-back-1",
        "switch-1",
        "spanish-1",
    ]
    html = admin.get("/conversations?language=es").get_data(as_text=True)
    assert '<option value="es" selected>Spanish</option>' in html
    assert "Unanswered question (3)" in html  # the flag counts follow the language filter
    assert "/export?format=csv&amp;language=es" in html


def test_an_unknown_language_is_ignored_politely(client: FlaskClient) -> None:
    page = client.get("/conversations?language=fr")
    assert page.status_code == 200
    assert "unknown language" in page.get_data(as_text=True)
    assert len(listed(client, "language=fr")) == 10


def test_the_list_has_a_language_column(client: FlaskClient) -> None:
    html = client.get("/conversations").get_data(as_text=True)
    assert '<th scope="col">Language</th>' in html
    rows = {
        part.split('"', 1)[0]: part.split("</tr>", 1)[0]
        for part in html.split('<a href="/conversations/')[1:]
    }
    assert '<abbr title="Spanish">ES</abbr></td>' in rows["spanish-1"]
    assert '<abbr title="English">EN</abbr>, <abbr title="Spanish">ES</abbr>' in rows["switch-1"]
    assert '<td class="language"><abbr title="English">EN</abbr></td>' in rows["plain-1"]


def test_the_transcript_shows_the_languages(client: FlaskClient) -> None:
    html = client.get("/conversations/switch-1").get_data(as_text=True)
    assert "Languages: English and Spanish (now Spanish)." in html
    assert html.count("answered in Spanish") == 2 and html.count("answered in English") == 1
    assert "Language: Spanish." in client.get("/conversations/spanish-1").get_data(as_text=True)
    plain = client.get("/conversations/plain-1").get_data(as_text=True)
    assert "Language: English." in plain and "answered in" not in plain


def sections(html: str) -> dict[str, str]:
    """The unanswered report's sections by their heading's language."""
    parts = html.split('<section class="language-section"')[1:]
    return {part.split("</h2>", 1)[0].rsplit(">", 1)[1].split(":", 1)[0]: part for part in parts}


def test_the_unanswered_report_has_a_section_per_language(client: FlaskClient) -> None:
    html = client.get("/unanswered?days=365").get_data(as_text=True)
    found = sections(html)
    assert list(found) == ["English", "Spanish"]
    assert "English: 2 messages in" in html and "Spanish: 3 messages in" in html
    english, spanish = found["English"], found["Spanish"]
    assert "what colour are the mountains on mars" in english
    assert "what colour are the pills on mars" in english  # answered after "english please"
    assert "cuánto cuesta" not in english
    assert "cuánto cuesta en una farmacia" in spanish and "sin receta" in spanish
    assert "mars" not in spanish
    assert "2 ×" in spanish  # the two price questions, grouped by wording within Spanish
    assert '<a href="#language-es">Spanish (3)</a>' in html


def test_an_english_only_report_has_one_section(
    engine: sa.engine.Engine, database_url: str
) -> None:
    reset_database(database_url).dispose()
    store(database_url, sample_conversations())
    client = signed_in_client(review_app(engine), engine)
    found = sections(client.get("/unanswered?days=365").get_data(as_text=True))
    assert list(found) == ["English"]


def test_the_dashboard_splits_conversations_by_language(
    engine: sa.engine.Engine, client: FlaskClient
) -> None:
    html = client.get("/?days=365").get_data(as_text=True)
    assert "Conversations per week, by language" in html
    assert "<strong>6</strong> in English" in html
    assert "<strong>1</strong> in Spanish" in html
    assert "<strong>3</strong> in English and Spanish" in html

    data = build_dashboard(engine, CENTER_TIME, 30, today=date(2026, 11, 30))
    assert data.conversations_by_language == [
        ("English", 6),
        ("Spanish", 1),
        ("English and Spanish", 3),
    ]
    weeks = {week: index for index, week in enumerate(data.weeks)}
    split = data.conversations_per_week_by_language
    assert list(split) == ["English", "Spanish", "English and Spanish"]
    # Week of Monday 16 November: the four bilingual ones, emergency, crisis, intake.
    assert [split[name][weeks["2026-11-16"]] for name in split] == [3, 1, 3]
    assert [split[name][weeks["2026-11-23"]] for name in split] == [3, 0, 0]
    assert sum(map(sum, split.values())) == data.total_conversations == 10


def test_the_dashboard_lists_both_languages_when_there_is_nothing(
    engine: sa.engine.Engine,
) -> None:
    create_tables(engine)
    refresh_index(engine)
    data = build_dashboard(engine, CENTER_TIME, 30, today=date(2027, 6, 30))
    assert data.conversations_by_language == [("English", 0), ("Spanish", 0)]


# --- Export ------------------------------------------------------------------------------


def test_csv_export_has_each_turn_s_language(admin: FlaskClient, engine: sa.engine.Engine) -> None:
    response = admin.get("/export?format=csv&language=es&q=klonopin")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {row["conversation"] for row in rows} == {"switch-1"}
    assert [(row["speaker"], row["language"]) for row in rows] == [
        ("visitor", "en"),
        ("bot", "en"),
        ("visitor", "es"),
        ("bot", "es"),
        ("visitor", "es"),
        ("bot", "es"),
    ]
    assert {row["conversation_languages"] for row in rows} == {"en es"}
    with engine.connect() as connection:
        entry = connection.execute(
            sa.select(audit_log).where(audit_log.c.action == "exported")
        ).one()
    assert entry.target == "language=es, q=(text search, 8 characters)"  # not "klonopin"


def test_json_export_has_the_conversation_s_languages(admin: FlaskClient) -> None:
    exported = json.loads(admin.get("/export?format=json&language=es").get_data(as_text=True))
    by_id = {item["conversation"]: item for item in exported}
    assert list(by_id) == SPANISH_IDS
    assert by_id["switch-back-1"]["language"] == "en"
    assert by_id["switch-back-1"]["languages"] == ["en", "es"]
    assert by_id["spanish-1"]["languages"] == ["es"]
    assert [turn["language"] for turn in by_id["new-session-1"]["turns"]] == [
        "es",
        "es",
        "en",
        "en",
    ]


def test_export_from_the_command_line_by_language(
    engine: sa.engine.Engine, database_url: str, tmp_path: Path
) -> None:
    output = tmp_path / "spanish.json"
    arguments = ["--database-url", database_url, "export", "--format", "json"]
    assert review_cli([*arguments, "--language", "es", "-o", str(output)]) == 0
    assert [item["conversation"] for item in json.loads(output.read_text())] == SPANISH_IDS


# --- Authorization -----------------------------------------------------------------------


def test_the_language_pages_still_need_a_signed_in_member(engine: sa.engine.Engine) -> None:
    app = review_app(engine)
    stranger = app.test_client()
    for path in (
        "/conversations?language=es",
        "/unanswered?days=365",
        "/?days=365",
        "/export?format=json&language=es",
    ):
        response = stranger.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
        assert "cuánto" not in response.get_data(as_text=True)
    member = signed_in_client(app, engine)
    assert member.get("/conversations?language=es").status_code == 200
    assert member.get("/audit").status_code == 403  # still for administrators only
