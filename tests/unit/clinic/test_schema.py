"""Broken copies of clinic.yml: the error names the file and the field."""

from pathlib import Path

import pytest

from clinic.settings import SETTINGS_FILE, InvalidClinicSettings, load_settings
from tests.support.broken_files import Change, broken_copy


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda d: d["intake_hours"].update(close="20:00"),
            "intake_hours.close: unknown field (expected: timezone, open)",
        ),
        (lambda d: d.update(website="https://x.test"), "website: unknown field"),
        (lambda d: d.update(name=["a", "b"]), "name: expected a text, not a list"),
        (lambda d: d.update(area=""), "area: must not be empty"),
        (lambda d: d.update(intake_hours="24/7"), "intake_hours: expected a mapping of fields"),
        (lambda d: d.pop("insurance_url"), "insurance_url: missing"),
        (lambda d: d["intake_hours"].pop("timezone"), "intake_hours.timezone: missing"),
        (
            lambda d: d.update(insurance_url="http://x.test"),
            "insurance_url: 'http://x.test' must be an https:// link",
        ),
        (
            lambda d: d["intake_hours"].update(open="fri-mon 09:00-17:00"),
            "intake_hours.open: 'fri-mon 09:00-17:00': the days run backwards",
        ),
        (
            lambda d: d["intake_hours"].update(open="mon-fri 08:00-24:00"),
            "intake_hours.open: 'mon-fri 08:00-24:00': not a time of day",
        ),
    ],
)
def test_a_broken_copy_names_the_file_and_the_field(
    tmp_path: Path, change: Change, problem: str
) -> None:
    path = broken_copy(tmp_path, SETTINGS_FILE, change)
    with pytest.raises(InvalidClinicSettings) as error:
        load_settings(path, environ={})
    assert f"{path}: {problem}" in str(error.value).splitlines()[0]


def test_every_problem_is_reported_on_its_own_line(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path, SETTINGS_FILE, lambda d: d.update(name=5, intake_phone="call us", extra=1)
    )
    with pytest.raises(InvalidClinicSettings) as error:
        load_settings(path, environ={})
    lines = str(error.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["name", "intake_phone", "extra"]


def test_an_environment_value_is_named_with_its_variable() -> None:
    with pytest.raises(InvalidClinicSettings) as error:
        load_settings(SETTINGS_FILE, environ={"CLINIC_TIMEZONE": "Mars/Olympus"})
    assert str(error.value) == (
        f"{SETTINGS_FILE}: intake_hours.timezone (set by CLINIC_TIMEZONE): "
        "'Mars/Olympus' is not a known time zone"
    )


def test_the_environment_fills_in_what_the_file_leaves_out(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, SETTINGS_FILE, lambda d: d.pop("intake_hours"))
    settings = load_settings(
        path, environ={"CLINIC_TIMEZONE": "America/Chicago", "CLINIC_INTAKE_HOURS": "24/7"}
    )
    assert settings.hours.always_open


def test_a_phone_number_written_as_a_number_is_still_read(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, SETTINGS_FILE, lambda d: d.update(intake_phone=8165550142))
    assert load_settings(path, environ={}).phone_display == "816-555-0142"
