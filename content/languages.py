"""The assistant's two languages, which one a domain.yml response variation is in, and accents.

One place for the codes ("en", "es") and for the rule that makes a variation Spanish, used
by the NLU, the actions, the channels, the content sheet, the clinic settings and the tests.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

ENGLISH = "en"
SPANISH = "es"
LANGUAGES = (ENGLISH, SPANISH)
# The slot (and entity, and message-metadata key) that carries a conversation's language.
LANGUAGE_SLOT = "language"


def variation_language(variation: Mapping[str, Any]) -> str:
    """The language of a response variation: "es" or "en".

    Spanish when its condition `language` is `es`, or (a response said in Spanish
    conversations only, with no condition) its `metadata.language` says so.
    """
    conditions = variation.get("condition") or []
    metadata = variation.get("metadata") or {}
    spanish = metadata.get(LANGUAGE_SLOT) == SPANISH or any(
        condition.get("name") == LANGUAGE_SLOT and condition.get("value") == SPANISH
        for condition in conditions
    )
    return SPANISH if spanish else ENGLISH


def known_language(value: Any) -> str | None:
    """`value` if it is one of the assistant's languages, else None."""
    return value if value in LANGUAGES else None


def without_accents(text: str) -> str:
    """`text` with accents and tildes dropped: "tomó" -> "tomo", "años" -> "anos".

    Visitors write Spanish with and without them; the NLU reads both the same way.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
