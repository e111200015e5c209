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
    cors_headers,
    feedback_event,
    parse_feedback,
)
from channels.conversation_ids import ConversationIds


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


SETTINGS = {
    "session_persistence": True,
    "cors_allowed_origins": "https://www.example.org",
    "conversation_id_secret": "k" * 32,
}


def test_channel_reads_its_settings_from_credentials() -> None:
    channel = ChatWidgetInput.from_credentials(SETTINGS)
    assert channel.name() == "chat_widget"
    assert channel.session_persistence is True
    assert channel.origins == ["https://www.example.org"]
    assert channel.conversation_ids.is_genuine(ConversationIds("k" * 32).issue())


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"conversation_id_secret": None}, "CONVERSATION_ID_SECRET"),
        ({"conversation_id_secret": "short"}, "CONVERSATION_ID_SECRET"),
        ({"session_persistence": False}, "session_persistence"),
    ],
)
def test_unsafe_settings_are_refused_at_start_up(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        ChatWidgetInput.from_credentials({**SETTINGS, **change})


@pytest.mark.parametrize(
    "origin, allowed",
    [
        ("https://www.example.org", True),
        ("https://www.example.org/", True),
        ("https://evil.example", False),
        ("http://www.example.org", False),
        (None, False),
    ],
)
def test_cors_headers_only_for_allowed_origins(origin: str | None, allowed: bool) -> None:
    headers = cors_headers(origin, ["https://www.example.org"])
    assert ("Access-Control-Allow-Origin" in headers) is allowed
    if allowed:
        assert headers["Access-Control-Allow-Origin"] == origin
    assert headers["Vary"] == "Origin"


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


@pytest.mark.parametrize(
    "probe",
    ["Y", "clonazepam", "Yes, clonazepam can be addictive.\n\nSource", "FDA Klonopin label"],
)
def test_feedback_must_name_a_whole_message_so_it_cannot_probe_past_replies(probe: str) -> None:
    events = [BotUttered("Yes, clonazepam can be addictive.\n\nSource: FDA Klonopin label, 2021.")]
    assert feedback_event(events, Feedback("a1b2", "up", probe)) is None
    assert feedback_event(events, Feedback("a1b2", "up", "Source: FDA Klonopin label, 2021."))


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
    assert [part.get("metadata", {}).get("language") for part in parts] == [lang, lang]
    # The next message starts untagged: nothing leaks from one to the next.
    await output.send_response("sid-1", {"text": "ok"})
    assert "metadata" not in server.emitted[-1][1]
