"""storage/redaction.py: identifiers out, everything else byte-identical.

The corpus (tests/redaction_corpus.yml) holds realistic visitor messages with planted
identifiers and messages that must not change; the tests below it pin each type's edge
cases, what is deliberately kept, and `redact` on nested Rasa event dicts.
"""

from __future__ import annotations

import re
from collections import namedtuple
from copy import deepcopy
from typing import Any

import pytest

from storage.redaction import (
    ADDRESS,
    CARD,
    DATE_OF_BIRTH,
    EMAIL,
    NAME,
    PHONE,
    SSN,
    redact,
    redact_text,
)
from tests.conftest import examples_by_intent, load_yaml

CORPUS = load_yaml("tests/redaction_corpus.yml")
REDACTED: list[dict[str, Any]] = CORPUS["redacted"]
UNCHANGED: list[str] = CORPUS["unchanged"]
PLACEHOLDERS = [PHONE, EMAIL, SSN, DATE_OF_BIRTH, ADDRESS, CARD, NAME]
PLACEHOLDER = re.compile(r"\[(?:PHONE|EMAIL|SSN|DATE_OF_BIRTH|ADDRESS|CARD|NAME)\]")

# The only numbers the corpus may use (tests/test_faq_content.py checks phones project-wide).
HELPLINES = ["1-800-222-1222", "1-800-662-4357"]
TEST_CARDS = {
    "4111111111111111",
    "5555555555554444",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "6011000990139424",
    "4012888888881881",
    "5105105105105100",
    "4222222222222",
    "4000056655665556",
    "30569309025904",
}


def case_id(case: dict[str, Any]) -> str:
    return str(case["text"])[:60]


# --- the corpus ------------------------------------------------------------------------------


def test_corpus_is_large_and_covers_every_type() -> None:
    assert len(REDACTED) >= 120
    assert len(UNCHANGED) >= 40
    for placeholder in PLACEHOLDERS:
        uses = sum(case["redacted"].count(placeholder) for case in REDACTED)
        assert uses >= 10, placeholder
    texts = [case["text"] for case in REDACTED] + UNCHANGED
    assert len(set(texts)) == len(texts), "duplicate corpus messages"


def test_corpus_cases_are_well_formed() -> None:
    for case in REDACTED:
        assert set(case) == {"text", "identifiers", "redacted"}, case
        assert case["identifiers"], case["text"]
        for identifier in case["identifiers"]:
            assert identifier in case["text"], (identifier, case["text"])
            # Short bare numbers would turn up by chance in the stored floats and timestamps
            # that tests/test_redacting_tracker_store.py searches.
            assert not re.fullmatch(r"\d{1,6}", identifier), identifier
        # The expected text is the original with identifiers swapped for placeholders only.
        skeleton = re.escape(case["redacted"])
        for placeholder in PLACEHOLDERS:
            skeleton = skeleton.replace(re.escape(placeholder), ".+?")
        assert re.fullmatch(skeleton, case["text"], re.DOTALL), case["text"]


def test_no_name_identifier_is_part_of_the_bots_own_words(domain: dict[str, Any]) -> None:
    """The tracker-store test looks for identifiers in all stored text, bot answers included."""
    bot_text = str(domain["responses"]).lower()
    for case in REDACTED:
        for identifier in case["identifiers"]:
            if not re.search(r"\d", identifier):
                assert identifier.lower() not in bot_text, identifier


def test_corpus_uses_fictional_data_only() -> None:
    text = "\n".join([case["text"] for case in REDACTED] + UNCHANGED)
    for email in re.findall(r"[\w.+-]+@([\w.-]+)", text):
        assert re.search(r"(?i)example\.(?:com|org|net)$", email), email
    spelled_out = (
        r"(?i)(?:\bat|\(at\)|\[at\])\s*([a-z][\w-]*)\s*(?:\.|\W?dot\W?)\s*(?:com|org|net)\b"
    )
    identifiers = "\n".join(identifier for case in REDACTED for identifier in case["identifiers"])
    for domain in re.findall(spelled_out, identifiers):
        assert domain.lower() == "example", domain
    ten_digits = r"\(?\b\d{3}\)?[\s.-]*\d{3}[\s.-]\d{4}\b|\b1?\d{10}\b"
    for number in re.findall(ten_digits, text):
        digits = re.sub(r"\D", "", number)[-10:]
        fictional = digits[3:7] == "5550" and 100 <= int(digits[6:]) <= 199
        assert fictional or number in " ".join(HELPLINES), number
    for number in re.findall(r"\b\d{3}[ .-]\d{4}\b", re.sub(ten_digits, "", text)):
        assert number[:3] == "555" and 100 <= int(number[4:]) <= 199, number
    for ssn in re.findall(r"\b(\d{3})[ .-]?\d{2}[ .-]?\d{4}\b", text):
        assert ssn in {"000", "666"} or ssn.startswith("9"), ssn
    cards = re.findall(r"\b\d[\d -]{11,21}\d\b", text)
    for card in cards:
        digits = re.sub(r"\D", "", card)
        if len(digits) >= 13:
            assert digits in TEST_CARDS, card


