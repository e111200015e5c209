"""Callback notifications through a real local SMTP server and a real local HTTP server."""

from __future__ import annotations

import email
import json
import logging
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from clinic.notifications import (
    NotificationSettings,
    callback_notice,
    notification_settings,
    notify_callback_requested,
)

LOGGER = "clinic.notifications"
REVIEW_URL = "http://localhost:8100"
CALLBACKS_URL = "http://localhost:8100/callbacks"
RECIPIENTS = ("intake@clinic.test", "nurse@clinic.test")
# What a real request holds. The notifier is never given it; nothing of it may come out.
FAKE_CALLBACK = {
    "name": "Test Visitor",
    "phone": "(816) 555-0199",
    "phone_digits": "8165550199",
    "message": "I have been taking klonopin for two years and want to stop",
    "language": "Español",
    "conversation_id": "conv-7f3a9c",
    "request_id": "callback-4117",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- a real SMTP server ------------------------------------------------------------------


@dataclass
class Mailbox:
    port: int
    envelopes: list[Any] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        success = (login, password) == ("bot", "s3cret pass")
        # handled=False: aiosmtpd answers "535 Authentication credentials invalid" itself.
        return AuthResult(success=success, handled=False, auth_data=auth_data)

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(envelope.content, policy=default_policy)
            for envelope in self.envelopes
        ]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(port=free_port())
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=box.port,
        authenticator=box.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def email_settings(mailbox: Mailbox, **changes: Any) -> NotificationSettings:
    values: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox.port,
        "smtp_starttls": False,
        "smtp_from": "Clinic assistant <assistant@clinic.test>",
        "smtp_to": RECIPIENTS,
        "review_url": REVIEW_URL,
        "timeout_seconds": 5.0,
    }
    values.update(changes)
    return NotificationSettings(**values)


# --- a real HTTP server for the webhook --------------------------------------------------


@dataclass
class Hook:
    url: str
    status: int = 204
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def hook() -> Iterator[Hook]:
    state = Hook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(("POST", self.path, dict(self.headers.items()), body))
            self.send_response(state.status)
            if 300 <= state.status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            state.requests.append(("GET", self.path, dict(self.headers.items()), b""))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/intake?token=abc123"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def assert_nothing_personal(text: str) -> None:
    for value in FAKE_CALLBACK.values():
        assert value not in text


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


# --- e-mail -------------------------------------------------------------------------------


def test_email_reaches_the_recipients_with_only_the_link(
    mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)

    assert notify_callback_requested(email_settings(mailbox)) == ["email"]

    [envelope] = mailbox.envelopes
    assert sorted(envelope.rcpt_tos) == sorted(RECIPIENTS)
    assert envelope.mail_from == "assistant@clinic.test"
    [message] = mailbox.messages()
    assert message["Subject"] == "A callback request is waiting"
    assert message["From"] == "Clinic assistant <assistant@clinic.test>"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert CALLBACKS_URL in text
    assert "sign in" in text.lower()
    # The only number in the body is the port of the link: no phone, id, date or time.
    assert re.findall(r"\d+", text) == ["8100"]
    assert_nothing_personal(text)
    assert_nothing_personal(envelope.content.decode())
    # INFO says it was sent, and nothing about to whom.
    assert [r.getMessage() for r in caplog.records] == ["Callback notification sent by e-mail"]


def test_the_notice_itself_says_nothing_but_where_to_look() -> None:
    subject, body = callback_notice(NotificationSettings(review_url="https://staff.clinic.test/"))
    assert subject == "A callback request is waiting"
    assert "https://staff.clinic.test/callbacks" in body
    assert not re.search(r"\d", subject + body)


def test_email_logs_in_when_a_user_is_set(mailbox: Mailbox) -> None:
    settings = email_settings(mailbox, smtp_user="bot", smtp_password="s3cret pass")
    assert notify_callback_requested(settings) == ["email"]
    assert mailbox.logins == [("bot", "s3cret pass")]
    assert len(mailbox.envelopes) == 1


