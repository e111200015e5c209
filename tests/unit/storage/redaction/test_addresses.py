"""storage/redaction/addresses.py: street addresses, PO boxes, "City, ST 64111", ZIP codes."""

from __future__ import annotations

import pytest

from storage.redaction import redact_text


@pytest.mark.parametrize(
    "address",
    [
        "123 Main St",
        "123 main st",
        "123 Main St.",
        "4500 Oak Avenue Apt 5B",
        "4500 Oak Avenue, Apt. 5B",
        "12 N. Elm Street, Kansas City, MO 64111",
        "12 N Elm St Kansas City MO 64111",
        "500 W 39th St",
        "88 Wrenfield Dr",
        "9 Wrenfield Way",
        "77 Larkspur Lane #4",
        "1600 Martin Luther King Jr Blvd",
        "PO Box 123",
        "P.O. Box 123",
        "post office box 123",
        "Kansas City, MO 64111",
        "Kansas City, Missouri 64111",
        "MO 64111-1234",
        "12 Brandy Lane",  # a drink, and a given name: kept out of the drug words
    ],
)
def test_address_formats(address: str) -> None:
    assert redact_text(f"we are at {address} now") == "we are at [ADDRESS] now"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("zip code is 64111", "zip code is [ADDRESS]"),
        ("ZIP: 64111-1234", "ZIP: [ADDRESS]"),
        ("i live at 22 pike place", "i live at [ADDRESS]"),  # ambiguous suffix, cue before
    ],
)
def test_zip_codes_and_ambiguous_suffixes_in_context(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "room 204",
        "a lone 64111",
        "I took 2 on the way home",
        "took 2 different dr appointments",
        "3 court dates",
        "I live on Elm Street",
        "it's a 20 minute drive",
        "we drove 3 hours to Kansas City",
        "24 Hour Pharmacy",
        "route 66",
        "2 pills a day",
        "my zip code changed",
        "took 2 xanax bars st",  # drug words never start a street name
    ],
)
def test_not_addresses(text: str) -> None:
    assert redact_text(text) == text
