"""Words redacted from a visitor's message, redacted wherever the same write repeats them.

A name the text redaction caught ("my son Tyler took ..." -> "my son [NAME] took ...") can
also sit, whole and alone, in places the detectors cannot judge: an entity a classifier
tagged in it (DIET once read "tyler" as a `substance`), a slot an action filled from that
entity, a bot reply that repeats it. A single word is no identifier by itself, so those copies
would be stored as they are. Here every entity whose span of the original text is gone from
the redacted text gets the placeholder as its value, and that span is replaced, as a whole
word, in every string of the events written with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from storage.redaction import map_strings

REDACTED_VALUE = "[REDACTED]"


def redacted_spans(original: Mapping[str, Any], redacted: Mapping[str, Any]) -> set[str]:
    """The entity spans of a user event's original text that its redacted text no longer has."""
    text = original.get("text")
    stored_text = redacted.get("text")
    if not isinstance(text, str) or not isinstance(stored_text, str) or text == stored_text:
        return set()
    found = set()
    for entity in (original.get("parse_data") or {}).get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            continue  # no span in the text (the `language` entity)
        span = text[start:end].strip()
        if span and span.lower() not in stored_text.lower():
            found.add(span)
    return found


def without_echoes(
    pairs: Iterable[tuple[Mapping[str, Any], dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The redacted event dicts, with what their user events' redaction removed removed too.

    `pairs`: each event's dict as Rasa made it, and as redacted for storage, in order.
    """
    pairs = list(pairs)
    spans: set[str] = set()
    for original, redacted in pairs:
        if original.get("event") == "user":
            spans |= redacted_spans(original, redacted)
    if not spans:
        return [redacted for _, redacted in pairs]
    alternatives = "|".join(re.escape(span) for span in sorted(spans, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return [
        map_strings(redacted, lambda text: pattern.sub(REDACTED_VALUE, text))
        for _, redacted in pairs
    ]
