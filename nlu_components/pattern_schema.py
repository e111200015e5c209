"""The schema of the pattern files: safety_patterns.yml and dose_question_patterns.yml.

Read by nlu_components/safety_patterns.py; safety_patterns.yml's header explains the format.
Token patterns are checked the way spaCy's Matcher checks them, after "$name" word lists
are expanded, so a wrong one is reported with its file and place instead of at start-up.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from pydantic import StrictBool, root_validator, validator
from spacy.schemas import validate_token_pattern

from content.yaml_schema import Location, SchemaModel, Text, problems_at

PATTERN_ID = re.compile(r"[a-z][a-z0-9_]*")
SPACY_PROBLEM = re.compile(r"\[pattern -> (?P<where>.*?)\] (?P<what>.*)")
# spaCy Matcher token patterns: a list of token descriptions, e.g. [{LOWER: hi}, {LEMMA: x}]
TokenPattern = List[Dict[str, Any]]


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


def word_list_names(value: Any) -> set[str]:
    """The names of the "$name" word lists `value` uses."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, str):
        return {value[1:]} if value.startswith("$") else set()
    if isinstance(value, list):
        return set().union(*(word_list_names(item) for item in value))
    return set()


def regexes(value: Any) -> list[str]:
    """The REGEX values of a token pattern."""
    if isinstance(value, list):
        return [regex for item in value for regex in regexes(item)]
    if not isinstance(value, dict):
        return []
    found = [value["REGEX"]] if isinstance(value.get("REGEX"), str) else []
    return found + [regex for item in value.values() for regex in regexes(item)]


def token_pattern_problems(
    loc: tuple[str | int, ...], pattern: TokenPattern, words: dict[str, list[str]]
) -> list[tuple[Location, str]]:
    """What is wrong with one token pattern once its word lists are expanded."""
    unknown = sorted(word_list_names(pattern) - set(words))
    if unknown:
        names = ", ".join(f"${name}" for name in unknown)
        return [(loc, f"unknown word list {names} (known: {', '.join(words) or 'none'})")]
    expanded = expand_word_lists(pattern, words)
    if not expanded:
        return [(loc, "an empty token pattern")]
    problems: list[tuple[Location, str]] = []
    for problem in validate_token_pattern(expanded):
        found = SPACY_PROBLEM.fullmatch(problem)
        if not found:
            problems.append((loc, problem))
            continue
        where = [int(part) if part.isdigit() else part for part in found["where"].split(" -> ")]
        what = found["what"].replace("extra fields not permitted", "not a token attribute")
        problems.append(((*loc, *where), what))
    for regex in regexes(expanded):
        try:
            re.compile(regex)
        except re.error as error:
            problems.append((loc, f"REGEX {regex!r} does not compile: {error}"))
    return problems


class Examples(SchemaModel):
    """Messages a pattern must match and must not match (the tests check them)."""

    match: List[Text] = []
    no_match: List[Text] = []


class PatternEntry(SchemaModel):
    """One entry of `patterns`."""

    id: Text
    intent: Text
    why: Text
    match: List[TokenPattern] = []
    match_all: List[List[TokenPattern]] = []
    unless: List[TokenPattern] = []
    examples: Examples = Examples()
    only_when_unsure: StrictBool = False
    only_in_question: StrictBool = False

    @validator("id")
    def usable_id(cls, value: str) -> str:
        """Lowercase letters, digits and _ (the matcher's rule names are built from it)."""
        if not PATTERN_ID.fullmatch(value):
            raise ValueError(f"{value!r}: use lowercase letters, digits and _")
        return value

    @root_validator(skip_on_failure=True)
    def matches_something(cls, values: dict[str, Any]) -> dict[str, Any]:
        """A pattern needs `match`, `match_all` or both."""
        if not values["match"] and not values["match_all"]:
            raise ValueError("needs `match` or `match_all`")
        return values


class PatternsFile(SchemaModel):
    """A whole pattern file."""

    words: Dict[Text, List[Text]] = {}
    spelling: List[Text] = []
    patterns: List[PatternEntry]

    @validator("patterns")
    def valid_token_patterns(
        cls, patterns: list[PatternEntry], values: dict[str, Any]
    ) -> list[PatternEntry]:
        """Ids are unique; word lists exist; spaCy accepts every token pattern."""
        if "words" not in values:
            return patterns  # the word lists are wrong: already reported
        words = values["words"]
        problems: list[tuple[Location, str]] = []
        first_of: dict[str, int] = {}
        for index, pattern in enumerate(patterns):
            if pattern.id in first_of:
                problems.append(((index, "id"), f"also the id of patterns[{first_of[pattern.id]}]"))
            first_of.setdefault(pattern.id, index)
            for field in ("match", "unless"):
                for number, token_pattern in enumerate(getattr(pattern, field)):
                    problems += token_pattern_problems((index, field, number), token_pattern, words)
            for group_index, group in enumerate(pattern.match_all):
                for number, token_pattern in enumerate(group):
                    where = (index, "match_all", group_index, number)
                    problems += token_pattern_problems(where, token_pattern, words)
        if problems:
            raise problems_at(problems)
        return patterns
