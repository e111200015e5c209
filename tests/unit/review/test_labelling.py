"""Labelling a whole group of the unanswered report at once (review.labelling; issue #19).

Every visitor message of the group gets the label in one go (a message labelled before is
relabelled), audited once without text; the group's event ids come from the browser and are
checked against the report. On SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from review import labelling, labels
from review.app import UNANSWERED_LIMIT
from review.schema import events
from tests.support.review_client import (
    FakeClock,
    audited,
    post_form,
)
from tests.support.review_data import bot, review_database, visitor

REPORT = "/unanswered?days=30"
ANA = "ana@center.example"
START = time.time() - 3 * 86_400  # in the report's shortest period
MARS = (
    "what colour are the mountains on mars",
    "which mountains on mars are tallest",
    "how tall are the mountains on mars",
)
FOOD = "hows the food at the clinic"
ANSWERED = "is klonopin addictive"
EVENTS_FIELD = re.compile(r'name="events" value="([^"]*)"')


def conversations() -> dict[str, list[Any]]:
    return {
        "mars-1": [
            visitor(MARS[0], "nlu_fallback", START, 0.3),
            bot("Sorry, I didn't catch that.", START + 1, "utter_ask_rephrase"),
            visitor(ANSWERED, "faq/addiction", START + 60, 0.95),
            bot("Yes, it can be habit-forming.", START + 61, "utter_faq/addiction"),
        ],
        "mars-2": [
            visitor(MARS[1], "nlu_fallback", START + 3_600, 0.2),
            bot("Sorry, I didn't catch that.", START + 3_601, "utter_ask_rephrase"),
            visitor(MARS[2], "out_of_scope", START + 3_700, 0.4),
            bot("That is outside what I know.", START + 3_701, "utter_out_of_scope"),
        ],
        "food-1": [
            visitor(FOOD, "nlu_fallback", START + 7_200, 0.3),
            bot("Sorry, I didn't catch that.", START + 7_201, "utter_ask_rephrase"),
        ],
    }


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    yield from review_database(database_url, conversations())


def visitor_events(engine: sa.engine.Engine) -> dict[str, tuple[str, int]]:
    """{text: (conversation, event id)} of every visitor message."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(events.c.id, events.c.sender_id, events.c.data).where(
                events.c.type_name == "user"
            )
        ).all()
    return {json.loads(row.data)["text"]: (row.sender_id, row.id) for row in rows}


def event_of(engine: sa.engine.Engine, text: str) -> int:
    return visitor_events(engine)[text][1]


def group_forms(html: str) -> list[list[int]]:
    """The event ids of each group form of the report, in the page's order."""
    return [[int(part) for part in found.split()] for found in EVENTS_FIELD.findall(html)]


def mars_group(client: FlaskClient) -> list[int]:
    (group,) = [
        ids for ids in group_forms(client.get(REPORT).get_data(as_text=True)) if len(ids) > 1
    ]
    return group


def label_group(client: FlaskClient, ids: list[int] | str, choice: str) -> Any:
    """Posts a group form the way the report's page does."""
    value = ids if isinstance(ids, str) else " ".join(str(event_id) for event_id in ids)
    return post_form(client, "/unanswered/label", REPORT, events=value, choice=choice, days="30")


def group_audit(engine: sa.engine.Engine) -> list[tuple[str, str, str]]:
    return [entry for entry in audited(engine, ANA) if "label" in entry[0]]


