"""The takeover routes: the token, who holds a conversation, what is stored and pushed."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from channels.takeover import (
    TakeoverInput,
    holder,
    parse_request,
    undelivered_staff_messages,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
TOKEN = "t" * 64
VISITOR = "visitor-1"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


class FakeSocketServer:
    """What the chat widget's socket.io server was asked to emit."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict[str, Any], str]] = []

    async def emit(self, event: str, data: dict[str, Any], room: str, namespace: str) -> None:
        self.emitted.append((event, data, room))


class Server:
    """The pieces of a Rasa server the takeover routes use: agent, stores, widget."""

    def __init__(self, domain: Domain) -> None:
        self.store = InMemoryTrackerStore(domain)
        self.sio = FakeSocketServer()
        agent = SimpleNamespace(
            domain=domain, tracker_store=self.store, lock_store=InMemoryLockStore()
        )
        widget = SimpleNamespace(sio=self.sio, bot_message_evt="bot_uttered", namespace=None)
        self.app = SimpleNamespace(ctx=SimpleNamespace(agent=agent, chat_widget=widget))
        self.channel = TakeoverInput(TOKEN)

    async def visitor_says(self, text: str, intent: str = "faq", language: str = "en") -> None:
        tracker = await self.store.get_or_create_tracker(VISITOR)
        tracker.update(SlotSet("language", language))
        tracker.update(UserUttered(text, {"name": intent, "confidence": 0.9}))
        await self.store.save(tracker)

    async def call(
        self, route: str, body: Any, token: str | None = TOKEN
    ) -> tuple[int, dict[str, Any]]:
        from channels import takeover

        change = {
            "start": takeover.take_over,
            "message": takeover.send_message,
            "end": takeover.hand_back,
        }[route]
        headers = {"authorization": f"Bearer {token}"} if token else {}
        request = SimpleNamespace(
            headers=headers, json=body, app=self.app, path=f"/webhooks/takeover/{route}"
        )
        answer = await self.channel.handle(request, change, with_text=route == "message")  # type: ignore[arg-type]
        return answer.status, json.loads(answer.body)

    async def events(self) -> list[Any]:
        tracker = await self.store.retrieve(VISITOR)
        assert tracker is not None
        return list(tracker.events)


@pytest.fixture
async def server(domain: Domain) -> Server:
    server = Server(domain)
    await server.visitor_says("is klonopin addictive?")
    return server


def take(staff: str = "staff-1") -> dict[str, str]:
    return {"conversation": VISITOR, "staff": staff}


@pytest.mark.parametrize("token", [None, "wrong", TOKEN[:-1]])
async def test_without_the_token_nothing_changes(server: Server, token: str | None) -> None:
    before = await server.events()
    status, answer = await server.call("start", take(), token=token)
    assert status == 401
    assert "token" in answer["error"]
    assert await server.events() == before


async def test_without_a_configured_token_takeover_is_off(server: Server) -> None:
    server.channel = TakeoverInput(None)
    status, answer = await server.call("start", take())
    assert (status, answer["error"]) == (503, "live takeover is off")


def test_the_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAKEOVER_TOKEN", TOKEN)
    assert TakeoverInput.from_credentials(None).token == TOKEN
    monkeypatch.delenv("TAKEOVER_TOKEN")
    assert TakeoverInput.from_credentials(None).token is None


@pytest.mark.parametrize(
    "body, problem",
    [
        (None, "JSON object"),
        ({"staff": "a"}, "conversation"),
        ({"conversation": VISITOR}, "staff"),
        ({"conversation": VISITOR, "staff": "  "}, "staff"),
        ({"conversation": VISITOR, "staff": "alex@clinic.test"}, "e-mail"),
        ({"conversation": "x" * 300, "staff": "a"}, "conversation"),
    ],
)
def test_bad_bodies_are_explained(body: Any, problem: str) -> None:
    parsed = parse_request(body)
    assert isinstance(parsed, str) and problem in parsed


@pytest.mark.parametrize("text", [None, "", "   ", "x" * 2001, 5])
def test_a_message_needs_text(text: Any) -> None:
    parsed = parse_request({"conversation": VISITOR, "staff": "a", "text": text}, with_text=True)
    assert isinstance(parsed, str) and "text" in parsed


async def test_an_unknown_conversation_is_not_created(server: Server) -> None:
    status, _ = await server.call("start", {"conversation": "nobody", "staff": "a"})
    assert status == 404
    assert await server.store.retrieve("nobody") is None


