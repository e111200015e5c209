"""Tell the intake team that a callback request is waiting, without saying anything about it.

When a visitor asks to be called back, the request itself (name, phone number, message) is
stored encrypted and only shown in the staff app, behind a sign-in. This module only
*announces* that a new request exists: by e-mail through the center's SMTP server, by a
webhook (a JSON POST), or both. The notice carries no personal or health information at all:
no name, phone number, language, time, message, conversation id or request id, only the link
to the staff app's Callbacks page. E-mail and chat systems are not the place for patient data.

Configuration comes from the environment (`notification_settings()`):

- CALLBACK_SMTP_HOST, CALLBACK_SMTP_PORT (587), CALLBACK_SMTP_USER, CALLBACK_SMTP_PASSWORD,
  CALLBACK_SMTP_STARTTLS (true/false, default true), CALLBACK_NOTIFY_FROM and
  CALLBACK_NOTIFY_TO (comma-separated addresses): e-mail, when host and recipients are set;
- CALLBACK_WEBHOOK_URL (http or https): the webhook, when set;
- REVIEW_APP_URL (http://localhost:8100): where the staff app is, for the link.

`notify_callback_requested()` never raises: a failed notification is logged (channel and
exception type only, never addresses, URLs or the error text) and the request stays in the
staff app regardless.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import IO, Any
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

DEFAULT_REVIEW_URL = "http://localhost:8100"
WEBHOOK_EVENT = "callback_requested"
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


@dataclass(frozen=True)
class NotificationSettings:
    """Where to announce new callback requests. Empty host/URL means that channel is off."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = ()
    webhook_url: str = ""
    review_url: str = DEFAULT_REVIEW_URL
    timeout_seconds: float = 10.0

    @property
    def email_enabled(self) -> bool:
        """Whether to send e-mail: an SMTP host and at least one recipient are set."""
        return bool(self.smtp_host and self.smtp_to)

    @property
    def webhook_enabled(self) -> bool:
        """Whether to POST to a webhook."""
        return bool(self.webhook_url)

    @property
    def callbacks_url(self) -> str:
        """The staff app's Callbacks page, the only link a notice contains."""
        return f"{self.review_url.rstrip('/')}/callbacks"

    def __repr__(self) -> str:
        """Shows which channels are on, never the password, addresses or webhook URL."""
        return (
            f"NotificationSettings(email_enabled={self.email_enabled}, "
            f"webhook_enabled={self.webhook_enabled}, review_url={self.review_url!r})"
        )


def _http_url(variable: str, value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        # The value itself is not repeated: a webhook URL often carries a secret token.
        raise ValueError(f"{variable} must be an http:// or https:// URL")
    return value


def _address(variable: str, value: str) -> str:
    """One e-mail address ('a@b.org' or 'Name <a@b.org>'), normalised; refuses anything else."""
    if "\n" in value or "\r" in value:
        raise ValueError(f"{variable}: an e-mail address cannot contain a line break")
    name, address = parseaddr(value)
    local, _, domain = address.rpartition("@")
    # parseaddr drops what it cannot read ('a@b c' -> 'a@bc'): the address must be in the text.
    if not local or not domain or address not in value:
        raise ValueError(f"{variable}: {value!r} is not an e-mail address (name@domain)")
    return formataddr((name, address))


def _boolean(variable: str, value: str, default: bool) -> bool:
    word = value.strip().lower()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{variable} must be true or false, not {value!r}")


def _port(variable: str, value: str, default: int) -> int:
    if not value.strip():
        return default
    try:
        port = int(value)
    except ValueError:
        raise ValueError(f"{variable} must be a port number (1-65535), not {value!r}") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"{variable} must be a port number (1-65535), not {value!r}")
    return port