@pytest.mark.parametrize("case", REDACTED, ids=case_id)
def test_planted_identifiers_are_removed(case: dict[str, Any]) -> None:
    result = redact_text(case["text"])
    for identifier in case["identifiers"]:
        assert identifier not in result
        assert identifier.lower() not in result.lower()
    assert result == case["redacted"]


@pytest.mark.parametrize("text", UNCHANGED)
def test_messages_without_identifiers_are_unchanged(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize("case", REDACTED, ids=case_id)
def test_redaction_is_idempotent(case: dict[str, Any]) -> None:
    once = redact_text(case["text"])
    assert redact_text(once) == once


def test_the_projects_own_phrasings_are_unchanged(domain: dict[str, Any]) -> None:
    """Bot answers and visitor phrasings: nothing but the helplines' numbers is redacted."""
    texts: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(domain["responses"])
    collect(load_yaml("tests/safety_test_set.yml"))
    for path in ("data/nlu.yml", "tests/nlu_test.yml"):
        for examples in examples_by_intent(path).values():
            texts.extend(examples)
    assert len(texts) > 1000
    for text in texts:
        expected = text
        for helpline in HELPLINES:
            expected = expected.replace(helpline, PHONE)
        assert redact_text(text) == expected


# --- phone numbers ---------------------------------------------------------------------------


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
        "1-800-222-1222",
        "+44 20 7946 0958",  # Ofcom's range for drama
    ],
)
def test_phone_formats(number: str) -> None:
    assert redact_text(f"call me on {number} tonight") == "call me on [PHONE] tonight"
    assert redact_text(number) == PHONE


@pytest.mark.parametrize(
    "text",
    [
        "call 911 now",
        "call or text 988",
        "chat at 988lifeline.org",
        "is 2 mg a lot",
        "i take 0.5mg",
        "took 250-1000 mg of gabapentin",
        "since 2019",
        "it was 2019-2021",
        "at 8:00 AM and 10:30 pm",
        "open mon-fri 08:00-20:00",
        "a lone 64111",
        "816-555-01429",  # too many digits: not a phone number
        "81655501",
        "the 1-800 number",
        "he is 6 2 and 180",
    ],
)
def test_not_phone_numbers(text: str) -> None:
    assert redact_text(text) == text


# --- e-mail addresses ------------------------------------------------------------------------


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
        "@ 10pm i took 2",
        "meet at 5",
    ],
)
def test_not_email_addresses(text: str) -> None:
    assert redact_text(text) == text


# --- Social Security numbers -----------------------------------------------------------------


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


# --- dates of birth --------------------------------------------------------------------------


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


# --- addresses -------------------------------------------------------------------------------


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
    ],
)
def test_not_addresses(text: str) -> None:
    assert redact_text(text) == text


