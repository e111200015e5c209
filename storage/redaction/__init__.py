"""Removes identifying data from conversation text before anything is stored.

Visitors write about their own or a relative's substance use, so every string
that is written (user text, parse data, slot values, metadata, bot text) goes
through :func:`redact` first. Identifiers are replaced by typed placeholders;
everything else is kept byte-identical. Pure functions.

=====================  ========================================================
``[EMAIL]``            ``dana.w@example.com``, ``mailto:...``, spelled out
                       ``dana[at]example[dot]com``, ``dana (at) example.org``;
                       with the plain word "at" only for a known mail provider
                       (``dana at gmail dot com``, not ``it at drugs.com``)
``[CARD]``             13-19 digits, optional spaces/dashes, Luhn-valid
``[SSN]``              ``900-12-3456``, ``900 12 3456``, ``900.12.3456``; 9 digits
                       or the last 4 after "ssn", "ss#", "social (security no.)"
``[PHONE]``            found by libphonenumber (:mod:`.phones`): US numbers in any
                       usual format, with ``+1``/``1``, ``tel:``, ``ext. 12``/``x12``;
                       7 digits with a dash or dot (``555-0142``); international
                       numbers with ``+``, ``011`` or ``00``; Spanish numbers in
                       Spanish groups (``612 34 56 78``) or after a phone word.
                       Never 911, 988 or other short numbers. Helplines
                       (``1-800-222-1222``) are phones too.
``[DATE_OF_BIRTH]``    any full date with a year (``01/02/1990``, ``1/2/90``,
                       ``1990-01-02``, ``January 2, 1990``, ``2 Jan 1990``,
                       ``Jan 2nd 1990``), birth date or not; partial dates,
                       month and year, or a year after "born", "birthday",
                       "bday", "dob", "date of birth" (``born in 1987``, ``dob 3/14``)
``[ADDRESS]``          house number + street name + suffix, with unit, city,
                       state and ZIP when they follow (``12 N. Elm Street, Kansas
                       City, MO 64111``); PO boxes; ``City, ST 64111`` and
                       ``ST 64111``; a ZIP after "zip (code)". Ambiguous
                       suffixes (Dr, Way, Court, Place...) need a capital, a
                       unit/city/ZIP or "live"/"address" shortly before.
``[NAME]``             names introduced as names (:mod:`.names`): ``my name is
                       john smith``, ``I'm Jake Peterson``, ``i'm jake calling``,
                       ``my son Tyler``, ``Dr. Okafor``, ``tyler's mom``, ``Thanks,
                       Dana``; not ``I'm Scared``, ``I'm on klonopin``, ``i am jake``
=====================  ========================================================

Deliberately kept: 911, 988 and other numbers under 7 digits, doses (``0.5mg``,
``250-1000 mg``), times (``8:00 AM``, ``10pm``, ``08:00-20:00``), durations and ages
(``3 years``, ``I'm 25``), month and year or a year alone without a birth cue
(``since march 2021``), ``24/7``, ``1/2``, ``11/2`` (no year, no cue), versions
(``3.6.21``), machine timestamps (``2026-11-26T09:13:00``, ``... 09:13:00``), lone
5-digit numbers, room numbers, streets without a house number, 9 bare digits
without an SSN or phone cue, Luhn-invalid digit runs, bare names with no introduction
(a value that is just ``Dana`` stays ``Dana``).

Drug names are never taken for a person's or a street's name: they come from the
project's one lexicon (nlu_components/substances.yml and drug_names.yml, see
:mod:`.words`), plus the few substances it leaves out (Zoloft, weed...).

Detectors run in this order: e-mails first (they may hold digits), cards before SSNs
and phones (longer digit runs), SSNs before phones, phones before dates, full dates
before introduced partial dates, addresses before names ("I'm at 12 Oak St").

Offsets (``start``/``end`` of entities) are not adjusted: after redaction they
refer to the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator
from typing import Any

from storage.redaction.addresses import redact_addresses
from storage.redaction.cards import redact_cards
from storage.redaction.dates import redact_dates
from storage.redaction.emails import redact_emails
from storage.redaction.handles import redact_handles
from storage.redaction.id_numbers import redact_id_numbers
from storage.redaction.ip_addresses import redact_ip_addresses
from storage.redaction.names import redact_names
from storage.redaction.phones import redact_phones
from storage.redaction.placeholders import (
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
)
from storage.redaction.ssn import redact_ssns

__all__ = [
    "ADDRESS",
    "CARD",
    "DATE_OF_BIRTH",
    "EMAIL",
    "HANDLE",
    "ID_NUMBER",
    "IP_ADDRESS",
    "NAME",
    "PHONE",
    "SSN",
    "map_strings",
    "redact",
    "redact_text",
    "strings_in",
]

# The detectors that need a digit, an "@" (or a full-width one), "at" or "dot" in the text, in the
# order they run.
_DETECTORS: list[Callable[[str], str]] = [
    redact_emails,
    redact_handles,
    redact_ip_addresses,
    redact_id_numbers,
    redact_cards,
    redact_ssns,
    redact_phones,
    redact_dates,
    redact_addresses,
]
_HAS_DIGIT_OR_AT = re.compile(r"[\d@\uff20\ufe6b]|\b(?:at|dot)\b", re.IGNORECASE)
# Without those, a profile link ("facebook.com/dana.w") or a handle after a cue ("my ig is
# jake_p") may still be there. Intent and response names ("utter_faq/addiction") have neither
# a domain before their "/" nor a space.
_LINK = re.compile(r"\w\.[a-z]{2,4}/", re.IGNORECASE)
_HANDLE_CHARACTER = re.compile(r"\w[_.]\w")
_WHITESPACE = re.compile(r"\s")
# Rasa's message and model ids (uuid4().hex) and the widget's conversation ids (48 hex digits,
# channels/conversation_ids.py): one run of hex digits, in which no detector
# finds anything, but where libphonenumber spends ~0.2 ms looking (docs/deploying.md).
_MACHINE_ID = re.compile(r"[0-9a-f]{32,64}")


def redact_text(text: str) -> str:
    """Replaces identifiers with typed placeholders.

    Phone numbers, e-mail addresses, SSNs, dates of birth, street addresses,
    payment card numbers and introduced names become ``[PHONE]``, ``[EMAIL]``,
    ``[SSN]``, ``[DATE_OF_BIRTH]``, ``[ADDRESS]``, ``[CARD]`` and ``[NAME]``; the
    rest of the text is returned unchanged, character for character.

    Args:
        text: A visitor message, a bot message or any other stored string.

    Returns:
        The text with every identifier found replaced by its placeholder.
    """
    if _MACHINE_ID.fullmatch(text):
        return text
    if _HAS_DIGIT_OR_AT.search(text):
        for detector in _DETECTORS:
            text = detector(text)
    elif _LINK.search(text) or (_HANDLE_CHARACTER.search(text) and _WHITESPACE.search(text)):
        text = redact_handles(text)
    elif not _WHITESPACE.search(text):
        # One word with no digit and no "@": every name pattern needs a space. Most strings in
        # an event are such words (intent and response names); skipping them halves the cost.
        return text
    return redact_names(text)


def redact(value: Any, unchanged: Container[str] = frozenset()) -> Any:
    """Recursively redacts every str inside dicts/lists/tuples (keys are left alone).

    Dicts, lists and tuples (named tuples included) are copied, never changed in
    place; every other type (numbers, booleans, None, bytes, ...) is returned as is.

    Args:
        value: A string, or a JSON-like structure such as a Rasa event dict.
        unchanged: Strings known to hold no visitor data, kept as they are: the
            assistant's own response texts, which name helplines by number and
            would otherwise cost a phone-number search on every message.

    Returns:
        A redacted copy of the value.
    """
    return map_strings(value, lambda text: text if text in unchanged else redact_text(text))


def map_strings(value: Any, function: Callable[[str], str]) -> Any:
    """A copy of `value` with `function` applied to every str inside dicts/lists/tuples.

    Keys are left alone; dicts, lists and tuples (named tuples included) are copied, never
    changed in place; every other type is returned as is.
    """
    if isinstance(value, str):
        return function(value)
    if isinstance(value, dict):
        return {key: map_strings(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, function) for item in value]
    if isinstance(value, tuple):
        items = [map_strings(item, function) for item in value]
        if hasattr(value, "_fields"):
            return type(value)(*items)
        return tuple(items)
    return value


def strings_in(value: Any) -> Iterator[str]:
    """Every str inside dicts/lists/tuples (not the keys), depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)
