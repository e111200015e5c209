"""The center's contact settings (clinic.yml + environment), loaded once and validated.

Pure helpers: no Rasa here. `load_settings()` raises `InvalidClinicSettings` with
a clear message for a bad phone number, link, time zone or hours, so the action
server refuses to start instead of showing visitors a broken number.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

logger = logging.getLogger(__name__)

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "clinic.yml"
ENVIRONMENT = {
    "name": "CLINIC_NAME",
    "area": "CLINIC_AREA",
    "intake_phone": "CLINIC_INTAKE_PHONE",
    "insurance_url": "CLINIC_INSURANCE_URL",
    "timezone": "CLINIC_TIMEZONE",
    "open": "CLINIC_INTAKE_HOURS",
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = "24/7"
PHONE = re.compile(r"^\s*(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})\s*$")
HOURS_PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")


class InvalidClinicSettings(ValueError):
    """clinic.yml or its environment overrides cannot be used."""


@dataclass(frozen=True)
class OpeningHours:
    """When the intake team answers the phone, in the center's time zone."""

    timezone: ZoneInfo
    always_open: bool
    # weekday (0 = Monday) -> (opens, closes)
    by_weekday: Mapping[int, tuple[time, time]]

    def is_open(self, moment: datetime) -> bool:
        """Whether the team answers at `moment` (an aware datetime)."""
        if self.always_open:
            return True
        local = moment.astimezone(self.timezone)
        hours = self.by_weekday.get(local.weekday())
        return hours is not None and hours[0] <= local.time() < hours[1]

    def next_opening(self, moment: datetime) -> datetime:
        """The next time the team opens after `moment`, in the center's time zone."""
        local = moment.astimezone(self.timezone)
        for days_ahead in range(8):
            day = local.date() + timedelta(days=days_ahead)
            hours = self.by_weekday.get(day.weekday())
            if hours is None:
                continue
            opening = datetime.combine(day, hours[0], tzinfo=self.timezone)
            if opening > local:
                return opening
        raise InvalidClinicSettings("intake hours: the team never opens")


@dataclass(frozen=True)
class ClinicSettings:
    """Validated contact details of the center."""

    name: str
    area: str
    phone_display: str
    phone_tel: str
    insurance_url: str
    hours: OpeningHours

    @property
    def placeholders(self) -> list[str]:
        """Which settings still hold the shipped placeholders."""
        found = []
        if re.search(r"555-01\d\d$", self.phone_display):
            found.append("intake_phone")
        if (urlparse(self.insurance_url).hostname or "").endswith(PLACEHOLDER_HOSTS):
            found.append("insurance_url")
        return found


def parse_phone(value: str) -> tuple[str, str]:
    """'(816) 555-0142' -> ('816-555-0142', 'tel:+18165550142')."""
    match = PHONE.match(str(value))
    if not match:
        raise InvalidClinicSettings(
            f"intake_phone {value!r} is not a US phone number like 816-555-0142"
        )
    area, exchange, line = match.groups()
    if area[0] in "01" or exchange[0] in "01":
        raise InvalidClinicSettings(f"intake_phone {value!r} is not a valid US phone number")
    return f"{area}-{exchange}-{line}", f"tel:+1{area}{exchange}{line}"


def parse_url(value: str) -> str:
    """Accepts https links only."""
    parsed = urlparse(str(value))
    if parsed.scheme != "https" or not parsed.hostname:
        raise InvalidClinicSettings(f"insurance_url {value!r} must be an https:// link")
    return str(value)


def parse_hours(value: str, timezone: str) -> OpeningHours:
    """'24/7' or 'mon-fri 08:00-20:00, sat 09:00-17:00' in `timezone`."""
    try:
        zone = ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidClinicSettings(f"timezone {timezone!r} is not a known time zone") from error
    text = str(value).strip().lower()
    if text == ALWAYS_OPEN:
        return OpeningHours(zone, True, {})
    by_weekday: dict[int, tuple[time, time]] = {}
    for part in (piece.strip() for piece in text.split(",")):
        match = HOURS_PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise InvalidClinicSettings(
                f"intake hours {value!r}: write '24/7' or e.g. 'mon-fri 08:00-20:00'"
            )
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"] or match["first"])
        try:
            opens, closes = (
                time.fromisoformat(match["open"].zfill(5)),
                time.fromisoformat(match["close"].zfill(5)),
            )
        except ValueError as error:
            raise InvalidClinicSettings(f"intake hours {value!r}: bad time") from error
        if opens >= closes:
            raise InvalidClinicSettings(f"intake hours {value!r}: closing before opening")
        for day in range(first, last + 1):
            by_weekday[day] = (opens, closes)
    return OpeningHours(zone, False, by_weekday)


def load_settings(
    path: Path = SETTINGS_FILE, environ: Mapping[str, str] | None = None
) -> ClinicSettings:
    """Reads clinic.yml, applies environment overrides and validates everything."""
    environ = os.environ if environ is None else environ
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InvalidClinicSettings(f"cannot read {path}: {error}") from error
    hours = data.get("intake_hours") or {}
    values = {
        "name": data.get("name"),
        "area": data.get("area"),
        "intake_phone": data.get("intake_phone"),
        "insurance_url": data.get("insurance_url"),
        "timezone": hours.get("timezone"),
        "open": hours.get("open"),
    }
    for key, variable in ENVIRONMENT.items():
        if environ.get(variable):
            values[key] = environ[variable]
    missing = [key for key, value in values.items() if not value]
    if missing:
        raise InvalidClinicSettings(f"{path}: missing {', '.join(missing)}")
    phone_display, phone_tel = parse_phone(str(values["intake_phone"]))
    return ClinicSettings(
        name=str(values["name"]),
        area=str(values["area"]),
        phone_display=phone_display,
        phone_tel=phone_tel,
        insurance_url=parse_url(str(values["insurance_url"])),
        hours=parse_hours(str(values["open"]), str(values["timezone"])),
    )


@functools.lru_cache(maxsize=1)
def clinic_settings() -> ClinicSettings:
    """The settings of this deployment, loaded once; warns once about placeholders."""
    settings = load_settings()
    if settings.placeholders:
        logger.warning(
            "clinic.yml still uses placeholder %s: set the real values before going live",
            " and ".join(settings.placeholders),
        )
    return settings
