"""The schema of clinic.yml (read by clinic/settings.py): its fields and what each may hold.

The checks of a phone number, a link, a time zone and the intake hours are pure functions
raising ValueError, shared by the schema's validators and the settings that use the values.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import validator

from content.languages import LANGUAGES
from content.yaml_schema import SchemaModel, Text

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = "24/7"
PHONE = re.compile(r"^\s*(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})\s*$")
HOURS_PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)
HOURS_EXAMPLE = "write days and times like 'mon-fri 08:00-20:00, sat 09:00-17:00', or '24/7'"


def phone_parts(value: str) -> tuple[str, str, str]:
    """'(816) 555-0142' -> ('816', '555', '0142'): area code, exchange, line."""
    match = PHONE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a US phone number like 816-555-0142")
    area, exchange, line = match.groups()
    if area[0] in "01" or exchange[0] in "01":
        raise ValueError(f"{value!r} is not a valid US phone number")
    return area, exchange, line


def https_link(value: str) -> str:
    """The link itself, if it is an https:// link to a host."""
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.hostname:
        raise ValueError(f"{value!r} must be an https:// link")
    return value


def time_zone(value: str) -> ZoneInfo:
    """The IANA time zone called `value` ("America/Chicago")."""
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{value!r} is not a known time zone") from error


def weekly_hours(value: str) -> dict[int, tuple[time, time]] | None:
    """'mon-fri 08:00-20:00, sat 09:00-17:00' -> {weekday (0 = Monday): (opens, closes)}.

    None for '24/7'.
    """
    text = value.strip().lower()
    if text == ALWAYS_OPEN:
        return None
    by_weekday: dict[int, tuple[time, time]] = {}
    for part in (piece.strip() for piece in text.split(",")):
        match = HOURS_PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise ValueError(f"{part!r}: {HOURS_EXAMPLE}")
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"] or match["first"])
        if last < first:
            raise ValueError(f"{part!r}: the days run backwards (write e.g. 'mon-fri')")
        try:
            opens = time.fromisoformat(match["open"].zfill(5))
            closes = time.fromisoformat(match["close"].zfill(5))
        except ValueError as error:
            raise ValueError(f"{part!r}: not a time of day (00:00 to 23:59)") from error
        if opens >= closes:
            raise ValueError(f"{part!r}: closing before opening")
        for day in range(first, last + 1):
            by_weekday[day] = (opens, closes)
    return by_weekday


class IntakeHours(SchemaModel):
    """`intake_hours`: when the intake team answers the phone."""

    timezone: Text
    open: Text

    @validator("timezone")
    def known_time_zone(cls, value: str) -> str:
        """An IANA name, e.g. America/Chicago."""
        time_zone(value)
        return value

    @validator("open")
    def days_and_times(cls, value: str) -> str:
        """'24/7' or e.g. 'mon-fri 08:00-20:00, sat 09:00-17:00'."""
        weekly_hours(value)
        return value


class ClinicFile(SchemaModel):
    """clinic.yml, after the CLINIC_* environment variables have replaced its values."""

    name: Text
    area: Text
    intake_phone: Text
    insurance_url: Text
    intake_hours: IntakeHours
    intake_languages: list[Text] = ["en"]

    @validator("intake_phone", pre=True)
    def phone_written_as_a_number(cls, value: Any) -> Any:
        """An unquoted 8165550142 is a number to YAML: it is still a phone number."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @validator("intake_phone")
    def us_phone_number(cls, value: str) -> str:
        """A US number in any common format."""
        phone_parts(value)
        return value

    @validator("intake_languages", pre=True)
    def languages_written_as_text(cls, value: Any) -> Any:
        """'en, es' (as CLINIC_INTAKE_LANGUAGES gives it) is the list ['en', 'es']."""
        return [part.strip() for part in value.split(",")] if isinstance(value, str) else value

    @validator("intake_languages")
    def known_languages(cls, value: list[str]) -> list[str]:
        """One or more of the assistant's languages, each once."""
        unknown = [language for language in value if language not in LANGUAGES]
        if unknown or not value or len(set(value)) != len(value):
            raise ValueError(f"list each of {', '.join(LANGUAGES)} at most once, e.g. [en, es]")
        return value

    @validator("insurance_url")
    def https(cls, value: str) -> str:
        """An https:// link."""
        return https_link(value)