def test_each_group_has_a_label_form_with_all_its_messages(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    html = client.get(REPORT).get_data(as_text=True)
    mars = sorted(event_of(engine, text) for text in MARS)
    assert sorted(map(sorted, group_forms(html))) == [mars, [event_of(engine, FOOD)]]
    assert html.count('action="/unanswered/label"') == 2
    assert html.count('name="csrf_token"') >= 3  # the two groups' forms and signing out
    assert '<option value="intent:faq/signs_of_addiction">' in html
    assert '<option value="new_question:">New question: no answer yet</option>' in html
    assert "Label all 3 messages of this group" in html and "Label all 1 message of" in html
    assert f'id="group-{mars_group(client)[0]}"' in html
    assert "Not labelled yet." in html
    assert "<script" not in html  # the forms work without JavaScript


def test_a_group_is_labelled_at_once_relabelled_and_audited_once(
    app: Flask, client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    # One message of the group was labelled (and exported) before, by someone else.
    sender_id, earlier = visitor_events(engine)[MARS[1]]
    labels.set_label(engine, sender_id, earlier, "new_question", "", "ben@center.example", 1.0)
    (old,) = labels.labels_of(engine, sender_id).values()
    labels.mark_exported(engine, [old.id], 2.0)

    ids = mars_group(client)
    clock.advance(minutes=1)
    response = label_group(client, ids, "intent:faq/signs_of_addiction")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/unanswered?days=30#group-{ids[0]}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    question = "&#39;What are the signs of clonazepam addiction?&#39;"
    assert f"Labelled 3 messages: should have been faq/signs_of_addiction — {question}" in page
    assert "3 of 3 labelled." in page
    assert page.count("(labelled: should have been faq/signs_of_addiction") == 3

    found = labels.labels_for(engine, ids)
    assert sorted(found) == sorted(ids)
    for label in found.values():
        assert (label.kind, label.target, label.author) == (
            "intent",
            "faq/signs_of_addiction",
            ANA,
        )
        assert label.at == clock.now and label.exported_at is None  # exported again
    assert found[earlier].id == old.id  # relabelled, not a second label
    assert {label.sender_id for label in found.values()} == {"mars-1", "mars-2"}
    assert labels.labels_for(engine, [event_of(engine, FOOD), event_of(engine, ANSWERED)]) == {}

    listed = ", ".join(str(event_id) for event_id in sorted(ids))
    assert group_audit(engine) == [
        (
            "labelled messages",
            "intent faq/signs_of_addiction",
            f"3 messages of the unanswered report: events {listed}",
        )
    ]
    for _, _, detail in audited(engine, ANA):
        assert "mars" not in detail.lower() and "mountain" not in detail.lower()


def test_a_group_of_one_as_a_new_question(client: FlaskClient, engine: sa.engine.Engine) -> None:
    food = event_of(engine, FOOD)
    client.get(REPORT)
    response = label_group(client, [food], "new_question:")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Labelled 1 message: new question, no answer yet" in page
    assert labels.labels_for(engine, [food])[food].kind == "new_question"
    assert group_audit(engine) == [
        ("labelled messages", "new_question", f"1 message of the unanswered report: events {food}")
    ]


@pytest.mark.parametrize(
    "choice",
    ["intent:faq/no_such_topic", "intent:nlu_fallback", "intent:report_emergency", "urgent:", ""],
)
def test_a_choice_not_in_the_list_is_refused_politely(
    client: FlaskClient, engine: sa.engine.Engine, choice: str
) -> None:
    ids = mars_group(client)
    response = label_group(client, ids, choice)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The labels were not saved:" in page
    assert labels.labels_for(engine, ids) == {}
    assert group_audit(engine) == []


def test_ids_not_of_the_report_are_refused_and_nothing_is_labelled(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    ids = mars_group(client)
    answered = event_of(engine, ANSWERED)  # a visitor message the bot answered
    with engine.connect() as connection:
        bot_event = connection.execute(
            sa.select(sa.func.min(events.c.id)).where(events.c.type_name == "bot")
        ).scalar_one()
        newest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar_one()
    forged = [
        [*ids, answered],
        [answered],
        [*ids, bot_event],
        [*ids, newest + 1],  # no such event
    ]
    malformed = ["", " ", f"{ids[0]} x", f"{ids[0]} -1", f"{ids[0]} ²", "99999999999", "1.5"]
    for value in [*forged, *malformed]:
        response = label_group(client, value, "intent:faq/signs_of_addiction")
        assert response.status_code == 400, value
        assert "Nothing was labelled" in response.get_data(as_text=True)
    too_many = " ".join([str(ids[0])] * (labelling.MAX_GROUP_MESSAGES + 1))
    assert label_group(client, too_many, "new_question:").status_code == 400
    assert labels.labels_for(engine, [*ids, answered, bot_event]) == {}
    assert group_audit(engine) == []


def test_the_same_id_twice_is_labelled_once(client: FlaskClient, engine: sa.engine.Engine) -> None:
    ids = mars_group(client)
    response = label_group(client, [*ids, ids[0]], "crisis:")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Labelled 3 messages: safety: should have been a crisis" in page


def test_strangers_cannot_label_a_group(app: Flask, engine: sa.engine.Engine) -> None:
    ids = " ".join(str(event_of(engine, text)) for text in MARS)
    response = app.test_client().post(
        "/unanswered/label", data={"events": ids, "choice": "crisis:", "days": "30"}
    )
    assert response.status_code == 401
    assert labels.backlog(engine).total == 0


def test_without_its_csrf_token_the_form_is_refused(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    ids = " ".join(str(event_id) for event_id in mars_group(client))
    response = client.post("/unanswered/label", data={"events": ids, "choice": "crisis:"})
    assert response.status_code == 400
    assert labels.backlog(engine).total == 0


def test_a_group_form_holds_every_message_the_report_can_list() -> None:
    assert labelling.MAX_GROUP_MESSAGES >= UNANSWERED_LIMIT


def test_set_labels_labels_many_messages_in_one_go(engine: sa.engine.Engine) -> None:
    """More messages than one query's IN list; a message not a visitor's changes nothing."""
    with engine.begin() as connection:
        first = connection.execute(sa.select(sa.func.max(events.c.id))).scalar_one() + 1
        connection.execute(
            sa.insert(events),
            [
                {
                    "id": first + offset,
                    "sender_id": f"many-{offset % 7}",
                    "type_name": "user",
                    "timestamp": START,
                    "data": '{"text": "same question"}',
                }
                for offset in range(1_100)
            ],
        )
        bot_event = connection.execute(
            sa.select(sa.func.min(events.c.id)).where(events.c.type_name == "bot")
        ).scalar_one()
    ids = list(range(first, first + 1_100))
    assert labels.set_labels(engine, [*ids, bot_event], "crisis", "", "a@b.c", 5.0) is None
    assert labels.backlog(engine).total == 0
    assert labels.set_labels(engine, [], "crisis", "", "a@b.c", 5.0) is None
    with pytest.raises(labels.LabelError):
        labels.set_labels(engine, ids, "intent", "faq/no_such_topic", "a@b.c", 5.0)

    assert labels.set_labels(engine, ids[:600], "crisis", "", "a@b.c", 5.0) == 600
    assert labels.set_labels(engine, ids, "false_alarm", "x", "d@e.f", 6.0) == 1_100
    found = labels.labels_for(engine, ids)
    assert len(found) == 1_100
    assert {(label.kind, label.target, label.author, label.at) for label in found.values()} == {
        ("false_alarm", "", "d@e.f", 6.0)
    }
    assert found[first + 8].sender_id == "many-1"
    backlog = labels.backlog(engine)
    assert (backlog.total, backlog.exported, backlog.open) == (1_100, 0, 1_100)
