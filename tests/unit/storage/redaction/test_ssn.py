"""storage/redaction/ssn.py: Social Security numbers."""

from __future__ import annotations

import pytest

from storage.redaction import redact_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("900-12-3456", "[SSN]"),
        ("900 12 3456", "[SSN]"),
        ("ssn 900123456", "ssn [SSN]"),
        ("SSN: 900123456", "SSN: [SSN]"),
        ("my social security number is 900123456", "my social security number is [SSN]"),
        ("social is 900.12.3456", "social is [SSN]"),
        ("ss# 900-12-3456", "ss# [SSN]"),
        ("last 4 of my ssn is 4321", "last 4 of my ssn is [SSN]"),
        ("last four digits of his social: 4321", "last four digits of his social: [SSN]"),
        ("ssn 612345678", "ssn [SSN]"),  # an SSN cue wins over a Spanish-looking number
    ],
)
def test_ssn_formats(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "900123456",  # 9 bare digits with no "ssn" before them: not known to be an SSN
        "900-12-34567",
        "social anxiety since 2019",
        "900-12 3456",  # mixed separators
    ],
)
def test_not_ssns(text: str) -> None:
    assert redact_text(text) == text
