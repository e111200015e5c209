"""US Social Security numbers: ``900-12-3456`` and, after "ssn"/"social", 9 or last-4 digits."""

from __future__ import annotations

import re

from storage.redaction.placeholders import SSN, keep_then

_SSN_INTRO = (
    r"(?:ssn|ss\s*#|ss\s+(?:number|no\.?|num)|social\s+security(?:\s+(?:number|no\.?|num|#))?"
    r"|social(?:\s+(?:number|no\.?|num|#))?)"
)
# "ssn 900123456", "social is 900.12.3456"
_SSN_INTRODUCED = re.compile(
    r"(?i)(?P<keep>\b" + _SSN_INTRO + r"[ \t]*(?:(?:is|was|=|:|#|-)[ \t]*)*)"
    r"(?P<value>\d{3}[ .-]?\d{2}[ .-]?\d{4})(?![\w-]|[.,]\d)"
)
# "last 4 of my ssn is 4321"
_SSN_LAST4 = re.compile(
    r"(?i)(?P<keep>\blast\s+(?:4|four)(?:\s+digits)?\s+(?:of\s+)?(?:my\s+|his\s+|her\s+|the\s+)?"
    + _SSN_INTRO
    + r"[ \t]*(?:(?:is|are|was|were|=|:|#|-)[ \t]*)*)(?P<value>\d{4})(?![\w-]|[.,]\d)"
)
# 3-2-4 digits with one separator used twice; 9 bare digits need a cue (above).
_SSN = re.compile(r"(?<![\w.,/-])\d{3}(?P<sep>[ .-])\d{2}(?P=sep)\d{4}(?![\w-]|[.,/]\d)")
_KEEP_THEN_SSN = keep_then(SSN)


def redact_ssns(text: str) -> str:
    """Replaces Social Security numbers with ``[SSN]``, keeping the words introducing them."""
    text = _SSN_LAST4.sub(_KEEP_THEN_SSN, text)
    text = _SSN_INTRODUCED.sub(_KEEP_THEN_SSN, text)
    return _SSN.sub(SSN, text)