# --- payment cards ---------------------------------------------------------------------------


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
        "member id 123456789012",  # 12 digits: too short
    ],
)
def test_not_cards(text: str) -> None:
    assert redact_text(text) == text


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my name is John Smith", "my name is [NAME]"),
        ("my name is john smith and my son took 3", "my name is [NAME] and my son took 3"),
        ("my name is john i need help", "my name is [NAME] i need help"),
        ("My name is Ana, my son...", "My name is [NAME], my son..."),
        ("my name's Ana", "my name's [NAME]"),
        ("my name’s Ana", "my name’s [NAME]"),
        ("name: Bob Lee", "name: [NAME]"),
        ("Name = Bob Lee", "Name = [NAME]"),
        ("his name was Jo", "his name was [NAME]"),
        ("my son is named Tyler", "my son is named [NAME]"),
        ("my name is will", "my name is [NAME]"),
        ("this is Maria calling", "this is [NAME] calling"),
        ("this is maria calling", "this is [NAME] calling"),
        ("I'm Jake Peterson", "I'm [NAME]"),
        ("I'm Jake, my son took 3", "I'm [NAME], my son took 3"),
        ("I am Jake", "I am [NAME]"),
        ("i'm jake peterson", "i'm [NAME]"),
        ("i'm jake calling about my son", "i'm [NAME] calling about my son"),
        ("i'm jake from kc", "i'm [NAME] from kc"),
        ("i'm jake, tyler's dad", "i'm [NAME], [NAME]'s dad"),
        ("i'm tyler's mom", "i'm [NAME]'s mom"),
        ("call me Sam", "call me [NAME]"),
        ("call me sam.", "call me [NAME]."),
        ("it's Jennifer from the clinic", "it's [NAME] from the clinic"),
        ("it's jennifer from the clinic", "it's [NAME] from the clinic"),
        ("Jennifer here, quick question", "[NAME] here, quick question"),
        ("hi, Jennifer here", "hi, [NAME] here"),
        ("my son Tyler took 3", "my son [NAME] took 3"),
        ("Dr. Okafor said 1 mg", "Dr. [NAME] said 1 mg"),
        ("thanks, Dana", "thanks, [NAME]"),
        ("I'm Maria de la Cruz", "I'm [NAME]"),
        ("I'm Seán Ó Briain", "I'm [NAME]"),
        ("I’m Zoë", "I’m [NAME]"),
    ],
)
def test_introduced_names(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared",
        "i'm on klonopin",
        "I'm 25",
        "i'm worried",
        "i am jake",  # decision: a lone lowercase word after "I am" is kept
        "it's jennifer",
        "i'm so tired",
        "I'm Scared And Alone",
        "I'm Addicted To Benzos",
        "I'm Really Worried",
        "im new here",
        "i'm here for my son",
        "this is ridiculous",
        "This is my first time",
        "it's Friday",
        "it's been 3 days",
        "call me back",
        "call me at 5",
        "call me crazy",
        "call me tomorrow",
        "my name is not important",
        "my name isn't important",
        "what's your name",
        "brand name: Klonopin",
        "name brand or generic",
        "Dr. said no",
        "my son took my pills",
        "my son tyler took 3",  # lowercase after a relation: not known to be a name
        "thanks so much",
        "Thanks, that helps",
        "Bob Lee",  # no introduction: bare names are not found
    ],
)
def test_not_names(text: str) -> None:
    assert redact_text(text) == text


