"""The Live now pages, as the intake team uses them during a live takeover.

The Rasa server's takeover endpoints are faked: `FakeTakeover` records each call and,
like channels/takeover.py, appends the pause / notice / message / resume events to
`events`, which the pages read. Conversations are stored by Rasa's own SQLTrackerStore
(tests/support/review_data.py). Times are relative to a fixed clock; every text is made up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    UserUttered,
)

from content.safety_intents import SAFETY_INTENTS
from review import live_data
from review.accounts import create_account
from review.schema import audit_log, create_tables, events
from review.settings import settings_from_environment
from review.takeover_client import TakeoverClient, TakeoverError
from storage import live_chat
from tests.support.review_client import (
    PASSWORD,
    FakeClock,
    csrf_token,
    post_form,
    review_app,
    signed_in_client,
)
from tests.support.review_client import (
    audited as audited_by,
)
from tests.support.review_data import SCRIPT_PAYLOAD, bot, slot, store, visitor

STAFF = "ana@center.example"
ANA = "staff-1"  # her account reference, as conversations store it (the first account)
ALEX_EMAIL = "alex@center.example"
ALEX = "staff-2"  # his, once his account is made after hers
START = 1_750_000_000.0
SECRET = "my sister hides her pills in the garage"  # message text: never on the list
JSON = {"Accept": "application/json"}


def paused(staff: str, timestamp: float) -> list[Event]:
    """What the takeover channel stores when `staff` takes a conversation over."""
    return [
        ConversationPaused(timestamp=timestamp, metadata={"staff": staff}),
        BotUttered(
            "A member of our intake team joined the chat.",
            {},
            {"utter_action": "utter_staff_joined", "staff": staff, "takeover": "joined"},
            timestamp=timestamp,
        ),
    ]


def resumed(staff: str, timestamp: float) -> list[Event]:
    """What it stores when they hand the conversation back."""
    return [
        BotUttered(
            "The intake team left the chat; the assistant answers again.",
            {},
            {"utter_action": "utter_staff_left", "staff": staff, "takeover": "left"},
            timestamp=timestamp,
        ),
        ConversationResumed(timestamp=timestamp, metadata={"staff": staff}),
    ]


def cautious(text: str, timestamp: float) -> UserUttered:
    """A message the semantic safety net was unsure of: 911 and 988 came first."""
    parse_data = {
        "text": text,
        "intent": {"name": "faq/dosage", "confidence": 0.6},
        "semantic_safety": {"caution": True},
    }
    return UserUttered(text, parse_data["intent"], [], parse_data, timestamp=timestamp)


def conversations() -> dict[str, list[Event]]:
    minute = 60.0
    return {
        "recent-1": [
            visitor(f"{SECRET} {SCRIPT_PAYLOAD}", "faq/withdrawal", START - 1 * minute),
            bot("Withdrawal can include anxiety.", START - 1 * minute + 1, "utter_faq/withdrawal"),
        ],
        "old-1": [
            visitor(f"{SECRET} long ago", "faq/addiction", START - 60 * minute),
            bot("Yes, it can be habit-forming.", START - 60 * minute + 1, "utter_faq/addiction"),
        ],
        "emergency-1": [
            visitor(f"{SECRET} and won't wake up", "report_emergency", START - 2 * minute, 1.0),
            slot("safety_mode", "emergency", START - 2 * minute + 1),
            bot("Call 911 now.", START - 2 * minute + 2, "utter_emergency_911"),
        ],
        "crisis-1": [
            visitor(f"{SECRET} I can't go on", "express_crisis", START - 3 * minute, 1.0),
            bot("You can call or text 988.", START - 3 * minute + 1, "utter_crisis_988"),
        ],
        "extra-dose-1": [
            visitor("I took my dose twice", "report_accidental_extra_dose", START - 4 * minute),
            bot("Call Poison Control.", START - 4 * minute + 1, "utter_poison_control"),
        ],
        "caution-1": [
            cautious(f"{SECRET} how much is too much", START - 4.5 * minute),
            bot("If this is an emergency call 911.", START - 4.5 * minute + 1, "utter_caution"),
        ],
        "person-1": [
            visitor("can I talk to a person", "request_human", START - 0.5 * minute),
            bot("Someone can join.", START - 0.5 * minute + 1, "utter_live_chat_available"),
        ],
        # Asked for a person an hour ago, wrote again now: no badge for the old request.
        "person-old-1": [
            visitor("talk to someone", "request_human", START - 60 * minute),
            bot("Call our intake team.", START - 60 * minute + 1, "utter_intake_prompt"),
            visitor("thanks", "thank", START - 1.5 * minute),
        ],
        "spanish-1": [
            visitor("hola, ¿es adictivo?", "faq/addiction", START - 2.5 * minute),
            slot("language", "es", START - 2.5 * minute + 1),
            bot("Sí, puede crear dependencia.", START - 2.5 * minute + 2, "utter_faq/addiction"),
        ],
        # Quiet for two hours, but Alex holds it: listed, with its holder.
        "held-1": [
            visitor(f"{SECRET} earlier", "request_human", START - 120 * minute),
            *paused(ALEX, START - 119 * minute),
        ],
        # Taken over and handed back long ago: not listed.
        "handed-back-1": [
            visitor("earlier still", "request_human", START - 200 * minute),
            *paused(ALEX, START - 199 * minute),
            *resumed(ALEX, START - 190 * minute),
        ],
    }


def append(engine: sa.engine.Engine, sender_id: str, new: Sequence[Event]) -> None:
    """Appends events as Rasa's SQLTrackerStore writes them (type_name, timestamp, data)."""
    with engine.begin() as connection:
        for event in new:
            connection.execute(
                events.insert().values(
                    sender_id=sender_id,
                    type_name=event.type_name,
                    timestamp=event.timestamp,
                    data=json.dumps(event.as_dict()),
                )
            )


