"""The safety lines the answers carry, written once, and how to tell which ones a text carries.

The lines themselves live in domain.yml like every other word the assistant says; the
constants here are the exact wording the content tests and the review sheet look for.
Which answer carries which line is the topic registry's (actions/faq_topics.yml), by the
keys of LINE_OF_KEY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.faq_topics import SafetyLineKey

# Every answer about overdose starts with it; others that name a deadly risk carry it too.
LINE_911 = "If someone may be overdosing, call 911 now and stay with them until help arrives."
# Answers about withdrawal: its seizures and psychosis are emergencies too.
LINE_WITHDRAWAL_911 = (
    "If someone in withdrawal has a seizure, or sees or hears things that are not there, "
    "call 911 now."
)
# Every answer that mentions suicidal thoughts.
LINE_988 = (
    "If you or someone else has thoughts of suicide, call or text 988, "
    "the Suicide & Crisis Lifeline, any time."
)
# Every answer about stopping, withdrawal, dependence or tapering (the article: "it's not
# recommended to stop using a benzodiazepine like clonazepam on your own").
LINE_DONT_STOP = "Don't stop taking clonazepam or cut down on your own. Talk to a doctor first."

# The same lines in the Spanish variations, each with one fixed wording
# (docs/spanish-glossary.md).
LINE_911_ES = (
    "Si alguien puede estar sufriendo una sobredosis, llame al 911 ahora y quédese con la "
    "persona hasta que llegue la ayuda."
)
LINE_WITHDRAWAL_911_ES = (
    "Si alguien con síntomas de abstinencia tiene una convulsión, o ve u oye cosas que no "
    "están ahí, llame al 911 ahora."
)
LINE_988_ES = (
    "Si usted u otra persona tiene pensamientos de suicidio, la Línea 988 de Prevención del "
    "Suicidio y Crisis atiende a cualquier hora: llame al 988 y marque 2 para español, o envíe "
    "AYUDA por mensaje de texto al 988."
)
LINE_DONT_STOP_ES = (
    "No deje de tomar clonazepam ni baje la dosis por su cuenta. Hable primero con un médico."
)

# The registry's keys for the lines above (`safety_lines` in actions/faq_topics.yml), by
# language. call_911_first and call_911 are the same line: first, or later in the answer.
LINES_OF_KEY: dict[str, dict[SafetyLineKey, str]] = {
    "en": {
        "call_911_first": LINE_911,
        "call_911": LINE_911,
        "withdrawal_911": LINE_WITHDRAWAL_911,
        "call_988": LINE_988,
        "dont_stop": LINE_DONT_STOP,
    },
    "es": {
        "call_911_first": LINE_911_ES,
        "call_911": LINE_911_ES,
        "withdrawal_911": LINE_WITHDRAWAL_911_ES,
        "call_988": LINE_988_ES,
        "dont_stop": LINE_DONT_STOP_ES,
    },
}
LINE_OF_KEY = LINES_OF_KEY["en"]
# Every line, in both languages: what an answer says besides its own words.
ALL_LINES = frozenset(line for lines in LINES_OF_KEY.values() for line in lines.values())

POISON_CONTROL = "1-800-222-1222"
SAMHSA_HELPLINE = "1-800-662-4357"


@dataclass(frozen=True)
class SafetyLine:
    """A kind of safety line, as the review sheet names it, and how to find it in a text."""

    name: str
    pattern: re.Pattern[str]

    def in_text(self, text: str) -> bool:
        """Whether `text` carries this kind of line."""
        return bool(self.pattern.search(text))


SAFETY_LINES = (
    SafetyLine("911", re.compile(r"\b911\b")),
    SafetyLine("988", re.compile(r"\b988\b")),
    SafetyLine("Poison Control", re.compile(re.escape(POISON_CONTROL))),
    SafetyLine("SAMHSA Helpline", re.compile(re.escape(SAMHSA_HELPLINE))),
    SafetyLine(
        "don't stop on your own",
        re.compile(f"{re.escape(LINE_DONT_STOP)}|{re.escape(LINE_DONT_STOP_ES)}"),
    ),
    SafetyLine("doctor or pharmacist", re.compile(r"pharmacist|farmac[eé]utic[oa]", re.I)),
)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a response; Rasa's channels send each as its own message."""
    return [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]


def safety_lines_in(text: str) -> list[str]:
    """The names of the safety lines `text` carries; "911 first" when its first message has 911."""
    names = [line.name for line in SAFETY_LINES if line.in_text(text)]
    first = paragraphs(text)[:1]
    if first and SAFETY_LINES[0].in_text(first[0]):
        names[names.index("911")] = "911 first"
    return names


def registry_lines_in(text: str, language: str = "en") -> set[SafetyLineKey]:
    """The registry keys of the lines `text` carries (call_911_first: its first message is 911)."""
    lines = LINES_OF_KEY[language]
    found = {key for key, line in lines.items() if line in text}
    if lines["call_911"] in text:
        first = paragraphs(text)[:1] == [lines["call_911"]]
        found.discard("call_911" if first else "call_911_first")
    return found
