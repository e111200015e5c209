"""Dates: any full date with a year, and partial dates or years after a birth cue.

Days in figures or in words ("the third of march 1990", "march twenty-first, 1990"), months
by name or number (``14.03.90``: a two-digit year after dots needs two-digit day and month,
so that versions such as "3.6.21" stay), in English or Spanish ("el tres de marzo de 1990",
"3 de marzo del 90"; after "nací", "fecha de nacimiento", "cumpleaños": "el 3 de marzo").
"""

from __future__ import annotations

import re

from storage.redaction.placeholders import DATE_OF_BIRTH, keep_then

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_WORDS = (
    r"(?:(?:twenty|thirty)[ \t-]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth"
    r"|eighteenth|nineteenth|twentieth|thirtieth"
)
_DAY = r"(?:(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?|" + _DAY_WORDS + r")"
_MES = (
    r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|setiembre|octubre"
    r"|noviembre|diciembre)"
)
_DIA = (
    r"(?:0?[1-9]|[12]\d|3[01]|primero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez"
    r"|once|doce|trece|catorce|quince|dieci(?:s[eé]is|siete|ocho|nueve)"
    r"|veinti(?:uno|d[oó]s|tr[eé]s|cuatro|cinco|s[eé]is|siete|ocho|nueve)|veinte|treinta"
    r"(?:[ \t]+y[ \t]+uno)?)"
)
_YEAR4 = r"(?:19|20)\d{2}"

_DATE_BEFORE = r"(?<![\w./:-])"
_DATE_AFTER = r"(?![\w/-]|[.:]\d)"
# A month's name (English or Spanish): the patterns from _FIRST_MONTH_NAME_PATTERN on need one.
_MONTH_NAME = re.compile(
    r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|enero|febrero|marzo|abril|mayo"
    r"|junio|julio|agosto|setiembre|octubre|noviembre|diciembre)"
)
_FIRST_MONTH_NAME_PATTERN = 4
_DATES = [
    # 01/02/1990, 1/2/90, 14-03-1987
    re.compile(
        _DATE_BEFORE + r"(?:0?[1-9]|[12]\d|3[01])(?P<sep>[/-])(?:0?[1-9]|[12]\d|3[01])"
        r"(?P=sep)(?:" + _YEAR4 + r"|\d{2})" + _DATE_AFTER
    ),
    # 01.02.1990 (a dot needs a 4-digit year: "3.6.21" is a version) ...
    re.compile(
        rf"{_DATE_BEFORE}(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|[12]\d|3[01])\.{_YEAR4}{_DATE_AFTER}"
    ),
    # ... or two-digit day and month: 14.03.90
    re.compile(rf"{_DATE_BEFORE}(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])\.\d{{2}}{_DATE_AFTER}"),
    # 1990-01-02, 1990/1/2 (not a timestamp "1990-01-02 10:00:00" / "...T10:00")
    re.compile(
        _DATE_BEFORE
        + _YEAR4
        + r"(?P<sep>[/.-])(?:0?[1-9]|1[0-2])(?P=sep)(?:0?[1-9]|[12]\d|3[01])"
        + _DATE_AFTER
        + r"(?![ T]\d{1,2}:\d{2}:\d{2})"
    ),
    # January 2, 1990; Jan 2nd 1990; jan. 2 '90; march the third, 1990
    re.compile(
        r"(?i)\b" + _MONTH + r"[ \t]+(?:the[ \t]+)?" + _DAY + r"(?:,[ \t]*|[ \t]+)(?:of[ \t]+)?"
        r"(?:" + _YEAR4 + r"|['’]\d{2})\b"
    ),
    # 2 Jan 1990; 2nd of January, 1990
    re.compile(
        r"(?i)\b" + _DAY + r"[ \t]+(?:of[ \t]+)?" + _MONTH + r"(?:,[ \t]*|[ \t]+)"
        r"(?:" + _YEAR4 + r"|['’]\d{2})\b"
    ),
    # 3 de marzo de 1990; el tres de marzo del 90; 3 de marzo, 1990
    re.compile(
        r"(?i)\b" + _DIA + r"[ \t]+de[ \t]+" + _MES + r"(?:[ \t]+del?|,)?[ \t]+"
        r"(?:" + _YEAR4 + r"|\d{2})\b(?![/.-]\d)"
    ),
]
_BIRTH_CUE = (
    r"(?:born|birthday|birth[ \t]+day|b-?day|dob|d\.o\.b\.?|date[ \t]+of[ \t]+birth"
    r"|birth[ \t]*date|birth[ \t]+year|year[ \t]+of[ \t]+birth"
    r"|nac[ií](?:o|ó|do|da|mos)?|fecha[ \t]+de[ \t]+nacimiento|cumple(?:años)?|f\.?[ \t]*nac\.?)"
)
_PARTIAL_DATE = (
    r"(?:" + _MONTH + r"[ \t]+" + _DAY + r"(?:(?:,[ \t]*|[ \t]+)(?:" + _YEAR4 + r"|['’]\d{2}))?"
    r"|" + _DAY + r"[ \t]+(?:of[ \t]+)?" + _MONTH + r"(?:,?[ \t]+" + _YEAR4 + r")?"
    r"|(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|[12]\d|3[01])(?:[/.-](?:\d{4}|\d{2}))?"
    r"|" + _DIA + r"[ \t]+de[ \t]+" + _MES + r"(?:[ \t]+del?[ \t]+(?:" + _YEAR4 + r"|\d{2}))?"
    r"|" + _MONTH + r",?[ \t]+" + _YEAR4 + r"|" + _YEAR4 + r")"
)
# "born in 1987", "my birthday is march 14th", "dob 3/14"
_INTRODUCED_DATE = re.compile(
    r"(?i)(?P<keep>\b"
    + _BIRTH_CUE
    + r"(?![\w])(?:[ \t]*(?:[:=,-]|\b(?:is|was|on|in|of|the|its|it's|it’s|es|el|en|fue|mi|su)\b))*"
    r"[ \t]*)"
    r"(?P<value>" + _PARTIAL_DATE + r")(?![\w/]|[.-]\d)"
)
_KEEP_THEN_DATE = keep_then(DATE_OF_BIRTH)


def redact_dates(text: str) -> str:
    """Replaces full dates, and dates introduced as birth dates, with ``[DATE_OF_BIRTH]``."""
    patterns = _DATES if _MONTH_NAME.search(text) else _DATES[:_FIRST_MONTH_NAME_PATTERN]
    for pattern in patterns:
        text = pattern.sub(DATE_OF_BIRTH, text)
    return _INTRODUCED_DATE.sub(_KEEP_THEN_DATE, text)
