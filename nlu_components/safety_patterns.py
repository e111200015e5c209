"""Pure helpers of the safety net: read safety_patterns.yml and match messages.

No Rasa here: `SafetyMatcher.match(text)` takes a visitor's message and says
whether it is an emergency or a crisis, and which pattern said so. The same
matcher reads other pattern files of this format for other intents (the dose
question guard's dose_question_patterns.yml). The files' schema: pattern_schema.py.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc

from content.languages import SPANISH, without_accents
from content.safety_intents import SAFETY_INTENTS
from content.yaml_schema import InvalidYamlFile, load_yaml_file
from nlu_components.drug_names import DrugNameNormaliser, allowed_typos, edit_distance
from nlu_components.language_detector import detect_language
from nlu_components.pattern_schema import PatternsFile, expand_word_lists
from nlu_components.question_sentences import question_mask
from nlu_components.spacy_pipeline import (
    blank_english_with_lemmas,
    blank_with_lemmas,
    is_english_word,
)

DEFAULT_PATTERNS_FILE = Path(__file__).with_name("safety_patterns.yml")
# When a message is more than one, the overdose in progress comes first (911), then the crisis
# (988), then the accidental extra dose (Poison Control).
INTENT_PRIORITY = SAFETY_INTENTS

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
TokenPattern = list[dict[str, Any]]


@dataclass(frozen=True)
class SafetyPattern:
    """One entry of safety_patterns.yml."""

    id: str
    intent: str
    why: str
    match: list[TokenPattern]
    match_all: list[list[TokenPattern]]
    unless: list[TokenPattern]
    examples: dict[str, list[str]]
    # Fires only on a message the classifiers were unsure of (dose_question_patterns.yml).
    only_when_unsure: bool = False
    # In a long message, fires only on words of its question (question_sentences.py).
    only_in_question: bool = False


@dataclass(frozen=True)
class SafetyMatch:
    """Why a message was routed to the safety responses."""

    intent: str
    pattern: str
    why: str

    def as_dict(self) -> dict[str, str]:
        """The form recorded in the parse data."""
        return {"intent": self.intent, "pattern": self.pattern, "why": self.why}


def words_of(text: str) -> list[str]:
    """Lowercase words without accents, apostrophes kept ("won't", "od'd", "tomo")."""
    return words_as_typed(text)[0]


def words_as_typed(text: str) -> tuple[list[str], list[str]]:
    """The words of `text` as `words_of` reads them, and each as typed, accents kept.

    "se tomó todo" -> (["se", "tomo", "todo"], ["se", "tomó", "todo"]): Spanish lookup
    lemmas need the accents ("murió" is "morir"; "murio" is in no table).
    """
    words, typed, _ = located_words(text)
    return words, typed


def located_words(text: str) -> tuple[list[str], list[str], list[int]]:
    """`words_as_typed`, and where each word starts in `text.lower()`."""
    lower = text.lower()
    plain: list[str] = []
    typed_at: list[int] = []  # for each character of `plain`, its index in `lower`
    for index, char in enumerate(lower):
        for plain_char in without_accents(char):
            plain.append(plain_char)
            typed_at.append(index)
    plain_text = "".join(plain).replace("\u2019", "'").replace("`", "'")
    words, typed, starts = [], [], []
    for match in WORD.finditer(plain_text):
        words.append(match.group())
        typed.append(lower[typed_at[match.start()] : typed_at[match.end() - 1] + 1])
        starts.append(typed_at[match.start()])
    return words, typed, starts


def load_patterns(
    path: Path = DEFAULT_PATTERNS_FILE, intents: tuple[str, ...] = INTENT_PRIORITY
) -> tuple[list[SafetyPattern], list[str]]:
    """Reads the patterns (each for one of `intents`) and the words whose misspellings are fixed.

    Raises:
        InvalidYamlFile: naming the file and the field of each problem.
    """
    data = load_yaml_file(path, PatternsFile)
    unknown = [
        f"patterns[{index}]({entry.id}).intent: unknown intent {entry.intent!r} "
        f"(expected: {', '.join(intents)})"
        for index, entry in enumerate(data.patterns)
        if entry.intent not in intents
    ]
    if unknown:
        raise InvalidYamlFile(str(path), unknown)
    patterns = [
        SafetyPattern(
            id=entry.id,
            intent=entry.intent,
            why=entry.why,
            match=expand_word_lists(entry.match, data.words),
            match_all=expand_word_lists(entry.match_all, data.words),
            unless=expand_word_lists(entry.unless, data.words),
            examples=entry.examples.dict(exclude_unset=True),
            only_when_unsure=entry.only_when_unsure,
            only_in_question=entry.only_in_question,
        )
        for entry in data.patterns
    ]
    return patterns, sorted(set(data.spelling))


class SafetyMatcher:
    """spaCy Matcher over lowercase forms and lookup lemmas of a message."""

    def __init__(
        self, path: Path = DEFAULT_PATTERNS_FILE, intents: tuple[str, ...] = INTENT_PRIORITY
    ) -> None:
        """Compiles the patterns of `path`; `intents` in order of priority."""
        self.intents = intents
        self.patterns, self.spelling = load_patterns(path, intents)
        self.only_in_question = {p.id for p in self.patterns if p.only_in_question}
        self.drug_names = DrugNameNormaliser.from_file()
        self.nlp = blank_english_with_lemmas()
        # Loaded now (~160 MB of Spanish lemma tables), not on the first Spanish visitor's message.
        blank_with_lemmas(SPANISH)
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        for pattern in self.patterns:
            for index, token_pattern in enumerate(pattern.match):
                self.matcher.add(f"{pattern.id}|match|{index}", [token_pattern])
            for group_index, group in enumerate(pattern.match_all):
                self.matcher.add(f"{pattern.id}|all|{group_index}", group)
            if pattern.unless:
                self.matcher.add(f"{pattern.id}|unless|0", pattern.unless)

    def correct_spelling(self, word: str) -> str:
        """The safety word `word` is a misspelling of, or `word` itself.

        A real English word is never a misspelling: "rather" is not "father", "gather" is not
        "father" ("he'd rather be dead" must read as written).
        """
        if word in self.spelling or is_english_word(word):
            return word
        limit = allowed_typos(word)
        for known in self.spelling:
            if limit and edit_distance(word, known, limit) <= limit:
                return known
        return word

    def doc(self, text: str) -> Doc:
        """The message as a spaCy Doc with corrected words and lemmas.

        The lemmas are spaCy's Spanish lookup lemmas, accents dropped, for a message in
        Spanish ("murió", "moriría" -> "morir"), else its English ones.
        """
        return self._doc_and_question_mask(text)[0]

    def _doc_and_question_mask(self, text: str) -> tuple[Doc, list[bool]]:
        """`doc(text)`, and for each of its words whether it belongs to the question."""
        plain, typed, starts = located_words(text)
        words = [self.correct_spelling(word) for word in plain]
        spanish = detect_language(text)[0] == SPANISH
        lemmas = self.drug_names.lemmas(words, typed if spanish else None)
        doc = Doc(self.nlp.vocab, words=words, lemmas=lemmas)
        # Only a file with `only_in_question` patterns needs the sentences (not the safety net's).
        in_question = (
            question_mask(text.lower(), starts) if self.only_in_question else [True] * len(words)
        )
        return doc, in_question

    def fired_patterns(self, text: str, unsure: bool = False) -> list[SafetyPattern]:
        """Every pattern that fires on `text`, in file order (`only_when_unsure` ones if unsure).

        A pattern marked `only_in_question` counts only the matches that start in the question
        of a long message (question_sentences.py).
        """
        doc, in_question = self._doc_and_question_mask(text)
        hits: set[tuple[str, str, str]] = set()
        for match_id, start, _ in self.matcher(doc):
            pattern_id, kind, index = self.nlp.vocab.strings[match_id].split("|")
            if kind != "unless" and pattern_id in self.only_in_question and not in_question[start]:
                continue
            hits.add((pattern_id, kind, index))
        fired = []
        for pattern in self.patterns:
            if (pattern.id, "unless", "0") in hits or (pattern.only_when_unsure and not unsure):
                continue
            any_match = any(
                (pattern.id, "match", str(i)) in hits for i in range(len(pattern.match))
            )
            all_groups = bool(pattern.match_all) and all(
                (pattern.id, "all", str(i)) in hits for i in range(len(pattern.match_all))
            )
            if any_match or all_groups:
                fired.append(pattern)
        return fired

    def match(self, text: str, unsure: bool = False) -> SafetyMatch | None:
        """The intent for `text` (emergencies first, for the safety net), or None.

        `unsure`: the classifiers were unsure of the message (`only_when_unsure` patterns).
        """
        fired = self.fired_patterns(text, unsure)
        for intent in self.intents:
            for pattern in fired:
                if pattern.intent == intent:
                    return SafetyMatch(intent, pattern.id, pattern.why)
        return None


@functools.lru_cache(maxsize=4)
def safety_matcher(
    path: Path = DEFAULT_PATTERNS_FILE, intents: tuple[str, ...] = INTENT_PRIORITY
) -> SafetyMatcher:
    """One compiled matcher per patterns file."""
    return SafetyMatcher(path, intents)
