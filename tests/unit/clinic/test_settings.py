from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clinic.settings import (
    SETTINGS_FILE,
    InvalidClinicSettings,
    load_settings,
    parse_hours,
    parse_phone,
)

CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    "value, display, tel",
    [
        ("816-555-0142", "816-555-0142", "tel:+18165550142"),
        ("(816) 555 0142", "816-555-0142", "tel:+18165550142"),
        ("+1 816.555.0142", "816-555-0142", "tel:+18165550142"),
    ],
)
def test_phone_numbers_in_common_formats(value: str, display: str, tel: str) -> None:
    assert parse_phone(value) == (display, tel)


@pytest.mark.parametrize("value", ["555-0142", "call us", "016-555-0142", "816-555-01429"])
def test_bad_phone_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidClinicSettings, match="intake_phone"):
        parse_phone(value)


def test_shipped_file_loads_and_admits_its_placeholders() -> None:
    settings = load_settings(SETTINGS_FILE, environ={})
    assert settings.placeholders == ["intake_phone", "insurance_url"]
    assert settings.intake_languages == ("en",)  # nobody claims Spanish until it is set


@pytest.mark.parametrize("value, languages", [("en,es", ("en", "es")), (" es ", ("es",))])
def test_intake_languages_from_the_environment(value: str, languages: tuple[str, ...]) -> None:
    settings = load_settings(SETTINGS_FILE, environ={"CLINIC_INTAKE_LANGUAGES": value})
    assert settings.intake_languages == languages


def test_environment_overrides_the_file() -> None:
    settings = load_settings(
        SETTINGS_FILE,
        environ={
            # Fictional numbers only, even in tests: 555-0100..555-0199.
            "CLINIC_INTAKE_PHONE": "913 555 0199",
            "CLINIC_INSURANCE_URL": "https://clinic.test/insurance",
            "CLINIC_INTAKE_HOURS": "24/7",
        },
    )
    assert settings.phone_tel == "tel:+19135550199"
    assert settings.placeholders == ["intake_phone"]  # the link is no longer a placeholder
    assert settings.hours.always_open


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("CLINIC_INTAKE_PHONE", "12345", "intake_phone"),
        ("CLINIC_INSURANCE_URL", "http://insecure.test", "https"),
        ("CLINIC_INSURANCE_URL", "javascript:alert(1)", "https"),
        ("CLINIC_TIMEZONE", "Mars/Olympus", "time zone"),
        ("CLINIC_INTAKE_HOURS", "weekdays 9-5", "intake_hours.open"),
        ("CLINIC_INTAKE_HOURS", "mon 18:00-08:00", "closing before opening"),
        ("CLINIC_INTAKE_LANGUAGES", "en,fr", "intake_languages"),
        ("CLINIC_INTAKE_LANGUAGES", "spanish", "intake_languages"),
        ("CLINIC_INTAKE_LANGUAGES", "en,en", "at most once"),
    ],
)
def test_invalid_settings_stop_start_up_with_a_clear_message(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(InvalidClinicSettings, match=message):
        load_settings(SETTINGS_FILE, environ={variable: value})


def test_missing_fields_are_named(tmp_path: Path) -> None:
    path = tmp_path / "clinic.yml"
    path.write_text("name: Test Center\n")
    with pytest.raises(InvalidClinicSettings) as error:
        load_settings(path, environ={})
    for field in ("area", "intake_phone", "insurance_url", "intake_hours"):
        assert f"{path}: {field}: missing" in str(error.value)
    assert "name" not in str(error.value).replace(str(path), "")


def test_opening_hours_by_weekday() -> None:
    hours = parse_hours("mon-fri 08:00-20:00, sat 09:00-12:00", "America/Chicago")
    assert hours.is_open(datetime(2026, 11, 25, 9, 0, tzinfo=CHICAGO))  # Wednesday
    assert not hours.is_open(datetime(2026, 11, 25, 20, 0, tzinfo=CHICAGO))
    assert not hours.is_open(datetime(2026, 11, 29, 10, 0, tzinfo=CHICAGO))  # Sunday
    assert hours.next_opening(datetime(2026, 11, 28, 13, 0, tzinfo=CHICAGO)) == datetime(
        2026, 11, 30, 8, 0, tzinfo=CHICAGO
    )
