"""The typed placeholders that replace identifiers, and the helpers that put them in."""

from __future__ import annotations

import re
from collections.abc import Callable

PHONE = "[PHONE]"
EMAIL = "[EMAIL]"
SSN = "[SSN]"
DATE_OF_BIRTH = "[DATE_OF_BIRTH]"
ADDRESS = "[ADDRESS]"
CARD = "[CARD]"
NAME = "[NAME]"
ID_NUMBER = "[ID_NUMBER]"
IP_ADDRESS = "[IP_ADDRESS]"
HANDLE = "[HANDLE]"


def keep_then(placeholder: str) -> Callable[[re.Match[str]], str]:
    """A replacement keeping the group ``keep`` and replacing the group ``value``."""

    def replace(match: re.Match[str]) -> str:
        return match.group("keep") + placeholder

    return replace


def replace_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    """The text with each span replaced by `placeholder`; overlapping spans become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    pieces = []
    position = 0
    for start, end in merged:
        pieces.append(text[position:start])
        pieces.append(placeholder)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
