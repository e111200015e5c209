"""Phone numbers, found by Google's libphonenumber (the ``phonenumbers`` package).

In this order:

1. :class:`phonenumbers.PhoneNumberMatcher`, region US, leniency POSSIBLE (the right number
   of digits; the number need not be assigned, so a new area code is no blind spot): US
   numbers in any usual grouping (``816-555-0142``, ``(816) 555-0142``, ``+1 816 555 0142``,
   ``tel:+18165550142``, ``816-555-0142 ext. 12``, Mexican ``55 1234 5678``; not
   ``900-12-34567``), ``+CC`` and ``011 CC`` international numbers (``+44 20 7946 0958``,
   ``+34 612 345 678``), and 7-digit local numbers written with a dash or a dot
   (``555-0142``, ``555 0142``, ``5550142``; not ``250-1000 mg``, ``$250 1000``, ``2000000``);
2. the matcher, region ES, leniency VALID: numbers dialled with ``00`` (``0044 20 7946
   0958``), and Spanish numbers written in Spanish groups (``612 34 56 78``, ``612 345 678``,
   ``91 123 45 67``) or just after a phone word (``mi número es 612345678``, ``call me
   612345678``): 9 bare digits are otherwise kept (``900123456`` may be an SSN, an ID...);
3. the matcher, region GB, leniency POSSIBLE, for numbers written from a leading ``0``: the
   national (trunk) form of most countries outside North America (``020 7946 0958``,
   ``07700 900123``, ``06 12 34 56 78``) and any ``00`` international number, assigned or
   not (``0044 7700 900123``), when it has 10 digits or more;
4. runs of digits too long for one number, which the matcher gives up on (``816 555 0142
   913 555 0143``, ``age 35 816 555 0142``): their space-separated pieces, as in 1;
5. a ``+`` and 8 to 15 digits that libphonenumber cannot place (a mistyped country code,
   ``+415 555 0100``): still written as a phone number.

Never a phone: 911, 988 and other short numbers, doses and counts (``0.5 mg``, ``took 30
pills``, ``250-1000 mg``), dates, times, years, ZIP codes, numbers glued to letters or to
other digits by ``.``, ``,``, ``/`` or ``-``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatcher

from storage.redaction.placeholders import PHONE, replace_spans

Span = tuple[int, int]

# Quick checks before the (slower) matcher runs: 7 digits close together (a local US number)
# for the first pass, 9 (every Spanish number, "00" and a country code) for the second, 11
# (more than one US number holds) for retrying the pieces of a run.
_SEVEN_DIGITS = re.compile(r"\d(?:[^\w\n]{0,3}\d){6}")
_NINE_DIGITS = re.compile(r"\d(?:[^\w\n]{0,3}\d){8}")
# A "0" starting ten digits or more (the leading-"0" pass).
# Not a "0" inside a number ("816 555 0143", "4000-0566-...").
_ZERO_FIRST = re.compile(r"(?<![\d.,])(?<!\d[ .-])\(?0\d*(?:[^\w\n]{0,3}\d){9}")
_LONG_RUN = re.compile(r"\d(?:[^\w\n]{0,3}\d){10,}")
_PIECE = re.compile(r"\S+")
_MOST_PIECES = 6  # "+1 (816) 555 0142 ext 12"

_TEL_BEFORE = re.compile(r"(?i)\btel:[ \t]*$")
_BAD_AFTER = re.compile(r"[\w-]|[.,/]\d")
# A 7-digit local number: exchange 2-9, a dash, dot, space or nothing between 3 and 4 digits;
# not a dose range ("250-1000 mg", see _UNITS_AHEAD), an amount ("$250 1000"), or a round
# number written without a separator ("2000000").
_LOCAL = re.compile(r"[2-9]\d{2}(?:[ .-]\d{4}|(?!\d0{3}(?!\d))\d{4})(?!\d)")
# Written from a leading "0" (national trunk prefix or "00"): at least this many digits.
_FEWEST_ZERO_DIGITS = 10
_UNITS_AHEAD = re.compile(
    r"(?i)[ \t]*(?:mg|mcg|milligrams?|ml|pills?|tablets?|tabs?|times|x\b|%|people)"
)
# How 10 digits are grouped: 816-555-0142, 816 5550142, 816555-0142, 8165550142, and the
# Mexican way (55 1234 5678); not "900-12-34567".
_TEN_DIGIT_GROUPS = {(3, 3, 4), (3, 7), (6, 4), (10,), (2, 4, 4)}
# How Spaniards group their 9 digits: 612 34 56 78, 612 345 678, 91 123 45 67.
_SPANISH_GROUPS = {(3, 2, 2, 2), (3, 3, 3), (2, 3, 2, 2)}
_PHONE_WORD_BEFORE = re.compile(
    r"(?i)\b(?:phone|tel|tel[eé]fono|n[uú]mero|number|cell|celular|m[oó]vil|mobile|whats[ \t]?app"
    r"|wasap|ll[aá]m\w*|call|text|reach|contact\w*)\b[^\d\n]{0,25}$"
)
_OPENING = {"(": ")", "[": "]", "\uff08": "\uff09", "\uff3b": "\uff3d"}
_PLUS_NUMBER = re.compile(r"\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}")


def _unbracketed(start: int, raw: str) -> tuple[int, str]:
    """The match without an opening bracket it does not close: "(555-0142)" ends at "2"."""
    while raw[:1] in _OPENING and raw.count(raw[0]) > raw.count(_OPENING[raw[0]]):
        start, raw = start + 1, raw[1:]
    return start, raw


def _bounded(text: str, start: int, end: int) -> bool:
    """Whether the number stands alone: not glued to letters, "+", or digits by ".,/-"."""
    before = text[start - 1 : start]
    if before and (before.isalnum() or before in "_+.,/-"):
        return False
    return not _BAD_AFTER.match(text, end)


def _us_groups(raw: str, extension: str | None) -> tuple[int, ...]:
    """The lengths of the digit groups of a US number, without "+1"/"1" and extension."""
    groups = re.findall(r"\d+", raw)
    if extension and groups and groups[-1] == extension:
        groups.pop()
    if groups and groups[0] == "1":
        groups.pop(0)
    elif groups and len(groups[0]) in (4, 7, 11) and groups[0].startswith("1"):
        groups[0] = groups[0][1:]  # "+18165550142": area codes never start with 1
    return tuple(len(group) for group in groups)


def _us_span(text: str, start: int, raw: str, number: PhoneNumber) -> Span | None:
    """The span to replace for a match of the US pass (with "tel:" before it), or None."""
    start, raw = _unbracketed(start, raw)
    end = start + len(raw)
    if not _bounded(text, start, end):
        return None
    if number.country_code == 1:
        if len(str(number.national_number)) == 10:
            if _us_groups(raw, number.extension) not in _TEN_DIGIT_GROUPS:
                return None  # "900-12-34567"
        else:
            local = _LOCAL.match(raw)
            if (
                local is None
                or text[start - 1 : start] in (":", "$")
                or _UNITS_AHEAD.match(text, start + local.end())
            ):
                return None
    tel = _TEL_BEFORE.search(text, max(0, start - 8), start)
    return (tel.start() if tel else start), end


def _us_spans_in(text: str, start: int, end: int) -> list[Span]:
    """The spans of the numbers the US pass finds in ``text[start:end]``."""
    return [
        span
        for match in PhoneNumberMatcher(text[start:end], "US", leniency=Leniency.POSSIBLE)
        if (span := _us_span(text, start + match.start, match.raw_string, match.number))
    ]


def _phone_shaped(window: str) -> bool:
    """Whether a stretch of a run is grouped like a number the US pass takes."""
    if window.startswith(("+", "011")):
        return True
    return _us_groups(window, None) in _TEN_DIGIT_GROUPS or bool(_LOCAL.fullmatch(window))


def _spans_in_run(text: str, start: int, end: int) -> list[Span]:
    """Numbers in a run of digits the matcher gave up on: its pieces, longest stretch first.

    Only stretches grouped like a phone number are given to the matcher, so that a long
    run of other numbers (a table, a list of doses) costs little.
    """
    pieces = [piece.span() for piece in _PIECE.finditer(text, start, end)]
    spans: list[Span] = []
    for length in range(min(len(pieces) - 1, _MOST_PIECES), 0, -1):
        for first in range(len(pieces) - length + 1):
            window = (pieces[first][0], pieces[first + length - 1][1])
            if _phone_shaped(text[window[0] : window[1]]) and not any(
                window[0] < taken_end and taken_start < window[1]
                for taken_start, taken_end in spans
            ):
                spans.extend(_us_spans_in(text, *window))
    return spans


def _spanish_span(text: str, start: int, raw: str) -> Span | None:
    """The span to replace for a match of the Spanish pass, or None."""
    start, raw = _unbracketed(start, raw)
    end = start + len(raw)
    if not _bounded(text, start, end) or raw.startswith("+"):
        return None  # a "+" number the US pass left for a reason
    groups = tuple(len(group) for group in re.findall(r"\d+", raw))
    if (
        raw.startswith("00")
        or groups in _SPANISH_GROUPS
        or _PHONE_WORD_BEFORE.search(text, max(0, start - 40), start)
    ):
        return start, end
    return None


def _zero_span(text: str, start: int, raw: str) -> Span | None:
    """The span to replace for a match of the leading-"0" pass, or None."""
    start, raw = _unbracketed(start, raw)
    end = start + len(raw)
    if not raw.lstrip("(").startswith("0") or not _bounded(text, start, end):
        return None
    if sum(char.isdigit() for char in raw) < _FEWEST_ZERO_DIGITS:
        return None
    return start, end


def _plus_number(match: re.Match[str]) -> str:
    """[PHONE] for "+" and 8-15 digits standing alone; the text itself otherwise."""
    digits = sum(char.isdigit() for char in match.group())
    if 8 <= digits <= 15 and _bounded(match.string, match.start(), match.end()):
        return PHONE
    return match.group()


def _regional_pass(
    text: str,
    region: str,
    leniency: int,  # a Leniency value
    span_of: Callable[[str, int, str], Span | None],
) -> str:
    """The text with the numbers the matcher finds for `region`, and `span_of` keeps, replaced."""
    spans = [
        span
        for match in PhoneNumberMatcher(text, region, leniency=leniency)
        if (span := span_of(text, match.start, match.raw_string))
    ]
    return replace_spans(text, spans, PHONE)


def redact_phones(text: str) -> str:
    """Replaces phone numbers (US, international, Spanish, national with a "0") with ``[PHONE]``."""
    if not _SEVEN_DIGITS.search(text):
        return text
    text = replace_spans(text, _us_spans_in(text, 0, len(text)), PHONE)
    if _NINE_DIGITS.search(text):
        text = _regional_pass(text, "ES", Leniency.VALID, _spanish_span)
    if _ZERO_FIRST.search(text):
        text = _regional_pass(text, "GB", Leniency.POSSIBLE, _zero_span)
    runs = [run.span() for run in _LONG_RUN.finditer(text)]
    if runs:
        spans = [span for run in runs for span in _spans_in_run(text, *run)]
        text = replace_spans(text, spans, PHONE)
    return _PLUS_NUMBER.sub(_plus_number, text) if "+" in text else text
