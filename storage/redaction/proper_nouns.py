"""Words people write with a capital (names of people and places), from word frequencies.

A lowercase word after "i'm", "this is", "my son" or "thanks" is a name only if it is
one ("i'm jake", "my son tyler") and not a word ("i'm aware", "my son took", "thanks
doc"). spaCy's English and Spanish frequency tables (the ``spacy-lookups-data`` package the
NLU already uses: about a million words each, with their log probability, case kept) tell
which: a word is a proper noun when its capitalised form is more frequent than its lowercase
form by a margin in every table that has its lowercase form ("Jake" -2.3 above "jake",
"Tyler" -2.6 above "tyler"; "Aware" 5.8 below "aware", "Doc" 0.8 below "doc", "Will" 3.6
below "will"), and at least one table has it capitalised.

The set is built once, when this module is first imported (about 2 seconds, then ~15 MB):
the tables are read from the package's files, never downloaded.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import spacy_lookups_data

# How much more probable (natural log) the capitalised form must be: e^0.5, 1.6 times.
CAPITAL_MARGIN = 0.5
_LANGUAGES = ("en", "es")


def _table(language: str) -> dict[str, float]:
    """A language's word -> log probability table, as the package ships it (gzip'ed JSON)."""
    path = Path(str(getattr(spacy_lookups_data, language)["lexeme_prob"]))
    if not path.is_file():
        path = path.with_name(path.name + ".gz")
    with gzip.open(path, "rt", encoding="utf-8") as file:
        table: dict[str, float] = json.load(file)
    return table


def _proper_and_common(table: dict[str, float]) -> tuple[set[str], set[str]]:
    """The lowercased words a table has mostly capitalised, and those it has mostly lowercase."""
    proper: set[str] = set()
    common: set[str] = set()
    for word, capital in table.items():
        if not (word[:1].isupper() and word[1:].islower() and word.isalpha()):
            continue
        lower = word.lower()
        lowercase = table.get(lower)
        if lowercase is None or capital - lowercase >= CAPITAL_MARGIN:
            proper.add(lower)
        else:
            common.add(lower)
    return proper, common


def _proper_nouns() -> frozenset[str]:
    """Words mostly capitalised in one table and not mostly lowercase in the other."""
    proper: set[str] = set()
    common: set[str] = set()
    for language in _LANGUAGES:
        language_proper, language_common = _proper_and_common(_table(language))
        proper |= language_proper
        common |= language_common
    return frozenset(proper - common)


PROPER_NOUNS = _proper_nouns()


def is_proper_noun(word: str) -> bool:
    """Whether a word (any case) is mostly written with a capital: "jake", "Tyler", "juan"."""
    return word.lower() in PROPER_NOUNS
