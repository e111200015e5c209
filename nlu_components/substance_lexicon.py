"""Pure helpers of the substance extractor: read substances.yml and find substances in messages.

No Rasa here: `SubstanceLexicon.find(text)` lists the substances a visitor's message names
besides clonazepam, each with the interaction category of the article it belongs to.

How a message is matched (the file's header says the same for staff):

- it is split into lower-case words at anything that is not a letter or a digit;
- clonazepam's own names (drug_names.yml, misspellings included) never match anything;
- a word of a listed name matches itself; written in its base form ("drink", "pill") it
  also matches its other forms ("drank", "pills"), via the spaCy lookup lemmas or, for
  words spaCy does not know ("xanaxes"), by removing a plural ending;
- a word that is neither listed, nor a real English word, nor a clonazepam name may be a
  misspelling of a single-word medicine name (display name or `variants`, not misspellings
  or slang; drug_names.edit_distance, allowed_typos), unless it is closer to an English word
  ("marraige") or equally close to two substances;
- where matches overlap the longest wins, and an `exclude` phrase wins ties and yields
  nothing ("drink water" is not alcohol).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from content.languages import SPANISH
from content.yaml_schema import InvalidYamlFile, load_yaml_file
from nlu_components.drug_names import DrugNameNormaliser, allowed_typos, edit_distance
from nlu_components.lexicon_schema import (  # noqa: F401 - actions import the replies from here
    LIFE_THREATENING,
    NOT_LISTED,
    REPLIES,
    SHOULD_BE_AVOIDED,
    WORD,
    SubstancesFile,
)
from nlu_components.spacy_pipeline import (
    blank_english_with_lemmas,
    english_words,
    is_english_word,
    lookup_lemma,
)

DEFAULT_SUBSTANCES_FILE = Path(__file__).with_name("substances.yml")
# The entity the extractor (and DIET) tag substances with, and the action reads.
SUBSTANCE_ENTITY = "substance"
# What every name of clonazepam becomes; listed names never contain it.
CLONAZEPAM = "clonazepam"

# Plural endings removed from words spaCy's lookup table does not know ("xanaxes").
PLURAL_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""))
# Unknown words whose closest medicine name is remembered (a server runs for weeks).
MAX_REMEMBERED_CORRECTIONS = 10_000

Words = tuple[str, ...]


@dataclass(frozen=True)
class InteractionCategory:
    """One item of the article's interaction list."""

    key: str
    label: str
    reply: str  # one of REPLIES
    article_item: str
    label_es: str = ""  # `label` in Spanish

    def label_in(self, language: str | None) -> str:
        """The label in the conversation's language ("es": `label_es`)."""
        return self.label_es if language == SPANISH and self.label_es else self.label


@dataclass(frozen=True)
class Substance:
    """An entry of substances.yml: the name visitors know and its category."""

    name: str
    category: InteractionCategory
    names_the_category: bool = False  # "benzos", "alcohol": answers skip the category's label


@dataclass(frozen=True)
class FoundSubstance:
    """A substance named in a message, with the character offsets of the words naming it."""

    substance: Substance
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SubstanceEntry:
    """A substance with the phrases that name it and those that must not match."""

    substance: Substance
    names: tuple[Words, ...]  # display name and variants: their misspellings match too
    spellings: tuple[Words, ...]  # misspellings and slang: matched as written
    exclude: tuple[Words, ...]
    fuzzy: bool

    @property
    def variants(self) -> tuple[Words, ...]:
        """Every phrase that names the substance."""
        return tuple(dict.fromkeys(self.names + self.spellings))


@dataclass(frozen=True)
class Phrase:
    """A pattern of the matcher: a substance's name, or an exclusion (substance None)."""

    words: Words
    substance: Substance | None


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """The lower-case words of `text` with their start and end character offsets."""
    return [(match.group().lower(), match.start(), match.end()) for match in WORD.finditer(text)]


