"""Pure helpers that map drug-name variants and misspellings to a canonical name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import OSA

from content.languages import SPANISH, without_accents
from content.yaml_schema import load_yaml_file
from nlu_components.lexicon_schema import DrugNamesFile
from nlu_components.spacy_pipeline import is_english_word, lemmatize_words

DEFAULT_DRUG_NAMES_FILE = Path(__file__).with_name("drug_names.yml")

# Words shorter than this are never fuzzy-matched ("clonidine" is not a typo of
# "klonopin", but short words are too easy to confuse).
MIN_FUZZY_LENGTH = 6


def edit_distance(first: str, second: str, limit: int) -> int:
    """Optimal-string-alignment distance, or limit + 1 when it is more than limit.

    An edit inserts, deletes or replaces a letter, or swaps two adjacent letters
    ("klonpoin" is 1 from "klonopin"). Every fuzzy match of drug and substance names
    uses this one metric, so that their distances compare.
    """
    return OSA.distance(first, second, score_cutoff=limit)


def allowed_typos(word: str) -> int:
    """How many edits a misspelling of a name of this length may have."""
    if len(word) < MIN_FUZZY_LENGTH:
        return 0
    return 1 if len(word) < 8 else 2


@dataclass(frozen=True)
class DrugNameNormaliser:
    """Finds drug-name variants in a list of lower-cased words."""

    canonical_by_variant: dict[tuple[str, ...], str]
    longest_variant: int  # in words

    @classmethod
    def from_file(cls, path: Path = DEFAULT_DRUG_NAMES_FILE) -> DrugNameNormaliser:
        """Loads ``canonical: [variants]`` from a YAML file (schema: lexicon_schema.py)."""
        names = load_yaml_file(path, DrugNamesFile).__root__
        mapping: dict[tuple[str, ...], str] = {}
        for canonical, variants in names.items():
            for variant in [canonical, *variants]:
                mapping[tuple(variant.lower().split())] = canonical
        return cls(mapping, max(len(variant) for variant in mapping))

    def lemmas(self, words: list[str], spanish_words: list[str] | None = None) -> list[str]:
        """SpaCy lookup lemmas of lower-cased words, drug names replaced by their canonical name.

        English lemmas, or, given `spanish_words` (the same words as typed, accents kept), the
        Spanish one, without accents, of each word the Spanish table knows (the English words
        of Spanglish keep theirs: "took" stays "take").
        """
        lemmas = lemmatize_words(words)
        if spanish_words is not None:
            spanish = lemmatize_words(spanish_words, SPANISH)
            lemmas = [
                without_accents(es) if es != typed else en
                for en, es, typed in zip(lemmas, spanish, spanish_words, strict=True)
            ]
        drugs = self.canonical_names(words)
        return [drug or lemma for lemma, drug in zip(lemmas, drugs, strict=True)]

    def canonical_names(self, words: list[str]) -> list[str | None]:
        """For each word, the canonical drug name it belongs to, or None.

        Multi-word variants ("k pins") mark every word they cover; single words
        also match listed names within a small edit distance ("klonipin").
        """
        found: list[str | None] = [None] * len(words)
        position = 0
        while position < len(words):
            matched = self._match_at(words, position)
            if matched:
                length, canonical = matched
                found[position : position + length] = [canonical] * length
                position += length
            else:
                found[position] = self._fuzzy_match(words[position])
                position += 1
        return found

    def _match_at(self, words: list[str], position: int) -> tuple[int, str] | None:
        for length in range(min(self.longest_variant, len(words) - position), 0, -1):
            key = tuple(words[position : position + length])
            if key in self.canonical_by_variant:
                return length, self.canonical_by_variant[key]
        return None

    def _fuzzy_match(self, word: str) -> str | None:
        limit = allowed_typos(word)
        # A real word is never a misspelling: "lorazepam" (Ativan) is two letters
        # from "clonazepam", and spaCy's English tables (WordNet) know it.
        if limit == 0 or is_english_word(word):
            return None
        for variant, canonical in self.canonical_by_variant.items():
            if len(variant) == 1 and len(variant[0]) >= MIN_FUZZY_LENGTH:
                if edit_distance(word, variant[0], limit) <= limit:
                    return canonical
        return None
