"""Pure helpers of the safety net: read safety_patterns.yml and match messages.

No Rasa here: `SafetyMatcher.match(text)` takes a visitor's message and says
whether it is an emergency or a crisis, and which pattern said so. The same
matcher reads other pattern files of this format for other intents (the dose
question guard's dose_question_patterns.yml).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc

from nlu_components.drug_names import DrugNameNormaliser, allowed_typos, edit_distance
from nlu_components.spacy_pipeline import blank_english_with_lemmas

DEFAULT_PATTERNS_FILE = Path(__file__).with_name("safety_patterns.yml")
EMERGENCY_INTENT = "report_emergency"
CRISIS_INTENT = "express_crisis"
# When a message is both, the overdose in progress comes first: 911.
INTENT_PRIORITY = (EMERGENCY_INTENT, CRISIS_INTENT)

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
    """Lowercase words, apostrophes kept ("won't", "od'd")."""
    return WORD.findall(text.lower().replace("\u2019", "'").replace("`", "'"))


def expand_word_lists(value: Any, word_lists: dict[str, list[str]]) -> Any:
    """Replaces "$name" inside IN / NOT_IN lists by the word list `name`."""
    if isinstance(value, dict):
        return {key: expand_word_lists(item, word_lists) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("$"):
        return list(word_lists[value[1:]])
    if isinstance(value, list):
        expanded: list[Any] = []
        for item in value:
            result = expand_word_lists(item, word_lists)
            is_word_list = isinstance(item, str) and item.startswith("$")
            expanded.extend(result if is_word_list else [result])
        return expanded
    return value


def load_patterns(
    path: Path = DEFAULT_PATTERNS_FILE, intents: tuple[str, ...] = INTENT_PRIORITY
) -> tuple[list[SafetyPattern], list[str]]:
    """Reads the patterns (each for one of `intents`) and the words whose misspellings are fixed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    word_lists = data.get("words", {})
    patterns = [
        SafetyPattern(
            id=entry["id"],
            intent=entry["intent"],
            why=entry["why"],
            match=expand_word_lists(entry.get("match", []), word_lists),
            match_all=expand_word_lists(entry.get("match_all", []), word_lists),
            unless=expand_word_lists(entry.get("unless", []), word_lists),
            examples=entry.get("examples", {}),
            only_when_unsure=bool(entry.get("only_when_unsure", False)),
        )
        for entry in data["patterns"]
    ]
    for pattern in patterns:
        if pattern.intent not in intents:
            raise ValueError(f"Safety pattern {pattern.id}: unknown intent {pattern.intent}")
        if not pattern.match and not pattern.match_all:
            raise ValueError(f"Safety pattern {pattern.id}: needs match or match_all")
    return patterns, sorted(set(data.get("spelling", [])))


class SafetyMatcher:
    """spaCy Matcher over lowercase forms and lookup lemmas of a message."""

    def __init__(
        self, path: Path = DEFAULT_PATTERNS_FILE, intents: tuple[str, ...] = INTENT_PRIORITY
    ) -> None:
        """Compiles the patterns of `path`; `intents` in order of priority."""
        self.intents = intents
        self.patterns, self.spelling = load_patterns(path, intents)
        self.drug_names = DrugNameNormaliser.from_file()
        self.nlp = blank_english_with_lemmas()
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        for pattern in self.patterns:
            for index, token_pattern in enumerate(pattern.match):
                self.matcher.add(f"{pattern.id}|match|{index}", [token_pattern])
            for group_index, group in enumerate(pattern.match_all):
                self.matcher.add(f"{pattern.id}|all|{group_index}", group)
            if pattern.unless:
                self.matcher.add(f"{pattern.id}|unless|0", pattern.unless)

    def correct_spelling(self, word: str) -> str:
        """The safety word `word` is a misspelling of, or `word` itself."""
        if word in self.spelling:
            return word
        limit = allowed_typos(word)
        for known in self.spelling:
            if limit and edit_distance(word, known, limit) <= limit:
                return known
        return word

    def doc(self, text: str) -> Doc:
        """The message as a spaCy Doc with corrected words and lemmas."""
        words = [self.correct_spelling(word) for word in words_of(text)]
        return Doc(self.nlp.vocab, words=words, lemmas=self.drug_names.lemmas(words))

    def fired_patterns(self, text: str, unsure: bool = False) -> list[SafetyPattern]:
        """Every pattern that fires on `text`, in file order (`only_when_unsure` ones if unsure)."""
        doc = self.doc(text)
        hits: set[tuple[str, str, str]] = set()
        for match_id, _, _ in self.matcher(doc):
            pattern_id, kind, index = self.nlp.vocab.strings[match_id].split("|")
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