def phrase_words(phrase: str) -> Words:
    """The lower-case words of a phrase, split like messages are."""
    return tuple(word for word, _, _ in word_spans(phrase))


@functools.lru_cache(maxsize=1)
def _english_words_by_start_and_length() -> dict[tuple[str, int], list[str]]:
    buckets: dict[tuple[str, int], list[str]] = {}
    for word in english_words():
        if word.isalpha():
            buckets.setdefault((word[0], len(word)), []).append(word)
    return buckets


def english_distance(word: str, limit: int) -> int:
    """Edits from `word` to the nearest English word with its first letter (limit + 1: none)."""
    buckets = _english_words_by_start_and_length()
    best = limit + 1
    for length in range(len(word) - limit, len(word) + limit + 1):
        for english in buckets.get((word[:1], length), []):
            best = min(best, edit_distance(word, english, best - 1))
            if best == 0:
                return 0
    return best


def clonazepam_names_in(words: Words, normaliser: DrugNameNormaliser) -> list[str]:
    """The names of clonazepam listed in drug_names.yml (exactly) that `words` contain."""
    found = []
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + normaliser.longest_variant) + 1):
            if normaliser.canonical_by_variant.get(words[start:end]) == CLONAZEPAM:
                found.append(" ".join(words[start:end]))
    return found


def phrases(names: Iterable[str]) -> tuple[Words, ...]:
    """The words of each name (the schema made sure each has some)."""
    return tuple(phrase_words(name) for name in names)


def load_substances(
    path: Path = DEFAULT_SUBSTANCES_FILE,
) -> tuple[dict[str, InteractionCategory], list[SubstanceEntry]]:
    """Reads a substances file (schema: lexicon_schema.py): its categories and entries.

    Raises:
        InvalidYamlFile: naming the file and the field of each problem.
    """
    data = load_yaml_file(path, SubstancesFile)
    categories = {
        key: InteractionCategory(
            key=key,
            label=fields.label,
            reply=fields.reply,
            article_item=fields.article_item,
            label_es=fields.label_es,
        )
        for key, fields in data.categories.items()
    }
    return categories, [
        SubstanceEntry(
            substance=Substance(name, categories[fields.category], fields.names_the_category),
            names=phrases([name, *fields.variants]),
            spellings=phrases([*fields.misspellings, *fields.slang]),
            exclude=phrases(fields.exclude),
            fuzzy=fields.fuzzy,
        )
        for name, fields in data.substances.items()
    ]


def check_phrases(entries: list[SubstanceEntry], normaliser: DrugNameNormaliser) -> None:
    """Rejects a name listed twice and names of clonazepam itself."""
    owners: dict[Words, str] = {}
    excluded: dict[Words, str] = {}
    for entry in entries:
        name = entry.substance.name
        for words in entry.variants:
            phrase = " ".join(words)
            if words in owners:
                raise ValueError(
                    f"Variant {phrase!r} is listed under both {owners[words]!r} and {name!r}: "
                    "keep it under one entry"
                )
            owners[words] = name
            clonazepam_names = clonazepam_names_in(words, normaliser)
            if clonazepam_names:
                raise ValueError(
                    f"Variant {phrase!r} of {name!r} contains {clonazepam_names[0]!r}, a name of "
                    "clonazepam itself (drug_names.yml): clonazepam is the subject of every "
                    "question, never the other substance"
                )
        for words in entry.exclude:
            excluded.setdefault(words, name)
    for words, name in excluded.items():
        if words in owners:
            raise ValueError(
                f"{' '.join(words)!r} is both a variant of {owners[words]!r} and excluded "
                f"under {name!r}"
            )


