"""storage/redaction/emails.py: plain and spelled-out e-mail addresses."""

from __future__ import annotations

import pytest

from storage.redaction import redact_text


@pytest.mark.parametrize(
    "address",
    [
        "dana@example.com",
        "Dana.Whitfield+intake@Example.ORG",
        "d_w-1987@mail.example.net",
        "mailto:dana@example.com",
        "dana @ example.com",
        "dana at example dot com",
        "dana dot whitfield at example dot org",
        "dana at example.net",
        "DANA AT EXAMPLE DOT COM",
        "dana[at]example[dot]com",
        "dana (at) example (dot) net",
        "dana {at} example {dot} com",
        "dana[at]clinic-example.org",
        "molly at gmail dot com",  # a drug word that is also a given name
    ],
)
def test_email_formats(address: str) -> None:
    assert redact_text(f"write to {address} please") == "write to [EMAIL] please"


@pytest.mark.parametrize(
    "text",
    [
        "i read it at drugs.com",
        "look at webmd dot com",
        "email me at the address on file",
        "i looked at it at example dot com",  # "it" is no mailbox
        "xanax at gmail dot com",  # a drug is no mailbox
        "@ 10pm i took 2",
        "meet at 5",
    ],
)
def test_not_email_addresses(text: str) -> None:
    assert redact_text(text) == text