class FakeTakeover:
    """The Rasa server's takeover channel: records calls, stores what it would store."""

    def __init__(self, engine: sa.engine.Engine, clock: FakeClock) -> None:
        self.engine = engine
        self.clock = clock
        self.calls: list[tuple[str, ...]] = []
        self.error: TakeoverError | None = None

    def _call(self, *call: str) -> None:
        self.calls.append(call)
        if self.error is not None:
            raise self.error

    def start(self, conversation: str, staff: str) -> dict[str, Any]:
        self._call("start", conversation, staff)
        append(self.engine, conversation, paused(staff, self.clock()))
        return {"status": "taken", "staff": staff}

    def message(self, conversation: str, staff: str, text: str) -> dict[str, Any]:
        self._call("message", conversation, staff, text)
        metadata = {"staff": staff, "takeover": "message"}
        append(self.engine, conversation, [BotUttered(text, {}, metadata, timestamp=self.clock())])
        return {"status": "sent"}

    def end(self, conversation: str, staff: str) -> dict[str, Any]:
        self._call("end", conversation, staff)
        append(self.engine, conversation, resumed(staff, self.clock()))
        return {"status": "handed back"}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store(url, conversations())
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = sa.create_engine(database_url)
    create_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    clock = FakeClock()
    clock.now = START
    return clock


@pytest.fixture
def rasa(engine: sa.engine.Engine, clock: FakeClock) -> FakeTakeover:
    return FakeTakeover(engine, clock)


@pytest.fixture
def app(engine: sa.engine.Engine, clock: FakeClock, rasa: FakeTakeover) -> Flask:
    return review_app(engine, clock=clock, takeover_client=rasa)