# --- order and mixtures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("4111 1111 1111 1111 816-555-0142", "[CARD] [PHONE]"),
        ("ssn 900-12-3456 cell 816-555-0142", "ssn [SSN] cell [PHONE]"),
        ("8165550142@example.com", "[EMAIL]"),
        ("born 01/02/1990 at 12 Oak St", "born [DATE_OF_BIRTH] at [ADDRESS]"),
        ("i'm at 12 Oak St", "i'm at [ADDRESS]"),
        ("call me at 816-555-0142", "call me at [PHONE]"),
        ("line one\nmy name is Ana\n816-555-0142", "line one\nmy name is [NAME]\n[PHONE]"),
    ],
)
def test_order_avoids_partial_overlaps(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_only_identifiers_change() -> None:
    text = "  Hi!!  my name is Ana\t(816) 555-0142 \r\n émoji 🙂 stays, 0.5mg at 8:00 AM  "
    assert redact_text(text) == (
        "  Hi!!  my name is [NAME]\t[PHONE] \r\n émoji 🙂 stays, 0.5mg at 8:00 AM  "
    )


def test_placeholders_are_stable() -> None:
    assert PLACEHOLDERS == [
        "[PHONE]",
        "[EMAIL]",
        "[SSN]",
        "[DATE_OF_BIRTH]",
        "[ADDRESS]",
        "[CARD]",
        "[NAME]",
    ]
    for placeholder in PLACEHOLDERS:
        assert redact_text(placeholder) == placeholder
    assert redact_text("") == ""


# --- redact: nested structures ---------------------------------------------------------------


def user_event() -> dict[str, Any]:
    """A user event as Rasa's Event.as_dict() writes it."""
    text = "my name is Dana Whitfield, call me at 816.555.0199"
    return {
        "event": "user",
        "timestamp": 1764148980.123456,
        "metadata": {"model_id": "a1b2", "page": "https://example.org/?phone=8165550199"},
        "text": text,
        "parse_data": {
            "intent": {"name": "request_callback", "confidence": 0.97},
            "entities": [
                {"entity": "phone", "start": 38, "end": 50, "value": "816.555.0199"},
                {"entity": "person", "value": ["Dana", "my name is Dana Whitfield"]},
            ],
            "text": text,
            "message_id": "5f1c0e7ab3a74b6e9f0d2c1b8a7e6d54",
            "metadata": {},
            "intent_ranking": [{"name": "request_callback", "confidence": 0.97}],
        },
        "input_channel": "chat_widget",
        "message_id": "5f1c0e7ab3a74b6e9f0d2c1b8a7e6d54",
    }


def test_redact_walks_a_rasa_event() -> None:
    event = user_event()
    original = deepcopy(event)
    result = redact(event)
    assert event == original, "the input is not changed in place"
    assert result["text"] == "my name is [NAME], call me at [PHONE]"
    assert result["parse_data"]["text"] == result["text"]
    assert result["parse_data"]["entities"][0]["value"] == PHONE
    assert result["parse_data"]["entities"][1]["value"] == ["Dana", "my name is [NAME]"]
    assert result["metadata"]["page"] == "https://example.org/?phone=[PHONE]"
    # Everything else, keys and non-strings included, is as it was.
    assert result["timestamp"] == 1764148980.123456
    assert result["parse_data"]["intent"] == original["parse_data"]["intent"]
    assert result["parse_data"]["entities"][0]["start"] == 38
    assert result["message_id"] == original["message_id"]
    assert list(result) == list(original)
    assert list(result["parse_data"]) == list(original["parse_data"])


def test_redact_slot_and_bot_events() -> None:
    events = [
        {"event": "slot", "name": "intake_phone", "value": "816-555-0142", "timestamp": 1.5},
        {"event": "slot", "name": "intake_open_now", "value": True, "timestamp": 1.5},
        {"event": "slot", "name": "substances_checked", "value": ["alcohol"], "timestamp": 2},
        {
            "event": "slot",
            "name": "answer_feedback",
            "value": {"rating": "down", "text": "I'm Jake Peterson", "answered_at": 17.25},
        },
        {
            "event": "bot",
            "text": "Call Poison Control at 1-800-222-1222 (free, 24/7).",
            "data": {"buttons": [{"title": "Call", "payload": "tel:+18165550142"}]},
            "metadata": {"utter_action": "utter_extra_dose"},
        },
    ]
    result = redact(events)
    assert result[0]["value"] == PHONE
    assert result[1]["value"] is True
    assert result[2]["value"] == ["alcohol"]
    assert result[3]["value"] == {"rating": "down", "text": "I'm [NAME]", "answered_at": 17.25}
    assert result[4]["text"] == "Call Poison Control at [PHONE] (free, 24/7)."
    assert result[4]["data"]["buttons"][0] == {"title": "Call", "payload": PHONE}
    assert result[4]["metadata"] == {"utter_action": "utter_extra_dose"}


def test_redact_leaves_keys_and_other_types_alone() -> None:
    value = {
        "816-555-0142": "816-555-0142",
        "n": 8165550142,
        "f": 0.5,
        "b": False,
        "none": None,
        "bytes": b"816-555-0142",
        7: ("dana@example.com", 3, ["ssn 900-12-3456"]),
    }
    result = redact(value)
    assert list(result) == list(value)
    assert result["816-555-0142"] == PHONE
    assert result["n"] == 8165550142
    assert result["f"] == 0.5
    assert result["b"] is False
    assert result["none"] is None
    assert result["bytes"] == b"816-555-0142"
    assert result[7] == (EMAIL, 3, ["ssn [SSN]"])
    assert isinstance(result[7], tuple)


def test_redact_keeps_named_tuples_and_scalars() -> None:
    Pair = namedtuple("Pair", "label text")
    result = redact(Pair("phone", "816-555-0142"))
    assert isinstance(result, Pair)
    assert result == Pair("phone", PHONE)
    assert redact("816-555-0142") == PHONE
    assert redact(42) == 42
    assert redact(None) is None
    assert redact([]) == []
    assert redact({}) == {}


def test_redact_matches_redact_text_on_the_corpus() -> None:
    texts = [case["text"] for case in REDACTED]
    assert redact(texts) == [case["redacted"] for case in REDACTED]
    assert redact({"unchanged": UNCHANGED}) == {"unchanged": UNCHANGED}


def test_no_placeholder_left_half_done() -> None:
    """No placeholder is glued to leftover digits of the identifier it replaced."""
    for case in REDACTED:
        result = redact_text(case["text"])
        for match in PLACEHOLDER.finditer(result):
            before = result[match.start() - 1 : match.start()]
            after = result[match.end() : match.end() + 1]
            assert not before.isdigit() and not after.isdigit(), result