class SubstanceLexicon:
    """Finds the substances of substances.yml that a message names."""

    def __init__(
        self,
        categories: dict[str, InteractionCategory],
        entries: list[SubstanceEntry],
        normaliser: DrugNameNormaliser | None = None,
        everyday_words: frozenset[str] = frozenset(),
    ) -> None:
        """Builds the phrase matchers; `entries` must have passed `check_phrases`."""
        self.categories = categories
        # Words close to a medicine's name that are not misspellings of it ("buscar": Buspar).
        self.everyday_words = everyday_words
        self.substances = {entry.substance.name: entry.substance for entry in entries}
        self.variants = {words: entry.substance for entry in entries for words in entry.variants}
        self.normaliser = normaliser or DrugNameNormaliser.from_file()
        self.phrases = [Phrase(words, substance) for words, substance in self.variants.items()]
        self.phrases += [
            Phrase(words, None)
            for words in dict.fromkeys(words for entry in entries for words in entry.exclude)
        ]
        self.vocabulary = {word for phrase in self.phrases for word in phrase.words}
        # Single-word medicine names that misspellings are corrected to.
        self.fuzzy_targets = {
            words[0]: entry.substance
            for entry in entries
            if entry.fuzzy
            for words in entry.names
            if len(words) == 1 and allowed_typos(words[0]) > 0
        }
        self._corrections: dict[str, str | None] = {}
        self.vocab = blank_english_with_lemmas().vocab
        self.exact_matcher = PhraseMatcher(self.vocab, attr="NORM")
        self.lemma_matcher = PhraseMatcher(self.vocab, attr="LEMMA")
        self._pattern_norms: list[list[str]] = []
        for index, phrase in enumerate(self.phrases):
            pattern = self.doc(phrase.words)
            self._pattern_norms.append([token.norm_ for token in pattern])
            self.exact_matcher.add(str(index), [pattern])
            self.lemma_matcher.add(str(index), [pattern])

    @classmethod
    def from_file(cls, path: Path = DEFAULT_SUBSTANCES_FILE) -> SubstanceLexicon:
        """Loads and checks a substances file; raises InvalidYamlFile saying what is wrong."""
        categories, entries = load_substances(path)
        normaliser = DrugNameNormaliser.from_file()
        try:
            check_phrases(entries, normaliser)
        except ValueError as error:
            raise InvalidYamlFile(str(path), [str(error)]) from error
        everyday = load_yaml_file(path, SubstancesFile).everyday_words
        return cls(categories, entries, normaliser, frozenset(word.lower() for word in everyday))

    def find(self, text: str) -> list[FoundSubstance]:
        """Every substance named in `text`, in order of appearance, each entry at most once.

        Adjacent names of one entry ("xanex bars") are one mention; the first mention counts.
        """
        spans = word_spans(text)
        doc = self.doc(tuple(word for word, _, _ in spans))
        words: list[tuple[Substance, int, int]] = []  # token ranges
        for start, end, phrase in self._best_matches(doc):
            if phrase.substance is None:
                continue
            if words and words[-1][0] == phrase.substance and words[-1][2] == start:
                start = words.pop()[1]  # "xanex" + "bars": one mention
            words.append((phrase.substance, start, end))
        found: list[FoundSubstance] = []
        for substance, start, end in words:
            if all(item.substance != substance for item in found):
                first, last = spans[start][1], spans[end - 1][2]
                found.append(FoundSubstance(substance, first, last, text[first:last]))
        return found

    def names_only_clonazepam(self, text: str) -> bool:
        """Whether every word of `text` belongs to a name of clonazepam ("Klonopin", "k pins")."""
        words = [word for word, _, _ in word_spans(text)]
        return bool(words) and all(
            name == CLONAZEPAM for name in self.normaliser.canonical_names(words)
        )

    def lookup(self, name: str) -> Substance | None:
        """The substance a name or phrase stands for (the first one it names), or None."""
        found = self.find(name)
        return found[0].substance if found else None

    def doc(self, words: Words) -> Doc:
        """A Doc whose NORM is each word spelled as listed and LEMMA its base form."""
        marks = self.normaliser.canonical_names(list(words))
        norms = [
            self.correct(word, mark == CLONAZEPAM) for word, mark in zip(words, marks, strict=True)
        ]
        doc = Doc(self.vocab, words=list(words), lemmas=[self.base_form(n) for n in norms])
        for token, norm in zip(doc, norms, strict=True):
            token.norm_ = norm
        return doc

    def correct(self, word: str, is_clonazepam: bool) -> str:
        """The word as the lexicon spells it: "clonazepam" for its names, misspellings fixed."""
        if is_clonazepam and self.normaliser.canonical_by_variant.get((word,)) == CLONAZEPAM:
            return CLONAZEPAM
        if word in self.vocabulary or self.base_form(word) in self.vocabulary:
            return word  # listed names win over near-misses of clonazepam ("lorazepam")
        if is_clonazepam:
            return CLONAZEPAM
        if word in self.everyday_words:
            return word
        if word not in self._corrections:
            if len(self._corrections) >= MAX_REMEMBERED_CORRECTIONS:
                self._corrections.clear()
            self._corrections[word] = self._closest_medicine_name(word)
        return self._corrections[word] or word

    def base_form(self, word: str) -> str:
        """The spaCy lookup lemma, else the listed word a plural ending was added to."""
        lemma = lookup_lemma(word)
        if word == CLONAZEPAM or lemma != word:
            return lemma
        for ending, replacement in PLURAL_ENDINGS:
            stem = word[: -len(ending)] + replacement
            if word.endswith(ending) and len(stem) > 1 and stem in self.vocabulary:
                return stem
        return word

    def _closest_medicine_name(self, word: str) -> str | None:
        limit = allowed_typos(word)
        if limit == 0 or not word.isalpha() or is_english_word(word):
            return None
        best: dict[int, dict[Substance, str]] = {}
        for target, substance in self.fuzzy_targets.items():
            distance = edit_distance(word, target, limit)
            if distance <= limit:
                best.setdefault(distance, {}).setdefault(substance, target)
        if not best:
            return None
        distance = min(best)
        closest = best[distance]
        # Equally close to two different substances: too unsure to pick one.
        if len(closest) > 1:
            return None
        # Closer to an English word ("marraige" is 1 edit from "marriage", 2 from "marcaine"):
        # a misspelling of that word.
        if distance > 0 and english_distance(word, distance - 1) < distance:
            return None
        return next(iter(closest.values()))

    def _best_matches(self, doc: Doc) -> list[tuple[int, int, Phrase]]:
        """Non-overlapping matches, longest first (exclusions first among equals), by start."""
        candidates = {
            (start, end, int(self.vocab.strings[key]))
            for key, start, end in self.exact_matcher(doc)
        }
        for key, start, end in self.lemma_matcher(doc):
            index = int(self.vocab.strings[key])
            if self._inflections_allowed(doc[start:end], self._pattern_norms[index]):
                candidates.add((start, end, index))
        ranked = sorted(
            candidates,
            key=lambda c: (c[0] - c[1], self.phrases[c[2]].substance is not None, c[0], c[2]),
        )
        taken = [False] * len(doc)
        chosen = []
        for start, end, index in ranked:
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                chosen.append((start, end, self.phrases[index]))
        return sorted(chosen, key=lambda match: match[0])

    def _inflections_allowed(self, tokens: Iterable[Any], pattern_norms: list[str]) -> bool:
        """Pattern words written inflected ("bars", "sleeping") only match themselves."""
        return all(
            token.norm_ == norm or self.base_form(norm) == norm
            for token, norm in zip(tokens, pattern_norms, strict=True)
        )


@functools.lru_cache(maxsize=4)
def substance_lexicon(path: Path = DEFAULT_SUBSTANCES_FILE) -> SubstanceLexicon:
    """One loaded lexicon per substances file."""
    return SubstanceLexicon.from_file(path)