@pytest.fixture
def client(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    """Ana, a member of the intake team (not an administrator)."""
    return signed_in_client(app, engine, STAFF)


def audited(engine: sa.engine.Engine, actor: str = STAFF) -> list[tuple[str, str, str]]:
    """The member's audit entries after signing in, oldest first: action, target, detail."""
    return audited_by(engine, actor)


def listed(client: FlaskClient) -> dict[str, dict[str, Any]]:
    response = client.get("/live/list.json")
    assert response.status_code == 200 and response.is_json
    return {row["conversation"]: row for row in response.get_json()["rows"]}


def json_post(client: FlaskClient, path: str, page: str, **fields: str) -> Any:
    """A form sent the way live.js sends it: fetch, CSRF header, asking for JSON."""
    token = csrf_token(client, page)
    return client.post(path, data=fields, headers={**JSON, "X-CSRFToken": token})


def live_row(engine: sa.engine.Engine, actor: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(live_chat.live_staff).where(live_chat.live_staff.c.actor == actor)
        ).first()


# ------------------------------------------------------------------------ the list


def test_the_list_shows_recent_and_held_conversations_newest_first_not_old_ones(
    client: FlaskClient,
) -> None:
    rows = listed(client)
    assert list(rows) == [
        "person-1",
        "recent-1",
        "person-old-1",
        "emergency-1",
        "spanish-1",
        "crisis-1",
        "extra-dose-1",
        "caution-1",
        "held-1",
    ]
    assert "old-1" not in rows and "handed-back-1" not in rows
    assert rows["held-1"]["held"] and rows["held-1"]["holder"] == "another member of staff"
    assert not rows["recent-1"]["held"] and rows["recent-1"]["holder"] == "bot"
    assert rows["recent-1"]["url"] == "/live/recent-1"
    assert rows["spanish-1"]["language"] == "Spanish"
    assert rows["recent-1"]["language"] == "English"
    assert rows["recent-1"]["last_message"] == "2025-06-15 10:05:40"  # the center's time

    page = client.get("/live").get_data(as_text=True)
    assert page.index("person-1") < page.index("recent-1") < page.index("held-1")
    assert "old-1" not in page.replace("person-old-1", "")
    assert 'href="/live/emergency-1"' in page


def test_the_holder_is_named_by_their_account(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    create_account(engine, ALEX_EMAIL, "Alex Kim", PASSWORD)
    assert listed(client)["held-1"]["holder"] == "Alex Kim"
    assert "Alex Kim" in client.get("/live").get_data(as_text=True)


def test_badges_for_emergencies_crises_caution_and_asking_for_a_person(
    client: FlaskClient,
) -> None:
    badges = {
        conversation: [badge["label"] for badge in row["badges"]]
        for conversation, row in listed(client).items()
    }
    assert badges["emergency-1"] == ["Emergency"]
    assert badges["extra-dose-1"] == ["Emergency"]
    assert badges["crisis-1"] == ["Crisis"]
    assert badges["caution-1"] == ["Safety caution"]
    assert badges["person-1"] == ["Asked for a person"]
    assert badges["person-old-1"] == []  # asked an hour ago, outside the window
    assert badges["recent-1"] == []
    page = client.get("/live").get_data(as_text=True)
    assert '<span class="flag flag-emergency">Emergency</span>' in page
    assert '<span class="flag flag-person">Asked for a person</span>' in page


def test_the_list_and_its_json_hold_no_message_text(client: FlaskClient) -> None:
    for body in (client.get("/live").get_data(as_text=True), client.get("/live/list.json").text):
        for words in (SECRET, "wake up", "hola", "Withdrawal", "911 now", "document.title"):
            assert words not in body, words


def test_the_window_is_review_live_minutes(
    engine: sa.engine.Engine, clock: FakeClock, rasa: FakeTakeover
) -> None:
    app = review_app(engine, clock=clock, takeover_client=rasa, live_minutes=90)
    rows = listed(signed_in_client(app, engine, STAFF))
    assert "old-1" in rows and "handed-back-1" not in rows
    assert [badge["label"] for badge in rows["person-old-1"]["badges"]] == ["Asked for a person"]
    clock.advance(hours=3)
    assert list(listed(signed_in_client(app, engine, "lee@center.example"))) == ["held-1"]


def test_review_live_minutes_is_read_from_the_environment(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    assert settings_from_environment({}, secret).live_minutes == 5
    assert settings_from_environment({"REVIEW_LIVE_MINUTES": "15"}, secret).live_minutes == 15
    with pytest.raises(ValueError, match="REVIEW_LIVE_MINUTES"):
        settings_from_environment({"REVIEW_LIVE_MINUTES": "0"}, secret)


def test_the_page_view_is_audited_once_not_each_poll(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    client.get("/live")
    for _ in range(3):
        client.get("/live/list.json")
    assert audited(engine) == [("viewed live conversations", "", "9 shown")]


def test_an_empty_list_says_so(engine: sa.engine.Engine, clock: FakeClock) -> None:
    clock.advance(hours=1)
    with engine.begin() as connection:
        connection.execute(events.delete().where(events.c.sender_id == "held-1"))
    app = review_app(engine, clock=clock, takeover_client=FakeTakeover(engine, clock))
    client = signed_in_client(app, engine, STAFF)
    assert "No visitor has written in the last 5 minutes." in client.get("/live").text
    assert listed(client) == {}


# -------------------------------------------------------------------- availability


def test_availability_is_switched_on_kept_by_heartbeats_and_off(
    client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    assert "I'm available for live chats" in client.get("/live").text
    switched = post_form(client, "/live/availability", "/live", available="yes")
    assert switched.status_code == 302 and switched.headers["Location"] == "/live"
    assert live_row(engine, STAFF).available_until == START + live_chat.AVAILABLE_SECONDS
    page = client.get("/live").text
    assert "Stop taking live chats" in page and 'data-available="true"' in page
    assert live_chat.available_staff(engine, START) == [STAFF]

    clock.advance(minutes=1)
    token = csrf_token(client, "/live")
    beat = client.post("/live/heartbeat", headers={**JSON, "X-CSRFToken": token})
    assert beat.status_code == 200
    assert beat.get_json() == {"available": True, "until": clock.now + 90}
    assert live_row(engine, STAFF).available_until == clock.now + live_chat.AVAILABLE_SECONDS

    post_form(client, "/live/availability", "/live", available="no")
    assert live_row(engine, STAFF) is None
    beat = client.post("/live/heartbeat", headers={**JSON, "X-CSRFToken": token})
    assert beat.get_json() == {"available": False, "until": None}
    assert live_row(engine, STAFF) is None  # a heartbeat never switches it on
    assert [entry for entry in audited(engine) if entry[0] == "changed live availability"] == [
        ("changed live availability", "", "available"),
        ("changed live availability", "", "unavailable"),
    ]


def test_a_heartbeat_after_a_missed_one_makes_the_member_available_again(
    client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    post_form(client, "/live/availability", "/live", available="yes")
    clock.advance(minutes=5)  # the laptop slept
    assert live_chat.available_staff(engine, clock.now) == []
    token = csrf_token(client, "/live")
    assert client.post("/live/heartbeat", headers={"X-CSRFToken": token}).get_json()["available"]
    assert live_chat.available_staff(engine, clock.now) == [STAFF]


def test_a_page_left_open_signs_out_after_the_idle_minutes_and_availability_lapses(
    client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    post_form(client, "/live/availability", "/live", available="yes")
    token = csrf_token(client, "/live")
    for _ in range(31):  # the open page's own requests: polls and heartbeats, no one there
        clock.advance(minutes=1)
        client.get("/live/list.json")
        client.post("/live/heartbeat", headers={**JSON, "X-CSRFToken": token})
    refused = client.post("/live/heartbeat", headers={**JSON, "X-CSRFToken": token})
    assert refused.status_code == 401  # live.js stops and says "signed out"
    clock.advance(minutes=live_chat.AVAILABLE_SECONDS / 60)
    assert live_chat.available_staff(engine, clock.now) == []


def test_the_heartbeat_needs_the_csrf_token(
    client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    post_form(client, "/live/availability", "/live", available="yes")
    clock.advance(minutes=1)
    for headers in ({}, {"X-CSRFToken": "forged"}):
        refused = client.post("/live/heartbeat", headers={**JSON, **headers})
        assert refused.status_code == 400
    assert live_row(engine, STAFF).available_until == START + live_chat.AVAILABLE_SECONDS
    refused = client.post("/live/availability", data={"available": "no"})
    assert refused.status_code == 400 and live_row(engine, STAFF) is not None


def test_create_tables_makes_the_availability_table(engine: sa.engine.Engine) -> None:
    assert sa.inspect(engine).has_table("review_live_staff")


# ------------------------------------------------------------ a conversation's page


def test_the_live_page_shows_the_transcript_and_highlights_safety_replies(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    page = client.get("/live/emergency-1").text
    assert "won&#39;t wake up" in page and "Call 911 now." in page
    assert "turn-visitor turn-alert turn-alert-emergency" in page
    assert "Emergency: the bot sent the 911 guidance" in page
    assert "The bot is answering this visitor." in page
    assert re.search(r'<form[^>]*action="/live/emergency-1/take"[^>]*data-show="free">', page)
    assert re.search(r'<form[^>]*action="/live/emergency-1/send"[^>]*hidden>', page)
    assert "Crisis: the bot sent 988" in client.get("/live/crisis-1").text
    assert "Extra dose: the bot sent Poison Control" in client.get("/live/extra-dose-1").text
    assert "Safety caution" in client.get("/live/caution-1").text
    assert "Language: Spanish." in client.get("/live/spanish-1").text
    assert "turn-alert" not in client.get("/live/recent-1").text
    assert audited(engine)[0] == ("viewed live conversation", "emergency-1", "")


def test_visitor_text_is_escaped(client: FlaskClient) -> None:
    page = client.get("/live/recent-1").text
    assert "<script>document.title" not in page and "&lt;script&gt;" in page
    turns = client.get("/live/recent-1/events.json?after=0").get_json()["turns"]
    assert SCRIPT_PAYLOAD in turns[0]["text"]  # as text: live.js puts it in with textContent


def test_another_members_conversation_shows_who_holds_it_and_no_buttons(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    create_account(engine, ALEX_EMAIL, "Alex Kim", PASSWORD)
    page = client.get("/live/held-1").text
    assert "Alex Kim is talking with this visitor." in page
    assert "Alex Kim joined the chat" in page
    for action in ("take", "send", "hand-back"):
        assert re.search(rf'<form[^>]*action="/live/held-1/{action}"[^>]*hidden>', page)


def test_an_unknown_conversation_is_not_found(client: FlaskClient, rasa: FakeTakeover) -> None:
    assert client.get("/live/no-such-visitor").status_code == 404
    assert client.get("/live/no-such-visitor/events.json").status_code == 404
    for action in ("take", "send", "hand-back"):
        response = post_form(client, f"/live/no-such-visitor/{action}", "/live", text="hi")
        assert response.status_code == 404
    assert rasa.calls == []


# -------------------------------------------------------------------- the takeover


def test_the_transcript_names_who_wrote_and_who_took_over(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    post_form(client, "/live/recent-1/take", "/live/recent-1")
    post_form(client, "/live/recent-1/send", "/live/recent-1", text="Hello, I'm Ana.")
    post_form(client, "/live/recent-1/hand-back", "/live/recent-1")
    page = client.get("/conversations/recent-1").text
    assert page.count("Intake team (Ana Test)") == 3  # joined, the message, left
    assert "Taken over by Ana Test" in page and "Handed back to the bot by Ana Test" in page
    assert ANA not in page  # the account reference stays behind the name


def test_take_over_send_and_hand_back(
    client: FlaskClient, engine: sa.engine.Engine, rasa: FakeTakeover, clock: FakeClock
) -> None:
    taken = post_form(client, "/live/recent-1/take", "/live/recent-1")
    assert taken.status_code == 302 and taken.headers["Location"] == "/live/recent-1"
    page = client.get("/live/recent-1").text
    assert "You are talking with this visitor" in page
    assert "Ana Test joined the chat" in page
    assert not re.search(r'<form[^>]*action="/live/recent-1/send"[^>]*hidden>', page)
    assert re.search(r'<form[^>]*action="/live/recent-1/take"[^>]*hidden>', page)
    assert listed(client)["recent-1"]["holder"] == "you"

    clock.advance(minutes=1)
    message = "Hi, I'm Ana from the intake team. How can I help?"
    sent = post_form(client, "/live/recent-1/send", "/live/recent-1", text=f"  {message}\n")
    assert sent.status_code == 302
    page = client.get("/live/recent-1").text
    assert "Message sent." in page
    assert "Intake team (Ana Test)" in page and 'class="turn turn-staff"' in page
    assert "I&#39;m Ana from the intake team" in page

    handed = post_form(client, "/live/recent-1/hand-back", "/live/recent-1")
    assert handed.status_code == 302
    page = client.get("/live/recent-1").text
    assert "The bot is answering this visitor." in page and "Ana Test left the chat" in page

    assert rasa.calls == [
        ("start", "recent-1", ANA),
        ("message", "recent-1", ANA, message),
        ("end", "recent-1", ANA),
    ]
    actions = [entry for entry in audited(engine) if entry[0] != "viewed live conversation"]
    assert actions == [
        ("took over conversation", "recent-1", ""),
        ("sent staff message", "recent-1", f"{len(message)} characters"),
        ("handed back conversation", "recent-1", ""),
    ]
    with engine.connect() as connection:
        everything = json.dumps([list(row) for row in connection.execute(sa.select(audit_log))])
    assert "Ana from the intake team" not in everything


def test_live_js_gets_json_answers(
    client: FlaskClient, engine: sa.engine.Engine, rasa: FakeTakeover
) -> None:
    taken = json_post(client, "/live/recent-1/take", "/live/recent-1")
    assert taken.status_code == 200
    assert taken.get_json() == {
        "ok": True,
        "message": "You are talking with this visitor now; the bot is quiet.",
        "held": True,
        "held_by_me": True,
        "holder": "you",
        "holder_text": taken.get_json()["holder_text"],
    }
    sent = json_post(client, "/live/recent-1/send", "/live/recent-1", text="Hello")
    assert sent.status_code == 200 and sent.get_json()["ok"]
    empty = json_post(client, "/live/recent-1/send", "/live/recent-1", text="   ")
    assert empty.status_code == 400 and empty.get_json()["message"] == "Write a message first."
    back = json_post(client, "/live/recent-1/hand-back", "/live/recent-1")
    assert back.get_json()["held"] is False
    assert [call[0] for call in rasa.calls] == ["start", "message", "end"]


def test_someone_else_holding_it_is_named_when_taking_over(
    client: FlaskClient, engine: sa.engine.Engine, rasa: FakeTakeover
) -> None:
    create_account(engine, ALEX_EMAIL, "Alex Kim", PASSWORD)
    rasa.error = TakeoverError("Another member of staff is already talking.", 409, ALEX)
    refused = post_form(client, "/live/recent-1/take", "/live/recent-1")
    assert refused.status_code == 302
    assert "Alex Kim is already talking with this visitor." in client.get("/live/recent-1").text
    assert ("takeover failed", "recent-1") in [entry[:2] for entry in audited(engine)]
    failure = next(entry for entry in audited(engine) if entry[0] == "takeover failed")
    assert failure[2].startswith("take over: ") and ALEX in failure[2]

    answer = json_post(client, "/live/recent-1/take", "/live/recent-1")
    assert answer.status_code == 409
    assert answer.get_json()["message"] == "Alex Kim is already talking with this visitor."


def test_only_the_holder_sends_or_hands_back(
    client: FlaskClient, engine: sa.engine.Engine, rasa: FakeTakeover
) -> None:
    sent = post_form(client, "/live/held-1/send", "/live/held-1", text="Hello from Ana")
    assert sent.status_code == 409
    page = sent.text
    # Alex has no account here: his reference is not shown.
    assert "Another member of staff is talking with this visitor; only they can send" in page
    assert "Hello from Ana" in page  # kept in the box
    handed = json_post(client, "/live/held-1/hand-back", "/live/held-1")
    assert handed.status_code == 409
    assert handed.get_json()["holder"] == "another member of staff"
    not_held = json_post(client, "/live/recent-1/send", "/live/recent-1", text="Hello")
    assert not_held.status_code == 409 and "Take over first" in not_held.get_json()["message"]
    assert rasa.calls == []
    assert not [entry for entry in audited(engine) if entry[0] == "sent staff message"]


def test_a_message_too_long_is_not_sent_and_kept(client: FlaskClient, rasa: FakeTakeover) -> None:
    post_form(client, "/live/recent-1/take", "/live/recent-1")
    long = "a" * 2_001
    refused = post_form(client, "/live/recent-1/send", "/live/recent-1", text=long)
    assert refused.status_code == 400
    assert "at most 2,000 characters" in refused.text and long in refused.text
    empty = post_form(client, "/live/recent-1/send", "/live/recent-1", text=" ")
    assert empty.status_code == 302
    assert "Write a message first." in client.get("/live/recent-1").text
    assert [call[0] for call in rasa.calls] == ["start"]


def test_takeover_off_is_explained_and_audited(
    engine: sa.engine.Engine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TAKEOVER_TOKEN", raising=False)
    app = review_app(engine, clock=clock)  # the real client, without a token
    assert isinstance(app.extensions["takeover_client"], TakeoverClient)
    client = signed_in_client(app, engine, STAFF)
    refused = json_post(client, "/live/recent-1/take", "/live/recent-1")
    assert refused.status_code == 502
    assert refused.get_json()["message"] == "live takeover is off: set TAKEOVER_TOKEN"
    post_form(client, "/live/recent-1/take", "/live/recent-1")
    assert "live takeover is off: set TAKEOVER_TOKEN" in client.get("/live/recent-1").text
    failures = [entry for entry in audited(engine) if entry[0] == "takeover failed"]
    assert (
        failures
        == [("takeover failed", "recent-1", "take over: live takeover is off: set TAKEOVER_TOKEN")]
        * 2
    )


def test_a_failed_message_is_audited_without_its_text_and_kept(
    client: FlaskClient, engine: sa.engine.Engine, rasa: FakeTakeover
) -> None:
    post_form(client, "/live/recent-1/take", "/live/recent-1")
    rasa.error = TakeoverError("The chat server could not be reached.")
    refused = post_form(client, "/live/recent-1/send", "/live/recent-1", text=SECRET)
    assert refused.status_code == 502
    assert "could not be reached" in refused.text and SECRET in refused.text
    failure = next(entry for entry in audited(engine) if entry[0] == "takeover failed")
    assert failure == (
        "takeover failed",
        "recent-1",
        "send message: The chat server could not be reached.",
    )
    assert SECRET not in json.dumps(audited(engine))


# ------------------------------------------------------------------------ polling


def test_events_json_returns_only_the_turns_after_the_last_one_seen(
    client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    first = client.get("/live/recent-1/events.json?after=0").get_json()
    assert [turn["kind"] for turn in first["turns"]] == ["visitor", "bot"]
    assert first["turns"][0]["who"] == "Visitor" and first["held"] is False
    last = first["last"]
    page = client.get("/live/recent-1").text
    assert f'data-after="{last}"' in page

    assert client.get(f"/live/recent-1/events.json?after={last}").get_json()["turns"] == []

    post_form(client, "/live/recent-1/take", "/live/recent-1")
    clock.advance(minutes=1)
    append(
        engine,
        "recent-1",
        [
            visitor("is anyone there? I took too many", "report_emergency", clock.now, 1.0),
            bot("Call 911 now.", clock.now + 1, "utter_emergency_911"),
        ],
    )
    append(engine, "other-1", [visitor("someone else", "greet", clock.now)])
    later = client.get(f"/live/recent-1/events.json?after={last}").get_json()
    assert [turn["kind"] for turn in later["turns"]] == ["notice", "visitor", "bot"]
    notice, question, answer = later["turns"]
    assert notice["text"].startswith("Ana Test joined the chat")
    assert question["text"] == "is anyone there? I took too many"
    assert question["alert"] == "emergency"
    assert question["alert_text"] == "Emergency: the bot sent the 911 guidance"
    assert answer["text"] == "Call 911 now."
    assert later["held_by_me"] and later["holder"] == "you"
    assert later["last"] > last
    assert client.get(f"/live/recent-1/events.json?after={later['last']}").get_json()["turns"] == []


def test_polls_are_not_audited_but_a_whole_read_is(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    client.get("/live/recent-1/events.json?after=0")
    last = client.get("/live/recent-1/events.json").get_json()["last"]
    for _ in range(3):
        client.get(f"/live/recent-1/events.json?after={last}")
    assert audited(engine) == [("viewed live conversation", "recent-1", "JSON")] * 2


# ------------------------------------------------------------------------ security


def test_strangers_are_refused(app: Flask, rasa: FakeTakeover) -> None:
    stranger = app.test_client()
    for path in ("/live", "/live/list.json", "/live/recent-1", "/live/recent-1/events.json"):
        response = stranger.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    for path in ("/live/heartbeat", "/live/availability", "/live/recent-1/take"):
        assert stranger.post(path, headers=JSON).status_code == 401
    assert rasa.calls == []


def test_takeover_forms_need_the_csrf_token(client: FlaskClient, rasa: FakeTakeover) -> None:
    for action in ("take", "send", "hand-back"):
        response = client.post(f"/live/recent-1/{action}", data={"text": "hi"}, headers=JSON)
        assert response.status_code == 400
    assert rasa.calls == []


def test_the_pages_run_only_the_apps_own_script(client: FlaskClient) -> None:
    for path in ("/live", "/live/emergency-1"):
        page = client.get(path).text
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == ['<script src="/static/live.js" defer>']
        assert not re.search(r"<script[^>]*>[^<]+</script>", page)  # nothing inline
        assert not re.search(r"\sstyle=", page)
        assert not re.search(r"\son[a-z]+=", page)
    assert "<script" not in client.get("/conversations").text  # other pages: none
    script = client.get("/static/live.js")
    assert script.status_code == 200 and "javascript" in script.content_type
    source = script.text
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in source, unsafe
    assert "http" not in source  # it talks to this app only


def test_every_safety_intent_has_its_alert() -> None:
    assert set(live_data.ALERT_INTENTS) == set(SAFETY_INTENTS)
    assert set(live_data.ALERT_INTENTS.values()) <= set(live_data.ALERTS)
