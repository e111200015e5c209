"""E-mail addresses: plain, ``mailto:``, spelled out, or with a full-width ``＠``.

Spelled out: ``dana [at] example [dot] com``; full-width: ``dana＠example.com``.
"""

from __future__ import annotations

import re

from storage.redaction.placeholders import EMAIL
from storage.redaction.words import STOP, words

_EMAIL = re.compile(
    r"(?<![\w.+%-])(?:mailto:)?[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+'-]+)*"
    r"[@\uff20\ufe6b][A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}\b"
)

# "@", and the full-width "＠" and small "﹫" some keyboards (and attackers) type instead.
_AT_SIGNS = ("@", "\uff20", "\ufe6b")
_OBFUSCATED_DOT = r"(?:[ \t]*\.[ \t]*|[ \t]*[\[({<][ \t]*dot[ \t]*[\])}>][ \t]*|[ \t]+dot[ \t]+)"
# With the plain word "at" ("dana at gmail dot com") only these domains make an address:
# "it at drugs.com" is not one.
_MAIL_PROVIDERS = words(
    """
    example gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud me mac aol
    proton protonmail pm gmx zoho mail comcast att sbcglobal verizon charter spectrum cox
    earthlink bellsouth juno
    """
)
_OBFUSCATED_EMAIL = re.compile(
    r"(?i)(?<![\w.+%@-])(?P<local>[a-z0-9_%+-]+(?:" + _OBFUSCATED_DOT + r"[a-z0-9_%+-]+){0,4})"
    r"(?P<at>[ \t]*[\[({<][ \t]*at[ \t]*[\])}>][ \t]*|[ \t]+at[ \t]+|[ \t]*[@\uff20\ufe6b][ \t]*)"
    r"(?P<domain>[a-z0-9-]+)(?P<rest>(?:"
    + _OBFUSCATED_DOT
    + r"[a-z0-9-]+){0,3}"
    + _OBFUSCATED_DOT
    + r"(?:com|org|net|edu|gov|us|io|co|info|biz|me|mil))\b"
)


def _obfuscated_email(match: re.Match[str]) -> str:
    """[EMAIL] for a plausible spelled-out address; the text itself otherwise."""
    local = match.group("local")
    at = match.group("at").strip().lower()
    domain = match.group("domain").lower()
    first_local_word = re.split(r"\W+", local.lower())[0]
    if at == "at":
        if domain not in _MAIL_PROVIDERS or first_local_word in STOP:
            return match.group()
    elif at in _AT_SIGNS and "." in match.group("rest") and " " not in match.group():
        return match.group()  # a plain address: _EMAIL handles it
    return EMAIL


def redact_emails(text: str) -> str:
    """Replaces e-mail addresses, plain or spelled out, with ``[EMAIL]``."""
    text = _EMAIL.sub(EMAIL, text)
    return _OBFUSCATED_EMAIL.sub(_obfuscated_email, text)
