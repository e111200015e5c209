"""Dates: any full date with a year, and partial dates or years after a birth cue."""

from __future__ import annotations

import re

from storage.redaction.placeholders import DATE_OF_BIRTH, keep_then

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR4 = r"(?:19|20)\d{2}"

_DATE_BEFORE = r"(?<![\w./:-])"
_DATE_AFTER = r"(?![\w/-]|[.:]\d)"
_DATES = [
    # 01/02/1990, 1/2/90, 14-03-1987
    re.compile(
        _DATE_BEFORE + r"(?:0?[1-9]|[12]\d|3[01])(?P<sep>[/-])(?:0?[1-9]|[12]\d|3[01])"
        r"(?P=sep)(?:" + _YEAR4 + r"|\d{2})" + _DATE_AFTER
    ),
    # 01.02.1990 (a dot needs a 4-digit year: "3.6.21" is a version)
    re.compile(
        rf"{_DATE_BEFORE}(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|[12]\d|3[01])\.{_YEAR4}{_DATE_AFTER}"
    ),
    # 1990-01-02, 1990/1/2 (not a timestamp "1990-01-02 10:00:00" / "...T10:00")
    re.compile(
        _DATE_BEFORE
        + _YEAR4
        + r"(?P<sep>[/.-])(?:0?[1-9]|1[0-2])(?P=sep)(?:0?[1-9]|[12]\d|3[01])"
        + _DATE_AFTER
        + r"(?![ T]\d{1,2}:\d{2}:\d{2})"
    ),
    # January 2, 1990; Jan 2nd 1990; jan. 2 '90
    re.compile(
        r"(?i)\b" + _MONTH + r"[ \t]+" + _DAY + r"(?:,[ \t]*|[ \t]+)(?:of[ \t]+)?"
        r"(?:" + _YEAR4 + r"|['’]\d{2})\b"
    ),
    # 2 Jan 1990; 2nd of January, 1990
    re.compile(
        r"(?i)\b" + _DAY + r"[ \t]+(?:of[ \t]+)?" + _MONTH + r"(?:,[ \t]*|[ \t]+)"
        r"(?:" + _YEAR4 + r"|['’]\d{2})\b"
    ),
]
_BIRTH_CUE = (
    r"(?:born|birthday|birth[ \t]+day|b-?day|dob|d\.o\.b\.?|date[ \t]+of[ \t]+birth"
    r"|birth[ \t]*date|birth[ \t]+year|year[ \t]+of[ \t]+birth)"
)
_PARTIAL_DATE = (
    r"(?:" + _MONTH + r"[ \t]+" + _DAY + r"(?:(?:,[ \t]*|[ \t]+)(?:" + _YEAR4 + r"|['’]\d{2}))?"
    r"|" + _DAY + r"[ \t]+(?:of[ \t]+)?" + _MONTH + r"(?:,?[ \t]+" + _YEAR4 + r")?"
    r"|(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|[12]\d|3[01])(?:[/.-](?:\d{4}|\d{2}))?"
    r"|" + _MONTH + r",?[ \t]+" + _YEAR4 + r"|" + _YEAR4 + r")"
)
# "born in 1987", "my birthday is march 14th", "dob 3/14"
_INTRODUCED_DATE = re.compile(
    r"(?i)(?P<keep>\b"
    + _BIRTH_CUE
    + r"\b(?:[ \t]*(?:[:=,-]|\b(?:is|was|on|in|of|the|its|it's|it’s)\b))*[ \t]*)"
    r"(?P<value>" + _PARTIAL_DATE + r")(?![\w/]|[.-]\d)"
)
_KEEP_THEN_DATE = keep_then(DATE_OF_BIRTH)


def redact_dates(text: str) -> str:
    """Replaces full dates, and dates introduced as birth dates, with ``[DATE_OF_BIRTH]``."""
    for pattern in _DATES:
        text = pattern.sub(DATE_OF_BIRTH, text)
    return _INTRODUCED_DATE.sub(_KEEP_THEN_DATE, text)
