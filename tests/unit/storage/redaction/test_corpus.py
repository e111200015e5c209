"""storage/redaction/ on the corpus: identifiers out, everything else byte-identical.

The corpus (tests/redaction_corpus.yml) holds realistic visitor messages with planted
identifiers and messages that must not change; the other files of this folder pin each
detector's edge cases, what is deliberately kept, and `redact` on nested Rasa event dicts.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import pytest

from devtools.project_files import examples_by_intent, load_yaml
from storage.redaction import (
    ADDRESS,
    CARD,
    DATE_OF_BIRTH,
    EMAIL,
    HANDLE,
    ID_NUMBER,
    IP_ADDRESS,
    NAME,
    PHONE,
    SSN,
    redact,
    redact_text,
    strings_in,
)

CORPUS = load_yaml("tests/redaction_corpus.yml")
REDACTED: list[dict[str, Any]] = CORPUS["redacted"]
UNCHANGED: list[str] = CORPUS["unchanged"]
PLACEHOLDERS = [
    *(PHONE, EMAIL, SSN, DATE_OF_BIRTH, ADDRESS, CARD, NAME),
    *(ID_NUMBER, IP_ADDRESS, HANDLE),
]
PLACEHOLDER = re.compile(
    r"\[(?:PHONE|EMAIL|SSN|DATE_OF_BIRTH|ADDRESS|CARD|NAME|ID_NUMBER|IP_ADDRESS|HANDLE)\]"
)
# The IP addresses set aside for documentation (RFC 5737, RFC 3849).
DOCUMENTATION_NETWORKS = [
    ipaddress.ip_network(network)
    for network in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]

# The only numbers the corpus may use (tests/test_faq_content.py checks phones project-wide).
HELPLINES = ["1-800-222-1222", "1-800-662-4357"]
# Numbers from abroad: dialled with "+", "00" or "011", in Spanish or Mexican groups, or UK ones.
ABROAD = re.compile(
    r"(?:\+|\b00(?=[1-9])|\b011\s)\d[\d\s().-]{6,}\d"
    r"|\b[6-9]\d{1,2}(?:[ .-]\d{2,3}){2,3}\b|\b\d{2} \d{4} \d{4}\b|\b612345678\b"
    # UK national: 020 7946 0958, 07700 900123
    r"|(?<!\d[ .-])\(?\b0[1-9]\d{1,3}\)? ?\d{3,4} ?\d{3,4}\b(?![ .-]\d)"
)
# Their last digits: Ofcom's ranges for drama (020 7946 0xxx, 07700 900xxx), obviously
# made-up Spanish (612 345 678, 91 123 45 67) and Mexican (55 1234 5678) numbers, and the
# fictional US 555-01xx.
FICTIONAL_ABROAD = re.compile(
    r"(?:2079460\d{3}|7700900\d{3}|612345678|911234567|5512345678|55501\d{2})$"
)
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
            # that tests/model/test_redacting_tracker_store.py searches.
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
    for case in REDACTED:
        if IP_ADDRESS in case["redacted"]:
            for identifier in case["identifiers"]:
                address = ipaddress.ip_address(re.sub(r":\d+$", "", identifier))
                assert any(address in network for network in DOCUMENTATION_NETWORKS), identifier
    for number in ABROAD.findall(text):
        assert FICTIONAL_ABROAD.search(re.sub(r"\D", "", number)), number
    rest = ABROAD.sub(" ", text)
    ten_digits = r"\(?\b\d{3}\)?[\s.-]*\d{3}[\s.-]\d{4}\b|\b1?\d{10}\b"
    for number in re.findall(ten_digits, rest):
        digits = re.sub(r"\D", "", number)[-10:]
        fictional = digits[3:7] == "5550" and 100 <= int(digits[6:]) <= 199
        assert fictional or number in " ".join(HELPLINES), number
    rest = re.sub(ten_digits, " ", rest)
    for number in re.findall(r"\b\d{3}[ .-]\d{4}\b", rest):
        assert number[:3] == "555" and 100 <= int(number[4:]) <= 199, number
    for ssn in re.findall(r"\b(\d{3})[ .-]?\d{2}[ .-]?\d{4}\b", rest):
        assert ssn in {"000", "666"} or ssn.startswith("9"), ssn
    for card in re.findall(r"\b\d[\d -]{11,21}\d\b", rest):
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


def test_no_placeholder_left_half_done() -> None:
    """No placeholder is glued to leftover digits of the identifier it replaced."""
    for case in REDACTED:
        result = redact_text(case["text"])
        for match in PLACEHOLDER.finditer(result):
            before = result[match.start() - 1 : match.start()]
            after = result[match.end() : match.end() + 1]
            assert not before.isdigit() and not after.isdigit(), result


def test_redact_matches_redact_text_on_the_corpus() -> None:
    texts = [case["text"] for case in REDACTED]
    assert redact(texts) == [case["redacted"] for case in REDACTED]
    assert redact({"unchanged": UNCHANGED}) == {"unchanged": UNCHANGED}


def test_the_projects_own_phrasings_are_unchanged(domain: dict[str, Any]) -> None:
    """Bot answers and visitor phrasings: nothing but the helplines' numbers is redacted."""
    texts = [*strings_in(domain["responses"]), *strings_in(load_yaml("tests/safety_test_set.yml"))]
    for path in ("data/nlu.yml", "tests/nlu_test.yml"):
        for examples in examples_by_intent(path).values():
            texts.extend(examples)
    assert len(texts) > 1000
    for text in texts:
        expected = text
        for helpline in HELPLINES:
            expected = expected.replace(helpline, PHONE)
        assert redact_text(text) == expected
