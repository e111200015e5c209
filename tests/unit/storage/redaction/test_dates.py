"""storage/redaction/dates.py: full dates, and partial dates after a birth cue."""

from __future__ import annotations

import pytest

from storage.redaction import redact_text


@pytest.mark.parametrize(
    "date",
    [
        "01/02/1990",
        "1/2/90",
        "1-2-1990",
        "14/03/1987",
        "01.02.1990",
        "1990-01-02",
        "1990/1/2",
        "January 2, 1990",
        "january 2 1990",
        "Jan 2nd 1990",
        "Jan. 2, 1990",
        "2 Jan 1990",
        "2nd of January, 1990",
        "Sept 9 '99",
    ],
)
def test_full_dates(date: str) -> None:
    assert redact_text(f"on {date} i started") == "on [DATE_OF_BIRTH] i started"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("born 3/14", "born [DATE_OF_BIRTH]"),
        ("i was born in 1987", "i was born in [DATE_OF_BIRTH]"),
        ("born in March 1987", "born in [DATE_OF_BIRTH]"),
        ("my birthday is march 14th", "my birthday is [DATE_OF_BIRTH]"),
        ("birthday: the 14th of March", "birthday: the [DATE_OF_BIRTH]"),
        ("dob 3-14", "dob [DATE_OF_BIRTH]"),
        ("DOB: 14 March", "DOB: [DATE_OF_BIRTH]"),
        ("date of birth is 3/14/87", "date of birth is [DATE_OF_BIRTH]"),
        ("bday 12/1", "bday [DATE_OF_BIRTH]"),
        ("b-day 12/1", "b-day [DATE_OF_BIRTH]"),
        ("nací el 14/03/1987", "nací el [DATE_OF_BIRTH]"),
    ],
)
def test_dates_introduced_as_birth_dates(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2 weeks",
        "3 days",
        "since 2019",
        "for 10 years",
        "since march 2021",
        "Jan 2024 was when i started",
        "on march 3 i started",
        "took 4 of them on 11/2",
        "24/7",
        "1/2 a pill",
        "50/50",
        "version 3.6.21",
        "he was born 2 weeks early",
        "my birthday is next week",
        "my newborn is 3 months",
        "answered_at 2026-11-26T09:13:00Z",
        "2026-11-26 09:13:00",
        "Source: FDA Klonopin label, 2021.",
    ],
)
def test_not_dates_of_birth(text: str) -> None:
    assert redact_text(text) == text