def test_refused_login_sends_nothing_and_logs_no_password(
    mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    settings = email_settings(mailbox, smtp_user="bot", smtp_password="wrong")

    assert notify_callback_requested(settings) == []

    assert mailbox.envelopes == []
    [warning] = warnings_of(caplog)
    assert warning.getMessage() == (
        "Callback notification by e-mail failed (SMTPAuthenticationError)"
    )
    assert "wrong" not in caplog.text and "bot" not in caplog.text


def test_starttls_required_but_not_offered_sends_nothing_in_clear(
    mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    settings = email_settings(mailbox, smtp_starttls=True, smtp_user="bot", smtp_password="x")

    assert notify_callback_requested(settings) == []

    assert mailbox.envelopes == [] and mailbox.logins == []
    [warning] = warnings_of(caplog)
    assert warning.getMessage() == "Callback notification by e-mail failed (SMTPNotSupportedError)"


def test_unreachable_smtp_server_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()  # closed again: nothing listens there
    settings = NotificationSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_to=RECIPIENTS,
        timeout_seconds=5.0,
    )

    assert notify_callback_requested(settings) == []

    [warning] = warnings_of(caplog)
    assert warning.getMessage() == "Callback notification by e-mail failed (ConnectionRefusedError)"
    assert warning.exc_info is None  # no traceback, which would carry the error text
    assert str(port) not in caplog.text
    assert "intake@clinic.test" not in caplog.text


# --- webhook ------------------------------------------------------------------------------


def test_webhook_receives_exactly_the_event_and_the_link(
    hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    settings = NotificationSettings(webhook_url=hook.url, review_url=REVIEW_URL)

    assert notify_callback_requested(settings) == ["webhook"]

    [(method, path, headers, body)] = hook.requests
    assert method == "POST"
    assert path == "/hooks/intake?token=abc123"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"event": "callback_requested", "url": CALLBACKS_URL}
    assert_nothing_personal(body.decode())
    assert [r.getMessage() for r in caplog.records] == ["Callback notification sent by webhook"]


@pytest.mark.parametrize("status", [500, 404, 302])
def test_webhook_error_is_logged_without_the_url(
    hook: Hook, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    hook.status = status
    settings = NotificationSettings(webhook_url=hook.url, timeout_seconds=5.0)

    assert notify_callback_requested(settings) == []

    # One POST, and a redirect is not followed (nor turned into a GET elsewhere).
    assert [(method, path) for method, path, _, _ in hook.requests] == [
        ("POST", "/hooks/intake?token=abc123")
    ]
    [warning] = warnings_of(caplog)
    assert warning.getMessage() == "Callback notification by webhook failed (HTTPError)"
    assert warning.exc_info is None
    for secret in ("http", "127.0.0.1", "abc123", "hooks"):
        assert secret not in caplog.text


def test_unreachable_webhook_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    assert notify_callback_requested(NotificationSettings(webhook_url=url)) == []
    [warning] = warnings_of(caplog)
    assert warning.getMessage() == "Callback notification by webhook failed (URLError)"
    assert "127.0.0.1" not in caplog.text


# --- both, neither ------------------------------------------------------------------------


def test_both_channels_at_once(mailbox: Mailbox, hook: Hook) -> None:
    settings = email_settings(mailbox, webhook_url=hook.url)
    assert notify_callback_requested(settings) == ["email", "webhook"]
    assert len(mailbox.envelopes) == 1
    assert len(hook.requests) == 1


def test_a_failing_channel_does_not_stop_the_other(mailbox: Mailbox, hook: Hook) -> None:
    hook.status = 500
    settings = email_settings(mailbox, webhook_url=hook.url)
    assert notify_callback_requested(settings) == ["email"]
    assert len(mailbox.envelopes) == 1


def test_nothing_configured_sends_nothing(
    mailbox: Mailbox, hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    assert notify_callback_requested(NotificationSettings()) == []
    # A host without recipients is not a channel either.
    host_only = NotificationSettings(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    assert notify_callback_requested(host_only) == []
    assert mailbox.envelopes == [] and hook.requests == []
    assert caplog.records == []


# --- settings -----------------------------------------------------------------------------


def test_settings_from_the_environment() -> None:
    settings = notification_settings(
        {
            "CALLBACK_SMTP_HOST": "smtp.clinic.test",
            "CALLBACK_SMTP_PORT": "2525",
            "CALLBACK_SMTP_USER": "bot@clinic.test",
            "CALLBACK_SMTP_PASSWORD": " s3cret ",
            "CALLBACK_SMTP_STARTTLS": "False",
            "CALLBACK_NOTIFY_FROM": "Clinic assistant <assistant@clinic.test>",
            "CALLBACK_NOTIFY_TO": "intake@clinic.test, Night Nurse <nurse@clinic.test>",
            "CALLBACK_WEBHOOK_URL": "https://hooks.clinic.test/intake",
            "REVIEW_APP_URL": "https://staff.clinic.test/",
        }
    )
    assert settings == NotificationSettings(
        smtp_host="smtp.clinic.test",
        smtp_port=2525,
        smtp_user="bot@clinic.test",
        smtp_password=" s3cret ",
        smtp_starttls=False,
        smtp_from="Clinic assistant <assistant@clinic.test>",
        smtp_to=("intake@clinic.test", "Night Nurse <nurse@clinic.test>"),
        webhook_url="https://hooks.clinic.test/intake",
        review_url="https://staff.clinic.test",
    )
    assert settings.email_enabled and settings.webhook_enabled
    assert settings.callbacks_url == "https://staff.clinic.test/callbacks"
    assert "s3cret" not in repr(settings) and "hooks.clinic.test" not in repr(settings)


def test_settings_default_to_nothing_enabled() -> None:
    settings = notification_settings({})
    assert settings == NotificationSettings()
    assert not settings.email_enabled and not settings.webhook_enabled
    assert settings.smtp_port == 587 and settings.smtp_starttls
    assert settings.callbacks_url == "http://localhost:8100/callbacks"


@pytest.mark.parametrize("value, expected", [("true", True), ("YES", True), ("0", False)])
def test_starttls_words(value: str, expected: bool) -> None:
    assert notification_settings({"CALLBACK_SMTP_STARTTLS": value}).smtp_starttls is expected


EMAIL = {"CALLBACK_SMTP_HOST": "smtp.clinic.test", "CALLBACK_NOTIFY_TO": "intake@clinic.test"}


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({**EMAIL, "CALLBACK_SMTP_PORT": "smtp"}, "CALLBACK_SMTP_PORT"),
        ({**EMAIL, "CALLBACK_SMTP_PORT": "70000"}, "CALLBACK_SMTP_PORT"),
        ({**EMAIL, "CALLBACK_SMTP_STARTTLS": "maybe"}, "CALLBACK_SMTP_STARTTLS"),
        ({"CALLBACK_WEBHOOK_URL": "ftp://hooks.clinic.test/x"}, "CALLBACK_WEBHOOK_URL"),
        ({"CALLBACK_WEBHOOK_URL": "hooks.clinic.test/x"}, "CALLBACK_WEBHOOK_URL"),
        ({"REVIEW_APP_URL": "staff.clinic.test"}, "REVIEW_APP_URL"),
        ({**EMAIL, "CALLBACK_NOTIFY_TO": "intake.clinic.test"}, "CALLBACK_NOTIFY_TO"),
        ({**EMAIL, "CALLBACK_NOTIFY_TO": "a@clinic.test, nurse"}, "CALLBACK_NOTIFY_TO"),
        ({**EMAIL, "CALLBACK_NOTIFY_FROM": "assistant"}, "CALLBACK_NOTIFY_FROM"),
        ({"CALLBACK_SMTP_HOST": "smtp.clinic.test"}, "CALLBACK_NOTIFY_TO"),
        ({"CALLBACK_NOTIFY_TO": "intake@clinic.test"}, "CALLBACK_SMTP_HOST"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(
    environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(ValueError, match=variable):
        notification_settings(environ)


def test_a_bad_webhook_url_is_not_echoed() -> None:
    with pytest.raises(ValueError) as refused:
        notification_settings({"CALLBACK_WEBHOOK_URL": "ftp://hooks.clinic.test/token-xyz"})
    assert "token-xyz" not in str(refused.value)
