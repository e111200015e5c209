"""Every one-word drug name of the project's one lexicon, read without spaCy.

For code that must know a drug name when it sees one but needs no matcher: redaction
(storage/redaction/words.py) never reads "Xanax" or "Zoloft" after "I'm" as a person's
name. The words are the display names, variants, misspellings and slang of substances.yml,
its `other_drug_names`, and every name of drug_names.yml. Names of several words ("white
bars", "tylenol pm") are left out: their words are everyday words on their own.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from content.yaml_schema import load_yaml_file
from nlu_components.lexicon_schema import DrugNamesFile, SubstancesFile

SUBSTANCES_FILE = Path(__file__).with_name("substances.yml")
DRUG_NAMES_FILE = Path(__file__).with_name("drug_names.yml")
# As substance_lexicon.py splits names: at anything that is not a letter or a digit.
WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=4)
def _lexicon(
    substances_file: Path, drug_names_file: Path
) -> tuple[SubstancesFile, dict[str, list[str]]]:
    """Both files, read and checked once however many word sets are asked of them."""
    substances = load_yaml_file(substances_file, SubstancesFile)
    return substances, load_yaml_file(drug_names_file, DrugNamesFile).__root__


@functools.lru_cache(maxsize=8)
def all_drug_words(
    substances_file: Path = SUBSTANCES_FILE,
    drug_names_file: Path = DRUG_NAMES_FILE,
    except_categories: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """The lexicon's one-word drug names, lower-cased, but those of `except_categories`."""
    substances, drug_names = _lexicon(substances_file, drug_names_file)
    names = list(substances.other_drug_names)
    for display_name, fields in substances.substances.items():
        if fields.category not in except_categories:
            names += [display_name, *fields.variants, *fields.misspellings, *fields.slang]
    words = {found[0] for name in names if len(found := WORD.findall(name.lower())) == 1}
    for canonical, variants in drug_names.items():
        words.update(name.lower() for name in [canonical, *variants] if len(name.split()) == 1)
    return frozenset(words)


@functools.lru_cache(maxsize=4)
def unlisted_drug_words(substances_file: Path = SUBSTANCES_FILE) -> frozenset[str]:
    """The one-word names of `other_drug_names`: drugs the article's list does not cover."""
    substances = load_yaml_file(substances_file, SubstancesFile)
    names = (WORD.findall(name.lower()) for name in substances.other_drug_names)
    return frozenset(words[0] for words in names if len(words) == 1)
