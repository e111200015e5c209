"""storage/redaction/cards.py: Luhn-valid payment card numbers."""

from __future__ import annotations

import pytest

from storage.redaction import redact_text
from storage.redaction.cards import luhn_valid


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5555 5555 5555 4444",
        "3782 822463 10005",
        "378282246310005",
        "6011 1111 1111 1117",
        "4222222222222",
        "3056 9309 0259 04",
    ],
)
def test_card_formats(card: str) -> None:
    assert redact_text(f"card {card} exp 12/27") == "card [CARD] exp 12/27"


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # Luhn check fails
        "1234567890123",
        "order 123456789012",  # 12 digits: too short
    ],
)
def test_not_cards(text: str) -> None:
    assert redact_text(text) == text


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
