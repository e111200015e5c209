"""nlu_components/drug_words.py: the lexicon's one-word drug names, without spaCy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nlu_components.drug_words import all_drug_words


def test_names_of_one_word_from_both_files_and_the_other_drug_names() -> None:
    words = all_drug_words()
    assert {"klonopin", "kpins", "xanax", "zannies", "oxy", "lean", "zoloft", "weed"} <= words
    assert not {"pain", "white", "tylenol pm"} & words


def test_an_added_other_drug_name_is_a_drug_word(tmp_path: Path) -> None:
    substances = tmp_path / "substances.yml"
    source = Path(__file__).parents[3] / "nlu_components" / "substances.yml"
    substances.write_text(source.read_text() + "  - zyprexa-zydis\n  - newdrugname\n")
    words = all_drug_words(substances)
    assert "newdrugname" in words
    assert "zyprexa" not in words  # two words: "zyprexa zydis"


def test_reading_them_imports_no_spacy() -> None:
    code = (
        "import sys, nlu_components.drug_words as w; w.all_drug_words();"
        " print('spacy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
