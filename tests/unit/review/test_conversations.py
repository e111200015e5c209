"""What staff see and do in the review app, on SQLite and on a real PostgreSQL.

Filters, counts, the transcript (escaped), review status, tags, notes, export
(web and CLI) and retention, over conversations stored by Rasa's own tracker store.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from review.cli import main as review_cli
from review.schema import CONVERSATION_TABLES, audit_log
from storage.retention import apply_retention
from tests.support.review_client import post_form, review_app, signed_in_client
from tests.support.review_data import (
    SCRIPT_PAYLOAD,
    at,
    bot,
    sample_conversations,
    store,
    stored_database,
    visitor,
)

ALL_IDS = {"emergency-1", "crisis-1", "intake-1", "unanswered-1", "disliked-1", "plain-1"}


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    yield from stored_database(database_url, sample_conversations())


@pytest.fixture
def client(engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(review_app(engine), engine)


@pytest.fixture
def admin(engine: sa.engine.Engine) -> FlaskClient:
    """An administrator: bulk export is theirs only (test_staff_reads.py)."""
    return signed_in_client(review_app(engine), engine, "lee@center.example", admin=True)


def listed(client: FlaskClient, query: str = "") -> list[str]:
    """The conversation ids on the list page, in the order shown."""
    page = client.get(f"/conversations?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return [part.split('"', 1)[0] for part in html.split('<a href="/conversations/')[1:]]


def test_the_list_is_newest_first(client: FlaskClient) -> None:
    assert listed(client) == [
        "plain-1",
        "disliked-1",
        "unanswered-1",
        "intake-1",
        "crisis-1",
        "emergency-1",
    ]


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("emergency", ["emergency-1"]),
        ("crisis", ["crisis-1"]),
        ("intake", ["intake-1"]),
        ("unanswered", ["unanswered-1"]),
        ("thumbs_down", ["disliked-1"]),
    ],
)
def test_each_flag_filters_to_its_conversations(
    client: FlaskClient, flag: str, expected: list[str]
) -> None:
    assert listed(client, f"flag={flag}") == expected


def test_counts_per_flag_are_shown(client: FlaskClient) -> None:
    html = client.get("/conversations").get_data(as_text=True)
    for label in (
        "Emergency (911 guidance) (1)",
        "Crisis (988 guidance) (1)",
        "Thumbs down on an answer (1)",
    ):
        assert label in html


def test_date_range_topic_and_text_search(client: FlaskClient) -> None:
    assert listed(client, "from=2026-11-22&to=2026-11-23") == ["unanswered-1", "intake-1"]
    assert listed(client, "topic=faq/addiction") == ["disliked-1"]
    assert listed(client, "q=MOUNTAINS") == ["unanswered-1"]
    assert listed(client, "q=100%25") == []  # LIKE wildcards are searched literally
    assert listed(client, "flag=emergency&from=2026-11-21") == []


def test_bad_filter_input_gets_a_polite_message_not_an_error(client: FlaskClient) -> None:
    page = client.get("/conversations?from=26/11/2026&flag=bogus&page=abc&status=maybe")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "must look like 2026-11-26" in html and "unknown flag" in html
    assert len(listed(client, "from=26/11/2026")) == len(ALL_IDS)


def test_the_list_pages_through_many_conversations(
    engine: sa.engine.Engine, database_url: str, client: FlaskClient
) -> None:
    many = {
        f"visitor-{number:03d}": [
            visitor("is it addictive", "faq/addiction", at("2026-10-01") + number)
        ]
        for number in range(120)
    }
    store(database_url, many)
    first, third = (
        listed(client, "topic=faq/addiction"),
        listed(client, "topic=faq/addiction&page=3"),
    )
    assert len(first) == 50 and first[0] == "disliked-1" and first[1] == "visitor-119"
    assert third == [f"visitor-{number:03d}" for number in range(20, -1, -1)]
    assert "Page 3 of 3" in client.get("/conversations?topic=faq/addiction&page=3").get_data(
        as_text=True
    )


def test_the_transcript_shows_turns_intents_actions_and_flags_all_escaped(
    client: FlaskClient,
) -> None:
    html = client.get("/conversations/emergency-1").get_data(as_text=True)
    assert SCRIPT_PAYLOAD not in html
    assert "&lt;script&gt;document.title=" in html  # shown as text
    assert "<img src=x" not in html
    assert "report_emergency" in html and "(99 %)" in html
    assert "action_emergency_guidance" in html
    assert "Call 911 now." in html
    assert "Emergency (911 guidance)" in html
    assert "2026-11-20 10:00:00" in html  # the center's time zone


def test_the_transcript_marks_a_message_that_got_the_safety_caution(
    client: FlaskClient, database_url: str
) -> None:
    cautioned = visitor(
        "how long does it take to feel nothing at all", "faq/how_it_works", at("2026-11-21")
    )
    cautioned.parse_data["semantic_safety"] = {"caution": True, "route": None}
    plain = visitor("what is klonopin", "faq/what_is", at("2026-11-21", "10:01"))
    store(database_url, {"cautioned-1": [cautioned, plain]})

    html = client.get("/conversations/cautioned-1").get_data(as_text=True)

    assert html.count("Safety caution") == 1
    assert html.index("Safety caution") < html.index("what is klonopin")


def test_viewing_a_transcript_is_audited(client: FlaskClient, engine: sa.engine.Engine) -> None:
    client.get("/conversations/crisis-1")
    with engine.connect() as connection:
        entry = connection.execute(
            sa.select(audit_log).where(audit_log.c.action == "viewed conversation")
        ).one()
    assert (entry.actor, entry.target) == ("ana@center.example", "crisis-1")


def test_an_unknown_conversation_is_a_polite_404(client: FlaskClient) -> None:
    response = client.get("/conversations/no-such-visitor")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_marking_reviewed_then_filtering_by_status(client: FlaskClient) -> None:
    page = "/conversations/crisis-1"
    post_form(client, "/review/status", page, conversation="crisis-1", reviewed="yes")
    assert "Reviewed by ana@center.example" in client.get(page).get_data(as_text=True)
    assert listed(client, "status=reviewed") == ["crisis-1"]
    assert "crisis-1" not in listed(client, "status=new")


def test_new_visitor_messages_reopen_a_reviewed_conversation(
    client: FlaskClient, database_url: str
) -> None:
    page = "/conversations/crisis-1"
    post_form(client, "/review/status", page, conversation="crisis-1", reviewed="yes")
    store(
        database_url,
        {
            "crisis-1": [
                *sample_conversations()["crisis-1"],
                visitor("are you still there", "greet", at("2026-11-26")),
            ]
        },
    )
    assert "crisis-1" in listed(client, "status=new")


def test_tags_are_added_filtered_on_and_removed(client: FlaskClient) -> None:
    page = "/conversations/intake-1"
    post_form(client, "/review/tag", page, conversation="intake-1", tag="  Follow Up ")
    assert "follow up" in client.get(page).get_data(as_text=True)
    assert listed(client, "tag=follow up") == ["intake-1"]
    refused = post_form(client, "/review/tag", page, conversation="intake-1", tag="<b>x</b>")
    assert refused.status_code == 302
    assert "A tag is 1 to 40" in client.get(page).get_data(as_text=True)
    post_form(client, "/review/untag", page, conversation="intake-1", tag="follow up")
    assert listed(client, "tag=follow up") == []


def test_private_notes_are_kept_with_author_and_escaped(client: FlaskClient) -> None:
    page = "/conversations/emergency-1"
    note = "Called back? <script>alert(1)</script> discussed at team meeting"
    post_form(client, "/review/note", page, conversation="emergency-1", note=note)
    html = client.get(page).get_data(as_text=True)
    assert "discussed at team meeting" in html and "<script>alert(1)" not in html
    assert "ana@center.example," in html
    empty = post_form(client, "/review/note", page, conversation="emergency-1", note="   ")
    assert empty.status_code == 302
    assert "The note is empty." in client.get(page).get_data(as_text=True)


def test_csv_export_holds_the_filtered_set_and_is_spreadsheet_safe(
    admin: FlaskClient, engine: sa.engine.Engine
) -> None:
    response = admin.get("/export?format=csv&topic=faq/withdrawal")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {row["conversation"] for row in rows} == {"plain-1"}
    assert rows[0]["speaker"] == "visitor" and rows[0]["text"].startswith("'=HYPERLINK")
    with engine.connect() as connection:
        entry = connection.execute(
            sa.select(audit_log).where(audit_log.c.action == "exported")
        ).one()
    assert entry.target == "topic=faq/withdrawal" and entry.detail == "CSV, 1 conversations"


def test_json_export_of_emergencies(admin: FlaskClient) -> None:
    exported = json.loads(admin.get("/export?format=json&flag=emergency").get_data(as_text=True))
    assert [item["conversation"] for item in exported] == ["emergency-1"]
    assert exported[0]["flags"]["emergency"] is True
    assert exported[0]["turns"][0]["speaker"] == "visitor"
    assert exported[0]["turns"][0]["text"].startswith(SCRIPT_PAYLOAD)


def test_export_from_the_command_line_is_audited(
    engine: sa.engine.Engine, database_url: str, tmp_path: Path
) -> None:
    output = tmp_path / "unanswered.json"
    status = review_cli(
        [
            "--database-url",
            database_url,
            "export",
            "--format",
            "json",
            "--flag",
            "unanswered",
            "-o",
            str(output),
        ]
    )
    assert status == 0
    assert [item["conversation"] for item in json.loads(output.read_text())] == ["unanswered-1"]
    assert oct(output.stat().st_mode & 0o777) == "0o600"
    with engine.connect() as connection:
        entry = connection.execute(
            sa.select(audit_log).where(audit_log.c.action == "exported")
        ).one()
    assert entry.actor.startswith("cli:") and entry.target == "flag=['unanswered']"


def test_retention_removes_old_conversations_from_the_review_app_too(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    post_form(
        client, "/review/note", "/conversations/emergency-1", conversation="emergency-1", note="x"
    )
    post_form(
        client, "/review/tag", "/conversations/emergency-1", conversation="emergency-1", tag="t"
    )
    report = apply_retention(engine, days=3, dry_run=False, now=at("2026-11-26", "12:00"))
    assert report.conversations == 4  # the 20th to the 23rd
    assert listed(client) == ["plain-1", "disliked-1"]
    with engine.connect() as connection:
        for table in CONVERSATION_TABLES:
            senders = set(
                connection.execute(sa.text(f"SELECT DISTINCT sender_id FROM {table}")).scalars()
            )
            assert senders <= {"plain-1", "disliked-1"}, table
    assert client.get("/conversations/emergency-1").status_code == 404


def test_the_dashboard_draws_every_chart(client: FlaskClient) -> None:
    html = client.get("/?days=365").get_data(as_text=True)
    for title in (
        "Conversations per day",
        "Top topics",
        "Unanswered rate per week",
        "emergency or a crisis, per week",
        "thumbs up and down per answer",
    ):
        assert title in html
    assert "utter_faq/addiction" in html and "faq/withdrawal" in html


def test_the_unanswered_report_lists_what_the_bot_could_not_answer(
    client: FlaskClient, database_url: str
) -> None:
    late = at("2026-11-26", "09:00")
    store(
        database_url,
        {
            "mars-2": [
                visitor("which mountains on mars are tallest", "nlu_fallback", late, 0.2),
                bot("Sorry, I didn't catch that.", late + 1, "utter_ask_rephrase"),
            ]
        },
    )
    html = client.get("/unanswered?days=365").get_data(as_text=True)
    assert "2 ×" in html and "mountain" in html
    assert "what colour are the mountains on mars" in html
    assert "is klonopin addictive" not in html  # answered questions are not listed
