"""Payment card numbers: 13-19 digits, optional spaces or dashes, Luhn-valid."""

from __future__ import annotations

import re

from storage.redaction.placeholders import CARD

_CARD = re.compile(
    r"(?<![\w.,/-])(?:\d{4}[ -]?\d{6}[ -]?\d{4,5}|(?:\d{4}[ -]?){3}\d{1,7})(?![\w-]|[.,/]\d)"
)


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    """[CARD] for 13-19 digits that pass the Luhn check; the text itself otherwise."""
    digits = re.sub(r"\D", "", match.group())
    if 13 <= len(digits) <= 19 and luhn_valid(digits):
        return CARD
    return match.group()


def redact_cards(text: str) -> str:
    """Replaces Luhn-valid payment card numbers with ``[CARD]``."""
    return _CARD.sub(_card, text)
