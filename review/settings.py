"""The review app's settings, from the environment with embedded defaults for `make run`.

REVIEW_DATABASE_URL (default CONVERSATIONS_DB_URL, default the SQLite file the bot
writes), REVIEW_SECRET_KEY (at least 32 characters; default: a random key kept in
`.review-secret`, readable only by its owner), REVIEW_HTTPS=true behind an HTTPS proxy (Secure
cookies), REVIEW_IDLE_MINUTES (30: sessions end after this long without activity),
REVIEW_SESSION_HOURS (12: and this long after signing in, however active),
REVIEW_LOGIN_ATTEMPTS (10) failed sign-ins per client address in REVIEW_LOGIN_WINDOW_MINUTES
(15; review.login_limit), REVIEW_LIVE_MINUTES (5: the Live now page lists the conversations
a visitor wrote in within this long; review.live), and the center's time zone from
clinic.yml. The live takeover's RASA_URL and TAKEOVER_TOKEN are read by
review.takeover_client.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from clinic.settings import load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "sqlite:///conversations.db"
SECRET_FILE = PROJECT_ROOT / ".review-secret"


@dataclass(frozen=True)
class ReviewSettings:
    """How the review app runs."""

    database_url: str
    secret_key: str
    timezone: ZoneInfo
    https: bool = False
    idle_minutes: int = 30
    session_hours: int = 12
    login_attempts: int = 10
    login_window_minutes: int = 15
    live_minutes: int = 5


# A key shorter than this can be guessed offline from one signed cookie (#17, point 8).
MIN_SECRET_KEY_LENGTH = 32


def _secret_key(environ: Mapping[str, str], secret_file: Path) -> str:
    if environ.get("REVIEW_SECRET_KEY"):
        key = environ["REVIEW_SECRET_KEY"]
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"REVIEW_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters "
                "(make one with: openssl rand -hex 32)."
            )
        return key
    if not secret_file.exists():
        descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    return secret_file.read_text().strip()


def database_url(environ: Mapping[str, str]) -> str:
    """REVIEW_DATABASE_URL, else the bot's CONVERSATIONS_DB_URL, else the SQLite file."""
    return (
        environ.get("REVIEW_DATABASE_URL")
        or environ.get("CONVERSATIONS_DB_URL")
        or DEFAULT_DATABASE_URL
    )


def settings_from_environment(
    environ: Mapping[str, str] | None = None, secret_file: Path = SECRET_FILE
) -> ReviewSettings:
    """The settings of this deployment (raises ValueError with a clear message if invalid)."""
    environ = os.environ if environ is None else environ
    return ReviewSettings(
        database_url=database_url(environ),
        secret_key=_secret_key(environ, secret_file),
        timezone=load_settings(environ=environ).hours.timezone,
        https=environ.get("REVIEW_HTTPS", "").lower() in ("1", "true", "yes"),
        idle_minutes=_whole_number(environ, "REVIEW_IDLE_MINUTES", 30, "minutes"),
        session_hours=_whole_number(environ, "REVIEW_SESSION_HOURS", 12, "hours"),
        login_attempts=_whole_number(environ, "REVIEW_LOGIN_ATTEMPTS", 10, "attempts"),
        login_window_minutes=_whole_number(environ, "REVIEW_LOGIN_WINDOW_MINUTES", 15, "minutes"),
        live_minutes=_whole_number(environ, "REVIEW_LIVE_MINUTES", 5, "minutes"),
    )


def _whole_number(environ: Mapping[str, str], name: str, default: int, unit: str) -> int:
    """The variable as a whole number, at least 1 (its default if unset)."""
    value = environ.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of {unit}, at least 1.")
    return int(value)
