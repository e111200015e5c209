"""The center's contact settings (clinic.yml + environment), loaded once and validated.

Pure helpers: no Rasa here. `load_settings()` raises `InvalidClinicSettings` with
a clear message for a bad phone number, link, time zone or hours (one line per problem,
naming the file and the field: the schema is clinic/schema.py), so the action server
refuses to start instead of showing visitors a broken number.
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
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from clinic.schema import ClinicFile, https_link, phone_parts, time_zone, weekly_hours
from content.languages import ENGLISH
from content.yaml_schema import InvalidYamlFile, read_yaml, validate

logger = logging.getLogger(__name__)

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "clinic.yml"
# The field of clinic.yml (its path) that each environment variable replaces.
ENVIRONMENT = {
    "name": "CLINIC_NAME",
    "area": "CLINIC_AREA",
    "intake_phone": "CLINIC_INTAKE_PHONE",
    "insurance_url": "CLINIC_INSURANCE_URL",
    "intake_hours.timezone": "CLINIC_TIMEZONE",
    "intake_hours.open": "CLINIC_INTAKE_HOURS",
    "intake_languages": "CLINIC_INTAKE_LANGUAGES",
}
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
    # The languages the intake team speaks on the phone ("en", "es").
    intake_languages: tuple[str, ...] = (ENGLISH,)

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
    try:
        area, exchange, line = phone_parts(str(value))
    except ValueError as error:
        raise InvalidClinicSettings(f"intake_phone: {error}") from error
    return f"{area}-{exchange}-{line}", f"tel:+1{area}{exchange}{line}"


def parse_url(value: str) -> str:
    """Accepts https links only."""
    try:
        return https_link(str(value))
    except ValueError as error:
        raise InvalidClinicSettings(f"insurance_url: {error}") from error


def parse_hours(value: str, timezone: str) -> OpeningHours:
    """'24/7' or 'mon-fri 08:00-20:00, sat 09:00-17:00' in `timezone`."""
    try:
        zone = time_zone(str(timezone))
    except ValueError as error:
        raise InvalidClinicSettings(f"intake_hours.timezone: {error}") from error
    try:
        by_weekday = weekly_hours(str(value))
    except ValueError as error:
        raise InvalidClinicSettings(f"intake_hours.open: {error}") from error
    return OpeningHours(zone, by_weekday is None, by_weekday or {})


def with_overrides(data: Any, environ: Mapping[str, str]) -> tuple[Any, dict[str, str]]:
    """The file's content with the CLINIC_* variables' values, and which fields they set."""
    if not isinstance(data, dict):
        return data, {}  # the schema says what is wrong
    data = dict(data)
    labels = {}
    for field, variable in ENVIRONMENT.items():
        if not environ.get(variable):
            continue
        *parents, key = field.split(".")
        node = data
        for parent in parents:
            if node.get(parent) is None:
                node[parent] = {}
            if not isinstance(node[parent], dict):
                break  # the file's own value is wrong: the schema says so
            node[parent] = node = dict(node[parent])
        else:
            node[key] = environ[variable]
            labels[field] = f"{field} (set by {variable})"
    return data, labels


def load_settings(
    path: Path = SETTINGS_FILE, environ: Mapping[str, str] | None = None
) -> ClinicSettings:
    """Reads clinic.yml, applies environment overrides and validates everything."""
    environ = os.environ if environ is None else environ
    try:
        data, labels = with_overrides(read_yaml(path) or {}, environ)
        values = validate(data, ClinicFile, str(path), labels)
    except InvalidYamlFile as error:
        raise InvalidClinicSettings(str(error)) from error
    phone_display, phone_tel = parse_phone(values.intake_phone)
    return ClinicSettings(
        name=values.name,
        area=values.area,
        phone_display=phone_display,
        phone_tel=phone_tel,
        insurance_url=values.insurance_url,
        hours=parse_hours(values.intake_hours.open, values.intake_hours.timezone),
        intake_languages=tuple(values.intake_languages),
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
