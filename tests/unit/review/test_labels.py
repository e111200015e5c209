"""Labelling visitor messages in a transcript (review.labels, review.labelling; issue #19)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from review import labels
from review.schema import create_tables, events
from storage.retention import apply_retention
from tests.support.review_client import (
    FakeClock,
    audited,
    post_form,
    signed_in_client,
)
from tests.support.review_data import at, sample_conversations, store

PAGE = "/conversations/disliked-1"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.engine.Engine]:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store(url, sample_conversations())
    engine = sa.create_engine(url)
    create_tables(engine)
    yield engine
    engine.dispose()


def event_id(engine: sa.engine.Engine, sender_id: str, type_name: str = "user") -> int:
    """The first event of this type in the conversation."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.min(events.c.id)).where(
                    events.c.sender_id == sender_id, events.c.type_name == type_name
                )
            ).scalar_one()
        )


def label(client: FlaskClient, event: int, sender_id: str = "disliked-1", **fields: str) -> str:
    """Posts the label form; the transcript page it redirects to."""
    response = post_form(
        client,
        "/labels",
        f"/conversations/{sender_id}",
        conversation=sender_id,
        event=str(event),
        **fields,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].startswith(f"/conversations/{sender_id}")
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_choices_are_the_registry_topics_and_the_other_intents() -> None:
    choices = labels.label_choices()
    assert (
        labels.Choice("faq/signs_of_addiction", "What are the signs of clonazepam addiction?")
        in choices.faq
    )
    assert [choice.target for choice in choices.intents] == [
        "greet",
        "goodbye",
        "thank",
        "affirm",
        "deny",
        "help",
        "bot_challenge",
        "ask_personal_medical_advice",
        "ask_dose_or_prescription",
        "request_intake",
        "request_callback",
        "cancel",
        "ask_interaction",
        "out_of_scope",
        "speak_spanish",
        "speak_english",
    ]
    assert not {"faq", "nlu_fallback", "report_emergency", "express_crisis"} & choices.targets


def test_each_visitor_turn_has_a_label_form(client: FlaskClient, engine: sa.engine.Engine) -> None:
    html = client.get(PAGE).get_data(as_text=True)
    message = event_id(engine, "disliked-1")
    assert f'id="turn-{message}"' in html
    assert f'name="event" value="{message}"' in html
    assert '<option value="intent:faq/signs_of_addiction">' in html
    assert '<option value="crisis:">Safety: should have been a crisis</option>' in html
    assert '<optgroup label="FAQ topics">' in html and "Remove label" not in html


def test_a_label_is_shown_replaced_and_removed(
    app: Flask, client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    message = event_id(engine, "disliked-1")
    page = label(client, message, choice="intent:faq/signs_of_addiction")
    assert "Label saved." in page
    assert "Labelled by Ana Test, " in page
    question = "&#39;What are the signs of clonazepam addiction?&#39;"
    assert f"should have been faq/signs_of_addiction — {question}" in page
    assert '<option value="intent:faq/signs_of_addiction" selected>' in page
    assert "Remove label" in page

    clock.advance(minutes=5)
    other = signed_in_client(app, engine, email="ben@center.example")
    page = label(other, message, kind="new_question", target="ignored")
    assert "new question, no answer yet" in page and "should have been faq" not in page
    (current,) = labels.labels_of(engine, "disliked-1").values()
    assert (current.kind, current.target, current.author) == (
        "new_question",
        "",
        "ben@center.example",
    )
    assert current.at == clock.now and current.event_id == message

    response = post_form(
        client, "/labels/remove", PAGE, conversation="disliked-1", event=str(message)
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Label removed." in page and "Labelled by" not in page
    assert labels.labels_of(engine, "disliked-1") == {}

    assert [entry for entry in audited(engine, "ana@center.example") if "label" in entry[0]] == [
        ("labelled message", "disliked-1", f"event {message}: intent faq/signs_of_addiction"),
        ("removed label", "disliked-1", f"event {message}"),
    ]
    assert ("labelled message", "disliked-1", f"event {message}: new_question") in audited(
        engine, "ben@center.example"
    )


def test_the_audit_log_never_holds_the_message(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    label(client, event_id(engine, "disliked-1"), choice="intent:faq/signs_of_addiction")
    for _, _, detail in audited(engine, "ana@center.example"):
        assert "klonopin" not in detail.lower()


@pytest.mark.parametrize(
    "fields",
    [
        {"choice": "intent:faq/no_such_topic"},
        {"choice": "intent:nlu_fallback"},
        {"choice": "intent:report_emergency"},
        {"choice": "urgent:"},
        {"kind": "intent", "target": ""},
        {"kind": "", "target": "faq/signs_of_addiction"},
    ],
)
def test_a_choice_not_in_the_list_is_refused_politely(
    client: FlaskClient, engine: sa.engine.Engine, fields: dict[str, str]
) -> None:
    page = label(client, event_id(engine, "disliked-1"), **fields)
    assert "The label was not saved:" in page
    assert labels.labels_of(engine, "disliked-1") == {}
    assert not [entry for entry in audited(engine, "ana@center.example") if "label" in entry[0]]


def test_only_a_visitor_message_of_that_conversation_can_be_labelled(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    def status(sender_id: str, event: str) -> int:
        return int(
            post_form(
                client,
                "/labels",
                PAGE,
                conversation=sender_id,
                event=event,
                choice="intent:faq/signs_of_addiction",
            ).status_code
        )

    assert status("plain-1", str(event_id(engine, "disliked-1"))) == 404  # another's message
    assert status("disliked-1", str(event_id(engine, "disliked-1", "bot"))) == 404  # the bot's
    assert status("disliked-1", "not-a-number") == 404
    assert status("", "1") == 404
    assert labels.labels_of(engine, "disliked-1") == {}


def test_strangers_cannot_label(app: Flask, engine: sa.engine.Engine) -> None:
    stranger = app.test_client()
    message = str(event_id(engine, "disliked-1"))
    for path in ("/labels", "/labels/remove"):
        response = stranger.post(
            path, data={"conversation": "disliked-1", "event": message, "kind": "crisis"}
        )
        assert response.status_code == 401
    assert labels.labels_of(engine, "disliked-1") == {}


def test_pending_labels_carry_the_stored_text_and_retention_deletes_them(
    engine: sa.engine.Engine,
) -> None:
    message = event_id(engine, "disliked-1")
    labels.set_label(
        engine, "disliked-1", message, "intent", "faq/signs_of_addiction", "a@b.c", 1.0
    )
    labels.set_label(
        engine, "plain-1", event_id(engine, "plain-1"), "false_alarm", "", "a@b.c", 2.0
    )
    (pending,) = labels.pending_labels(engine)
    assert pending.text == "is klonopin addictive" and pending.label.event_id == message
    assert len(labels.pending_labels(engine, kind=None)) == 2

    apply_retention(engine, days=3, dry_run=False, now=at("2026-11-27", "12:00"))  # up to 24th
    assert labels.labels_of(engine, "disliked-1") == {}
    assert [p.label.sender_id for p in labels.pending_labels(engine, kind=None)] == ["plain-1"]
