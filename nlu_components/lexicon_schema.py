"""The schemas of the lexicons: substances.yml and drug_names.yml.

Read by nlu_components/substance_lexicon.py and nlu_components/drug_names.py; the files'
headers explain their fields. What needs both files (no name of clonazepam among the
substances) is checked by the substance lexicon once both are loaded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, List

from pydantic import StrictBool, validator

from content.yaml_schema import Location, SchemaModel, Text, problems_at

# A word, as substance_lexicon.py splits messages and names: letters and digits.
WORD = re.compile(r"[^\W_]+")
# What the assistant says about a category (actions/check_interaction.py picks the response).
LIFE_THREATENING = "life_threatening"  # dangerous, even deadly: can lead to an overdose
SHOULD_BE_AVOIDED = "should_be_avoided"  # the article's "should be avoided ... unwanted reactions"
NOT_LISTED = "not_listed"  # the article does not cover it: ask a pharmacist
REPLIES = (LIFE_THREATENING, SHOULD_BE_AVOIDED, NOT_LISTED)


if TYPE_CHECKING:  # a str to type checkers
    Phrase = str
else:

    class Phrase(Text):
        """A name of a substance: a text with at least one word."""

        @classmethod
        def validate(cls, value: Any) -> str:
            """The value itself, if it is a text with letters or digits."""
            if not WORD.search(super().validate(value)):
                raise ValueError(f"{value!r} has no words (letters or digits)")
            return str(value)


class CategoryFields(SchemaModel):
    """An entry of `categories`: an item of the article's interaction list."""

    article_item: Text
    label: Text
    label_es: Text
    reply: Text

    @validator("reply")
    def known_reply(cls, value: str) -> str:
        """One of REPLIES."""
        if value not in REPLIES:
            raise ValueError(f"{value!r} is not one of {', '.join(REPLIES)}")
        return value


class SubstanceFields(SchemaModel):
    """An entry of `substances`: a substance's category and the ways visitors write it."""

    category: Text
    variants: List[Phrase]
    misspellings: List[Phrase] = []
    slang: List[Phrase] = []
    exclude: List[Phrase] = []
    fuzzy: StrictBool = True
    names_the_category: StrictBool = False


class SubstancesFile(SchemaModel):
    """substances.yml: the categories, then the substances by display name."""

    categories: Dict[Text, CategoryFields]
    substances: Dict[Phrase, SubstanceFields]
    other_drug_names: List[Phrase] = []
    everyday_words: List[Phrase] = []

    @validator("categories", "substances")
    def not_empty(cls, value: dict[str, Any]) -> dict[str, Any]:
        """At least one entry."""
        if not value:
            raise ValueError("must have at least one entry")
        return value

    @validator("substances")
    def known_categories(
        cls, substances: dict[str, SubstanceFields], values: dict[str, Any]
    ) -> dict[str, SubstanceFields]:
        """Every substance's category is a key of `categories`."""
        if "categories" not in values:
            return substances  # wrong categories are reported already
        known = ", ".join(values["categories"])
        problems: list[tuple[Location, str]] = [
            ((name, "category"), f"unknown category {fields.category!r} (known: {known})")
            for name, fields in substances.items()
            if fields.category not in values["categories"]
        ]
        if problems:
            raise problems_at(problems)
        return substances


class DrugNamesFile(SchemaModel):
    """drug_names.yml: each canonical name (lowercase) with the names visitors use for it."""

    __root__: Dict[Text, List[Text]]

    @validator("__root__")
    def one_name_each(cls, names: dict[str, list[str]]) -> dict[str, list[str]]:
        """At least one drug; canonical names lowercase; no variant under two names."""
        if not names:
            raise ValueError("must list at least one drug")
        problems: list[tuple[Location, str]] = []
        owner: dict[tuple[str, ...], str] = {}
        for canonical, variants in names.items():
            if canonical != canonical.lower():
                problems.append(((canonical,), "write the canonical name in lowercase"))
            for index, variant in enumerate([canonical, *variants]):
                words = tuple(variant.lower().split())
                if owner.get(words, canonical) != canonical:
                    message = f"{variant!r} is also a name of {owner[words]!r}"
                    problems.append(((canonical, index - 1) if index else (canonical,), message))
                owner.setdefault(words, canonical)
        if problems:
            raise problems_at(problems)
        return names
