"""review/takeover_client.py against a stand-in Rasa takeover channel on a local port.

The stand-in (http.server in a thread) records each request and answers what the test
says, as channels/takeover.py would: 200, 401, 404, 409 naming the holder, 503, or
nothing in time. Every failure must reach staff as a TakeoverError with a fixed,
readable message: never the server's own words, never the visitor's or staff's text.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from review.takeover_client import OFF_MESSAGE, TakeoverClient, TakeoverError

TOKEN = "test-takeover-token-0123456789abcdef"
SECRET_WORDS = "my dealer lives on 5th street"  # what nobody may log or echo


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: {"status": "taken", "staff": "ana@center.example"})
    delay: float = 0.0
    raw: bytes | None = None  # sent as it is instead of JSON


@dataclass
class FakeRasa:
    """The takeover channel's stand-in: what it received, and what it answers next."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    reply: Reply = field(default_factory=Reply)


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            fake.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "body": json.loads(self.rfile.read(length) or b"{}"),
                }
            )
            reply = fake.reply
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(rasa: FakeRasa) -> TakeoverClient:
    return TakeoverClient(rasa.url, TOKEN, timeout=2.0)


def test_start_message_and_end_post_the_contract_with_the_bearer_token(
    rasa: FakeRasa, client: TakeoverClient
) -> None:
    assert client.start("visitor-1", "ana@center.example")["status"] == "taken"
    rasa.reply = Reply(body={"status": "sent"})
    assert client.message("visitor-1", "ana@center.example", "Hi, I'm Ana.")["status"] == "sent"
    rasa.reply = Reply(body={"status": "handed back"})
    assert client.end("visitor-1", "ana@center.example")["status"] == "handed back"

    assert [request["path"] for request in rasa.requests] == [
        "/webhooks/takeover/start",
        "/webhooks/takeover/message",
        "/webhooks/takeover/end",
    ]
    assert {request["authorization"] for request in rasa.requests} == {f"Bearer {TOKEN}"}
    assert {request["content_type"] for request in rasa.requests} == {"application/json"}
    assert [request["body"] for request in rasa.requests] == [
        {"conversation": "visitor-1", "staff": "ana@center.example"},
        {"conversation": "visitor-1", "staff": "ana@center.example", "text": "Hi, I'm Ana."},
        {"conversation": "visitor-1", "staff": "ana@center.example"},
    ]


def test_without_a_token_nothing_is_sent_and_staff_are_told_how_to_turn_it_on(
    rasa: FakeRasa,
) -> None:
    client = TakeoverClient.from_environment({"RASA_URL": rasa.url})
    assert not client.enabled
    with pytest.raises(TakeoverError) as raised:
        client.start("visitor-1", "ana@center.example")
    assert str(raised.value) == OFF_MESSAGE == "live takeover is off: set TAKEOVER_TOKEN"
    assert rasa.requests == []


def test_the_environment_gives_the_address_and_token() -> None:
    default = TakeoverClient.from_environment({"TAKEOVER_TOKEN": " abc "})
    assert (default.base_url, default.token) == ("http://localhost:5005", "abc")
    assert default.timeout == pytest.approx(5.0)
    custom = TakeoverClient.from_environment(
        {"RASA_URL": "http://rasa:5005/", "TAKEOVER_TOKEN": "x"}
    )
    assert custom.base_url == "http://rasa:5005"


def test_a_conflict_names_the_staff_member_holding_the_conversation(
    rasa: FakeRasa, client: TakeoverClient
) -> None:
    rasa.reply = Reply(409, {"error": "held by someone else", "staff": "alex@center.example"})
    with pytest.raises(TakeoverError) as raised:
        client.start("visitor-1", "ana@center.example")
    assert raised.value.status == 409
    assert raised.value.staff == "alex@center.example"
    assert "already talking with this visitor" in str(raised.value)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "TAKEOVER_TOKEN must be the same"),
        (404, "does not know this conversation"),
        (503, "could not change the conversation"),
        (500, "HTTP 500"),
        (400, "malformed"),
    ],
)
def test_refusals_become_fixed_messages_never_the_servers_words(
    rasa: FakeRasa, client: TakeoverClient, status: int, expected: str
) -> None:
    rasa.reply = Reply(status, {"error": f"Traceback ... {SECRET_WORDS}"})
    with pytest.raises(TakeoverError) as raised:
        client.end("visitor-1", "ana@center.example")
    assert expected in str(raised.value)
    assert raised.value.status == status and raised.value.staff is None
    assert "Traceback" not in str(raised.value) and SECRET_WORDS not in str(raised.value)


def test_a_server_without_the_token_says_takeover_is_off_there(
    rasa: FakeRasa, client: TakeoverClient
) -> None:
    rasa.reply = Reply(503, {"error": "live takeover is off"})
    with pytest.raises(TakeoverError, match="Live takeover is off on the chat server"):
        client.start("visitor-1", "ana@center.example")


def test_a_refused_message_never_echoes_its_text(
    rasa: FakeRasa, client: TakeoverClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rasa.reply = Reply(400, {"error": f"bad text: {SECRET_WORDS}"})
    with pytest.raises(TakeoverError) as raised:
        client.message("visitor-1", "ana@center.example", SECRET_WORDS)
    assert "1 to 2,000 characters" in str(raised.value)
    assert SECRET_WORDS not in str(raised.value)
    assert SECRET_WORDS not in caplog.text


@pytest.mark.parametrize("text", ["", "   ", "x" * 2_001])
def test_a_message_out_of_bounds_is_not_sent(
    rasa: FakeRasa, client: TakeoverClient, text: str
) -> None:
    with pytest.raises(TakeoverError, match="1 to 2,000 characters"):
        client.message("visitor-1", "ana@center.example", text)
    assert rasa.requests == []


def test_a_server_that_does_not_answer_in_time_is_a_clear_error(rasa: FakeRasa) -> None:
    rasa.reply = Reply(delay=1.0)
    client = TakeoverClient(rasa.url, TOKEN, timeout=0.2)
    with pytest.raises(TakeoverError, match="did not answer within 0.2 seconds") as raised:
        client.start("visitor-1", "ana@center.example")
    assert raised.value.status is None


def test_a_server_that_is_down_is_a_clear_error() -> None:
    client = TakeoverClient("http://127.0.0.1:9", TOKEN, timeout=1.0)  # discard port: closed
    with pytest.raises(TakeoverError, match="could not be reached") as raised:
        client.start("visitor-1", "ana@center.example")
    assert "127.0.0.1:9" in str(raised.value) and TOKEN not in str(raised.value)


def test_an_answer_that_is_not_json_is_not_understood(
    rasa: FakeRasa, client: TakeoverClient
) -> None:
    rasa.reply = Reply(200, raw=b"<html>proxy error</html>")
    with pytest.raises(TakeoverError, match="not understood"):
        client.start("visitor-1", "ana@center.example")
