"""storage/redaction/phones.py: phone numbers found by libphonenumber, doses and dates kept."""

from __future__ import annotations

import pytest

from storage.redaction import PHONE, redact_text
from storage.redaction.phones import redact_phones


@pytest.mark.parametrize(
    "number",
    [
        "816-555-0142",
        "(816) 555-0142",
        "(816)555-0142",
        "816.555.0142",
        "816 555 0142",
        "8165550142",
        "+1 816 555 0142",
        "+1 (816) 555-0142",
        "1-816-555-0142",
        "1 816 555 0142",
        "+18165550142",
        "+1-816-555-0142",
        "tel:+18165550142",
        "816-555-0142 ext. 12",
        "816-555-0142 ext 12",
        "816-555-0142 x12",
        "816-555-0142, extension 12",
        "555-0142",
        "555.0142",
        "555 0142",  # a local number with a space (#17) ...
        "5550142",  # ... or with nothing between its groups
        "1-800-222-1222",
        # Abroad: Ofcom's drama ranges, obviously made-up Spanish and Mexican numbers.
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+442079460958",
        "0044 20 7946 0958",
        "011 44 20 7946 0958",
        "+44 7700 900123",
        "+52 55 1234 5678",
        "55 1234 5678",
        "+34 612 34 56 78",
        "+34 612 345 678",
        "0034 612 345 678",
        "612 34 56 78",
        "612 345 678",
        "612-34-56-78",
        "91 123 45 67",
        "+913 555 0171",  # a mistyped "+": still a phone number
        # Written from a leading "0", as at home in the UK (and most of Europe), #17.
        "020 7946 0958",
        "(020) 7946 0958",
        "07700 900123",
        "07700900123",
        "0044 7700 900123",  # an unassigned range: "00" numbers need only the right length
        "0044 (0)20 7946 0958",
        "00 44 20 7946 0958",
    ],
)
def test_phone_formats(number: str) -> None:
    assert redact_text(f"call me on {number} tonight") == "call me on [PHONE] tonight"
    assert redact_text(number) == PHONE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mi número es 612345678", "mi número es [PHONE]"),
        ("mi móvil: 612345678", "mi móvil: [PHONE]"),
        ("llámame al 612345678", "llámame al [PHONE]"),
        ("Teléfono 912345678", "Teléfono [PHONE]"),
        ("my number is 612345678", "my number is [PHONE]"),
        ("whatsapp 612345678", "whatsapp [PHONE]"),
        ("llámame al +34 612 345 678", "llámame al [PHONE]"),
        ("our home line (555-0188) is best", "our home line ([PHONE]) is best"),
        ("[816-555-0142]", "[[PHONE]]"),
        ("two numbers: 816 555 0143 913 555 0144", "two numbers: [PHONE] [PHONE]"),
        ("I'm 35 816 555 0142", "I'm 35 [PHONE]"),
        ("ph: 816-555-0142.", "ph: [PHONE]."),
    ],
)
def test_phone_numbers_in_context(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "call 911 now",
        "call or text 988",
        "chat at 988lifeline.org",
        "¿el 112 o el 911?",
        "is 2 mg a lot",
        "i take 0.5mg",
        "i take 0.5 mg twice a day",
        "took 30 pills",
        "tomó 30 pastillas",
        "toma 0,5 mg dos veces al día",
        "took 250-1000 mg of gabapentin",
        "took 250-1000 x 2",
        "since 2019",
        "it was 2019-2021",
        "from 2010 2011 2012 to 2020",
        "at 8:00 AM and 10:30 pm",
        "open mon-fri 08:00-20:00",
        "a lone 64111",
        "códigos postales 28013 y 08001",
        "816-555-01429",  # too many digits: not a phone number
        "81655501",
        "900-12-34567",  # 10 digits, but not grouped like a phone number
        "900123456",  # 9 bare digits without a phone word: maybe an SSN or an ID
        "641111234",
        "1 2 3 4 5 6 7 8 9",
        "the 1-800 number",
        "he is 6 2 and 180",
        "costs $1,200 a month",
        "order 2,000,000 mg",
        "phone8165550142",  # glued to a word
        "v1.816.555.0142",
        "i have 2000000 reasons",  # 7 digits, but a round number
        "$250 1000",  # amounts
        "took 250 1000mg",
        "in 2019 2020",
        "room 0042",  # a "0" first needs 10 digits
        "0800 2000",
        "code 0123456",
    ],
)
def test_not_phone_numbers(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    "text",
    ["01/02/1990", "1990-01-02", "14/03/1987", "12.01.2006", "2026-11-26 09:13:00"],
)
def test_dates_are_left_to_the_date_detector(text: str) -> None:
    assert redact_phones(text) == text


def test_numbers_an_id_detector_owns_are_no_phone_numbers() -> None:
    # 9 bare digits are an ID after "member id" ([ID_NUMBER], storage/redaction/id_numbers.py).
    assert redact_phones("member id 123456789") == "member id 123456789"


def test_text_without_seven_digits_is_returned_as_is() -> None:
    text = "took 2 at 10pm, 1 mg each"
    assert redact_phones(text) is text