async def test_taking_over_pauses_the_bot_and_tells_the_visitor(server: Server) -> None:
    status, answer = await server.call("start", take())
    assert (status, answer) == (200, {"status": "taken", "staff": "staff-1"})
    tracker = await server.store.retrieve(VISITOR)
    assert tracker is not None and tracker.is_paused()
    assert holder(tracker.events) == "staff-1"
    notice = tracker.events[-1]
    assert isinstance(notice, BotUttered)
    assert notice.metadata["staff"] == "staff-1"
    assert notice.metadata["utter_action"] == "utter_staff_joined"
    assert "intake team has joined" in (notice.text or "")
    [(event, data, room)] = server.sio.emitted
    assert (event, room) == ("bot_uttered", VISITOR)
    assert data["metadata"] == {"language": "en", "from": "person", "takeover": "joined"}
    assert "staff-1" not in json.dumps(data)  # visitors see the team, not the account


async def test_the_notice_is_in_the_conversation_language(server: Server) -> None:
    await server.visitor_says("¿es adictivo?", language="es")
    await server.call("start", take())
    _, data, _ = server.sio.emitted[0]
    assert data["metadata"]["language"] == "es"
    assert "equipo de admisiones" in data["text"]


async def test_taking_over_twice_changes_nothing(server: Server) -> None:
    await server.call("start", take())
    before = await server.events()
    status, _ = await server.call("start", take())
    assert status == 200
    assert await server.events() == before


async def test_a_second_staff_member_is_told_who_holds_it(server: Server) -> None:
    await server.call("start", take())
    before = await server.events()
    for route in ("start", "end"):
        status, answer = await server.call(route, take("staff-2"))
        assert (status, answer["staff"]) == (409, "staff-1")
    status, _ = await server.call("message", {**take("staff-2"), "text": "hi"})
    assert status == 409
    assert await server.events() == before


async def test_only_the_holder_can_write(server: Server) -> None:
    status, answer = await server.call("message", {**take(), "text": "Hello"})
    assert status == 409 and "take the conversation over" in answer["error"]
    assert not server.sio.emitted


async def test_a_staff_message_is_stored_with_who_sent_it_and_pushed(server: Server) -> None:
    await server.call("start", take())
    status, answer = await server.call("message", {**take(), "text": "  Hi, I'm Alex.  "})
    assert (status, answer) == (200, {"status": "sent"})
    message = (await server.events())[-1]
    assert isinstance(message, BotUttered)
    assert message.text == "Hi, I'm Alex."
    assert message.metadata == {"staff": "staff-1", "takeover": "message"}
    _, data, room = server.sio.emitted[-1]
    assert room == VISITOR
    assert data == {
        "text": "Hi, I'm Alex.",
        "metadata": {"language": "en", "from": "person", "takeover": "message"},
    }


async def test_handing_back_tells_the_visitor_then_resumes_the_bot(server: Server) -> None:
    await server.call("start", take())
    status, answer = await server.call("end", take())
    assert (status, answer) == (200, {"status": "handed back"})
    events = await server.events()
    assert isinstance(events[-1], ConversationResumed)
    assert isinstance(events[-2], BotUttered)
    assert events[-2].metadata["utter_action"] == "utter_staff_left"
    tracker = await server.store.retrieve(VISITOR)
    assert tracker is not None and not tracker.is_paused()
    assert server.sio.emitted[-1][1]["metadata"]["takeover"] == "left"
    # Handing back what nobody holds changes nothing.
    status, _ = await server.call("end", take())
    assert status == 200
    assert await server.events() == events


async def test_a_failing_store_gets_a_503_without_the_conversation(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("INSERT ... 'is klonopin addictive?'")

    server.store.retrieve = broken  # type: ignore[method-assign]
    status, answer = await server.call("start", take())
    assert status == 503 and "could not" in answer["error"]
    assert "klonopin" not in caplog.text


def test_holder_follows_the_latest_pause_or_resume() -> None:
    alex, sam = {"staff": "alex"}, {"staff": "sam"}
    assert holder([]) is None
    assert holder([ConversationPaused(metadata=alex)]) == "alex"
    assert holder([ConversationPaused(metadata=alex), ConversationResumed()]) is None
    assert (
        holder(
            [
                ConversationPaused(metadata=alex),
                ConversationResumed(),
                ConversationPaused(metadata=sam),
            ]
        )
        == "sam"
    )


def staff_message(text: str) -> BotUttered:
    return BotUttered(text, metadata={"staff": "alex", "takeover": "message"})


def test_rest_answers_carry_the_staff_messages_since_the_previous_visitor_message() -> None:
    tracker = DialogueStateTracker.from_events(
        VISITOR,
        [
            UserUttered("first"),
            staff_message("already delivered"),
            UserUttered("second"),
            staff_message("one"),
            BotUttered("the bot's own reply"),
            staff_message("two"),
            UserUttered("third"),
            staff_message("written while the third was processed"),
        ],
    )
    messages = undelivered_staff_messages(tracker)
    assert [message["text"] for message in messages] == ["one", "two"]
    assert messages[0] == {
        "recipient_id": VISITOR,
        "text": "one",
        "custom": {"language": "en", "from": "person", "takeover": "message"},
    }
    assert undelivered_staff_messages(None) == []
