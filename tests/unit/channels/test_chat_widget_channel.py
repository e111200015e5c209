"""channels/chat_widget.py: allowed origins, 👍/👎 recorded on the answer that was rated, and
the language each bot message is marked with."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.channels.socketio import SocketIOOutput
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

from channels.chat_widget import (
    FEEDBACK_SLOT,
    ChatWidgetInput,
    Feedback,
    LanguageTaggedOutput,
    allowed_origins,
    feedback_event,
    parse_feedback,
)


@pytest.mark.parametrize(
    "setting, origins",
    [
        (
            "http://localhost:8000, https://www.example.org/",
            ["http://localhost:8000", "https://www.example.org"],
        ),
        (["https://www.example.org"], ["https://www.example.org"]),
    ],
)
def test_allowed_origins(setting: Any, origins: list[str]) -> None:
    assert allowed_origins(setting) == origins


@pytest.mark.parametrize("setting", [None, "", " , ", "*", ["https://a.example", "*"]])
def test_no_origin_or_any_origin_is_refused_at_start_up(setting: Any) -> None:
    with pytest.raises(ValueError, match="WIDGET_ORIGINS"):
        allowed_origins(setting)


def test_channel_reads_its_settings_from_credentials() -> None:
    channel = ChatWidgetInput.from_credentials(
        {"session_persistence": True, "cors_allowed_origins": "https://www.example.org"}
    )
    assert channel.name() == "chat_widget"
    assert channel.session_persistence is True
    assert channel.origins == ["https://www.example.org"]


@pytest.mark.parametrize(
    "body, problem",
    [
        ("not json", "JSON object"),
        ({"rating": "down", "text": "x"}, "session_id"),
        ({"session_id": "../etc", "rating": "down", "text": "x"}, "session_id"),
        ({"session_id": "abc", "rating": "meh", "text": "x"}, "rating"),
        ({"session_id": "abc", "rating": "up", "text": "  "}, "text"),
        ({"session_id": "abc", "rating": "up", "text": "x" * 2001}, "text"),
    ],
)
def test_bad_feedback_is_explained(body: Any, problem: str) -> None:
    result = parse_feedback(body)
    assert isinstance(result, str) and problem in result


def test_feedback_is_parsed() -> None:
    body = {"session_id": "a1b2", "rating": "down", "text": " Yes, it can. "}
    assert parse_feedback(body) == Feedback("a1b2", "down", "Yes, it can.")


def test_feedback_names_the_rated_answer_and_its_response() -> None:
    events = [
        UserUttered("is klonopin addictive"),
        BotUttered(
            "Yes, clonazepam can be addictive.\n\nSource: FDA Klonopin label, 2021.",
            metadata={"utter_action": "utter_faq/addictive"},
            timestamp=100.0,
        ),
        BotUttered("Would you like to talk to our intake team?", timestamp=101.0),
    ]
    event = feedback_event(events, Feedback("a1b2", "down", "Yes, clonazepam can be addictive."))
    assert event == SlotSet(
        FEEDBACK_SLOT,
        {
            "rating": "down",
            "response": "utter_faq/addictive",
            "text": "Yes, clonazepam can be addictive.",
            "answered_at": 100.0,
        },
    )


def test_feedback_on_something_the_bot_never_said_is_not_recorded() -> None:
    events = [BotUttered("Hello!"), UserUttered("Yes, clonazepam can be addictive.")]
    assert (
        feedback_event(events, Feedback("a1b2", "up", "Yes, clonazepam can be addictive.")) is None
    )


def test_feedback_finds_an_answer_stored_redacted() -> None:
    stored = BotUttered("Call Poison Control at [PHONE] or 911.", timestamp=5.0)
    event = feedback_event(
        [stored], Feedback("a1b2", "up", "Call Poison Control at 1-800-222-1222 or 911.")
    )
    assert event is not None and event.value["answered_at"] == 5.0


class RecordingServer:
    """Stands in for the socket.io server: records what would be emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any]] = []

    async def emit(self, event: str, data: Any, room: str | None = None) -> None:
        self.emitted.append((event, data))


@pytest.mark.parametrize(
    "message, lang",
    [
        # A Spanish variation of a domain response (domain.yml `metadata: {language: es}`).
        ({"metadata": {"language": "es"}, "utter_action": "utter_greet"}, "es"),
        ({"utter_action": "utter_greet"}, "en"),  # English, the variations without metadata
        ({}, None),  # not a domain response: no claim about its language
        ({"metadata": {"language": "fr"}}, None),
    ],
)
async def test_bot_messages_carry_the_language_of_their_response(
    message: dict[str, Any], lang: str | None
) -> None:
    server = RecordingServer()
    output = LanguageTaggedOutput(SocketIOOutput(server, "bot_uttered"))  # type: ignore[arg-type]
    text = "Hola.\n\nLlame al 911."
    await output.send_response("sid-1", {"text": text, **message})
    parts = [data for _, data in server.emitted]
    assert [part["text"] for part in parts] == ["Hola.", "Llame al 911."]
    assert [part.get("lang") for part in parts] == [lang, lang]
    # The next message starts untagged: nothing leaks from one to the next.
    await output.send_response("sid-1", {"text": "ok"})
    assert "lang" not in server.emitted[-1][1]