def notification_settings(environ: Mapping[str, str] | None = None) -> NotificationSettings:
    """Reads the CALLBACK_* variables and REVIEW_APP_URL (see the module docstring).

    Args:
        environ: the environment to read; `os.environ` when None.

    Returns:
        The validated settings; both channels are off when nothing is set.

    Raises:
        ValueError: naming the variable, for a bad port, boolean, URL or e-mail address,
            or for an SMTP host without recipients (or recipients without a host).
    """
    environ = os.environ if environ is None else environ

    def read(variable: str) -> str:
        return environ.get(variable, "").strip()

    host = read("CALLBACK_SMTP_HOST")
    recipients = tuple(
        _address("CALLBACK_NOTIFY_TO", item.strip())
        for item in read("CALLBACK_NOTIFY_TO").split(",")
        if item.strip()
    )
    if host and not recipients:
        raise ValueError("CALLBACK_SMTP_HOST is set but CALLBACK_NOTIFY_TO (recipients) is empty")
    if recipients and not host:
        raise ValueError("CALLBACK_NOTIFY_TO is set but CALLBACK_SMTP_HOST is empty")
    sender = read("CALLBACK_NOTIFY_FROM")
    webhook = read("CALLBACK_WEBHOOK_URL")
    review_url = read("REVIEW_APP_URL") or DEFAULT_REVIEW_URL
    return NotificationSettings(
        smtp_host=host,
        smtp_port=_port("CALLBACK_SMTP_PORT", read("CALLBACK_SMTP_PORT"), 587),
        smtp_user=read("CALLBACK_SMTP_USER"),
        # Not stripped: a password may legitimately start or end with a space.
        smtp_password=environ.get("CALLBACK_SMTP_PASSWORD", ""),
        smtp_starttls=_boolean("CALLBACK_SMTP_STARTTLS", read("CALLBACK_SMTP_STARTTLS"), True),
        smtp_from=_address("CALLBACK_NOTIFY_FROM", sender) if sender else "",
        smtp_to=recipients,
        webhook_url=_http_url("CALLBACK_WEBHOOK_URL", webhook) if webhook else "",
        review_url=_http_url("REVIEW_APP_URL", review_url).rstrip("/"),
    )


def callback_notice(settings: NotificationSettings) -> tuple[str, str]:
    """The e-mail's subject and plain-text body: that a request waits, and where. Nothing else.

    It takes no request on purpose, so it cannot leak one.
    """
    subject = "A callback request is waiting"
    body = (
        "A visitor asked the intake team to call them back.\n"
        "\n"
        "The details are in the staff app, on the Callbacks page:\n"
        f"{settings.callbacks_url}\n"
        "\n"
        "Sign in to see them. This e-mail does not contain any of the visitor's details.\n"
    )
    return subject, body


def _sender(settings: NotificationSettings) -> str:
    """CALLBACK_NOTIFY_FROM, else the SMTP user when it is an address, else the first recipient."""
    if settings.smtp_from:
        return settings.smtp_from
    if "@" in settings.smtp_user:
        return settings.smtp_user
    return settings.smtp_to[0]


def send_email(settings: NotificationSettings, subject: str, body: str) -> None:
    """Sends one plain-text e-mail to `settings.smtp_to` through the configured SMTP server.

    Uses STARTTLS (certificate checked) when `smtp_starttls`, so a server that does not offer
    it gets nothing; logs in when a user is set.

    Raises:
        OSError, smtplib.SMTPException: the server is unreachable or refused the message.
    """
    sender = _sender(settings)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(settings.smtp_to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2])
    message.set_content(body)
    recipients = [parseaddr(item)[1] for item in settings.smtp_to]
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message, from_addr=parseaddr(sender)[1], to_addrs=recipients)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would otherwise turn the POST into a GET elsewhere."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        """Refuses to follow: the caller gets the 3xx as an HTTPError."""
        return None


def send_webhook(settings: NotificationSettings) -> None:
    """POSTs `{"event": "callback_requested", "url": "<review_url>/callbacks"}` as JSON.

    Raises:
        OSError (urllib.error.URLError, HTTPError, TimeoutError): unreachable, or the
            answer was not 2xx (redirects are not followed).
    """
    payload = json.dumps({"event": WEBHOOK_EVENT, "url": settings.callbacks_url}).encode()
    request = urllib.request.Request(
        settings.webhook_url,
        data=payload,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(request, timeout=settings.timeout_seconds) as response:
        status = response.status
    if not 200 <= status < 300:
        raise urllib.error.HTTPError(
            settings.webhook_url, status, "not a 2xx answer", response.headers, None
        )


def notify_callback_requested(settings: NotificationSettings) -> list[str]:
    """Announces a new callback request by every enabled channel. Never raises.

    Returns:
        The channels that worked, in order: "email", "webhook"; [] when none is configured
        or all failed (each failure is logged as a warning: channel and exception type).
    """
    sent: list[str] = []
    if settings.email_enabled:
        try:
            subject, body = callback_notice(settings)
            send_email(settings, subject, body)
        except Exception as error:  # a notice must never break the request
            # Only the type: SMTP errors echo addresses, and the text may quote the server.
            logger.warning("Callback notification by e-mail failed (%s)", type(error).__name__)
        else:
            logger.info("Callback notification sent by e-mail")
            sent.append("email")
    if settings.webhook_enabled:
        try:
            send_webhook(settings)
        except Exception as error:  # a notice must never break the request
            # Only the type: URLError/HTTPError text can include the URL and its token.
            logger.warning("Callback notification by webhook failed (%s)", type(error).__name__)
        else:
            logger.info("Callback notification sent by webhook")
            sent.append("webhook")
    return sent
