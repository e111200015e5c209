"""storage/redaction/words.py: the drug words come from the project's lexicon."""

from __future__ import annotations

from nlu_components.drug_words import all_drug_words
from storage.redaction.words import DRUGS, STOP


def test_drug_words_come_from_the_lexicon() -> None:
    lexicon = all_drug_words()
    # substances.yml (names, variants, misspellings, slang, other drug names), drug_names.yml.
    assert {"xanax", "alprazolam", "xanex", "zannies", "oxy", "klonopin", "kpins"} <= lexicon
    assert {"benzos", "benzodiazepine", "k-pin", "rivotril", "norco", "lean"} <= lexicon
    assert {"zoloft", "weed", "adderall", "tylenol", "ibuprofen"} <= lexicon
    assert all(word == word.lower() and " " not in word for word in lexicon)
    assert "pain" not in lexicon and "white" not in lexicon  # words of longer names only
    assert lexicon - {"allegra", "brandy", "molly", "soma", "sonata"} == DRUGS
    assert DRUGS <= STOP


def test_given_names_are_no_drug_words() -> None:
    assert not {"molly", "brandy", "allegra", "soma", "sonata"} & DRUGS
