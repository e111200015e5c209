"""The substance lexicon covers the article's interaction list, and only the article's."""

from pathlib import Path

import pytest

from content.article import contains
from devtools.project_files import load_yaml
from nlu_components.substance_lexicon import (
    SubstanceLexicon,
    is_english_word,
    phrase_words,
    substance_lexicon,
    word_spans,
)

ARTICLE = load_yaml("tests/article_interaction_items.yml")
EXPECTED = ARTICLE["categories"]
ARTICLE_NAMES = [
    (name, category) for item in ARTICLE["items"] for name, category in item["names"].items()
]
REPLY_FOR_QUOTE = {
    "should_be_avoided": "should_be_avoided",
    "life_threatening": "life_threatening",
    "depressants": "life_threatening",
    None: "not_listed",
}


@pytest.fixture(scope="module")
def lexicon() -> SubstanceLexicon:
    return substance_lexicon()


def test_the_file_has_the_categories_the_article_gives(lexicon: SubstanceLexicon) -> None:
    assert set(lexicon.categories) == set(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_category_gets_the_reply_the_article_supports(
    lexicon: SubstanceLexicon, key: str
) -> None:
    expected = EXPECTED[key]
    category = lexicon.categories[key]
    assert category.reply == expected["reply"] == REPLY_FOR_QUOTE[expected["rests_on"]]
    assert category.label.strip()
    if expected["item"] is not None:
        assert expected["item"] in category.article_item


@pytest.mark.parametrize("quote", sorted(ARTICLE["quotes"]))
def test_every_quote_is_the_articles_own_words(quote: str) -> None:
    assert contains(ARTICLE["quotes"][quote])


def test_every_item_of_the_fixture_is_the_articles_own_words() -> None:
    for item in ARTICLE["items"]:
        assert contains(item["article"]), item["article"]
    for expected in EXPECTED.values():
        assert expected["item"] is None or contains(expected["item"]), expected["item"]


def test_labels_never_repeat_a_name_or_call_a_street_drug_a_medicine(
    lexicon: SubstanceLexicon,
) -> None:
    for substance in lexicon.substances.values():
        label = substance.category.label.lower()
        assert substance.names_the_category or substance.name.lower() not in label, substance.name
    assert "medicine" not in lexicon.categories["sodium_oxybate"].label


def test_the_fixture_names_every_category() -> None:
    assert {category for _, category in ARTICLE_NAMES} == set(EXPECTED)


@pytest.mark.parametrize("name, category", ARTICLE_NAMES)
def test_every_item_the_article_names_resolves_to_its_category(
    lexicon: SubstanceLexicon, name: str, category: str
) -> None:
    substance = lexicon.lookup(name)
    assert substance is not None, f"{name!r} is not in substances.yml"
    assert substance.category.key == category


def test_every_category_is_reached_by_a_substance(lexicon: SubstanceLexicon) -> None:
    reached = {substance.category.key for substance in lexicon.substances.values()}
    assert reached == set(EXPECTED)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Xanax", "Xanax"),
        ("xanax bars", "Xanax"),
        ("ALPRAZOLAM", "Xanax"),
        ("Tylenol PM", "Tylenol PM"),
        ("a couple of beers", "alcohol"),
        ("muscle relaxers", "muscle relaxants"),
        ("percs", "Percocet"),
        ("oxicontin", "OxyContin"),
    ],
)
def test_lookup_takes_names_phrases_and_display_names(
    lexicon: SubstanceLexicon, name: str, expected: str
) -> None:
    substance = lexicon.lookup(name)
    assert substance is not None
    assert substance.name == expected


@pytest.mark.parametrize("name", ["klonopin", "clonazepam", "k pins", "zoloft", "water", ""])
def test_lookup_of_clonazepam_or_an_unknown_name_is_none(
    lexicon: SubstanceLexicon, name: str
) -> None:
    assert lexicon.lookup(name) is None


def test_every_display_name_looks_up_to_itself(lexicon: SubstanceLexicon) -> None:
    for name, substance in lexicon.substances.items():
        assert lexicon.lookup(name) == substance, name


def test_every_variant_looks_up_to_its_entry(lexicon: SubstanceLexicon) -> None:
    wrong = {
        " ".join(words): (substance.name, found.name if found else None)
        for words, substance in lexicon.variants.items()
        if (found := lexicon.lookup(" ".join(words))) != substance
    }
    assert wrong == {}


def test_find_reports_character_offsets_and_the_visitors_words(lexicon: SubstanceLexicon) -> None:
    text = "Klonopin with XANEX bars, then 2 Beers?"
    found = lexicon.find(text)
    assert [(item.substance.name, item.text) for item in found] == [
        ("Xanax", "XANEX bars"),
        ("alcohol", "Beers"),
    ]
    assert [text[item.start : item.end] for item in found] == ["XANEX bars", "Beers"]


def test_each_entry_is_found_once(lexicon: SubstanceLexicon) -> None:
    found = lexicon.find("xanax, more xanax and alprazolam")
    assert [item.substance.name for item in found] == ["Xanax"]
    assert found[0].text == "xanax"


def test_the_longest_name_wins(lexicon: SubstanceLexicon) -> None:
    found = lexicon.find("promethazine with codeine")
    assert [item.substance.name for item in found] == ["codeine cough syrup"]


def test_lorazepam_is_a_benzodiazepine_although_it_is_near_clonazepam(
    lexicon: SubstanceLexicon,
) -> None:
    # drug_names.py reads "lorazepam" as a misspelling of clonazepam (2 edits).
    names = [lexicon.lookup(word) for word in ("lorazepam", "lorazapam", "clonazepam")]
    assert [substance.name if substance else None for substance in names] == [
        "Ativan",
        "Ativan",
        None,
    ]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("fentenal", "fentanyl"),  # unlisted misspellings of listed names
        ("buprenorfine", "buprenorphine"),
        ("alprazolum", "Xanax"),
        ("hydrocodine", "hydrocodone"),
        ("phenobarbitl", "phenobarbital"),
        ("marraige", None),  # 2 edits from "marcaine", 1 from "marriage"
        ("clarkson", None),  # 2 edits from the listed misspelling "clariton", not a name
        ("xanaxxx", None),  # names shorter than 6 letters: listed misspellings only
        ("alcohool", None),  # everyday words: listed misspellings only
        ("drinkin", None),
        ("nortriptyline", None),  # real words (WordNet knows many medicines)
        ("clonazapam", None),  # clonazepam's own misspellings
        ("klonazepam", None),
    ],
)
def test_misspellings_of_medicine_names_only(
    lexicon: SubstanceLexicon, word: str, expected: str | None
) -> None:
    substance = lexicon.lookup(word)
    assert (substance.name if substance else None) == expected


def test_words_split_at_punctuation_and_keep_offsets() -> None:
    assert word_spans("Tylenol P.M.") == [("tylenol", 0, 7), ("p", 8, 9), ("m", 10, 11)]
    assert phrase_words("xanax-bars") == ("xanax", "bars")


@pytest.mark.parametrize("word", ["thinking", "wind", "ambient", "pentobarbital", "valid"])
def test_real_words_are_known_as_english(word: str) -> None:
    assert is_english_word(word)


@pytest.mark.parametrize("word", ["xanex", "adivan", "trazadone", "alchohol"])
def test_misspellings_are_not_english_words(word: str) -> None:
    assert not is_english_word(word)


# --- invalid files -----------------------------------------------------------------------

VALID_CATEGORIES = """
categories:
  alcohol:
    article_item: mixing clonazepam with alcohol
    label: alcohol
    label_es: alcohol
    reply: life_threatening
  benzodiazepines:
    article_item: other benzodiazepines
    label: another benzodiazepine
    label_es: otra benzodiacepina
    reply: life_threatening
"""


def lexicon_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "substances.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    path = lexicon_file(
        tmp_path,
        VALID_CATEGORIES
        + """
substances:
  beer:
    category: alcohol
    fuzzy: false
    variants: [beers]
  Xanax:
    category: benzodiazepines
    variants: [alprazolam]
    misspellings: [xanex]
    slang: [zannies]
""",
    )
    lexicon = SubstanceLexicon.from_file(path)
    assert [item.substance.name for item in lexicon.find("xanaxes and beer")] == ["Xanax", "beer"]
    found = {word: lexicon.lookup(word) for word in ("xanex", "zannies", "alprazolm", "zannise")}
    names = {word: substance.name if substance else None for word, substance in found.items()}
    # Misspellings of names are caught; of slang, only the listed ones.
    assert names == {"xanex": "Xanax", "zannies": "Xanax", "alprazolm": "Xanax", "zannise": None}


@pytest.mark.parametrize(
    "substances, message",
    [
        (
            "  Zoloft:\n    category: antidepressants\n    variants: [sertraline]\n",
            "substances.Zoloft.category: unknown category 'antidepressants' "
            "(known: alcohol, benzodiazepines)",
        ),
        (
            "  Xanax:\n    category: benzodiazepines\n    variants: [bars]\n"
            "  beer:\n    category: alcohol\n    variants: [Bars]\n",
            "Variant 'bars' is listed under both 'Xanax' and 'beer'",
        ),
        (
            "  Xanax:\n    category: benzodiazepines\n    variants: [klonopin bars]\n",
            "contains 'klonopin', a name of clonazepam itself",
        ),
        (
            "  Xanax:\n    category: benzodiazepines\n",
            "substances.Xanax.variants: missing",
        ),
        (
            "  Xanax:\n    category: benzodiazepines\n    variants: []\n    fuzy: false\n",
            "substances.Xanax.fuzy: unknown field",
        ),
        (
            "  Xanax:\n    category: benzodiazepines\n    variants: [bars]\n    exclude: [bars]\n",
            "'bars' is both a variant of 'Xanax' and excluded under 'Xanax'",
        ),
        (
            "  Xanax:\n    category: benzodiazepines\n    variants: ['!!']\n",
            "substances.Xanax.variants[0]: '!!' has no words",
        ),
        (
            "  Xanax:\n    category: benzodiazepines\n    variants: []\n    slang: bars\n",
            "substances.Xanax.slang: expected a list",
        ),
    ],
)
def test_invalid_substances_are_rejected_with_a_clear_message(
    tmp_path: Path, substances: str, message: str
) -> None:
    path = lexicon_file(tmp_path, VALID_CATEGORIES + "\nsubstances:\n" + substances)
    with pytest.raises(ValueError) as error:
        SubstanceLexicon.from_file(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


@pytest.mark.parametrize(
    "categories, message",
    [
        (
            "categories:\n  alcohol:\n    label: alcohol\n    label_es: alcohol\n"
            "    reply: life_threatening\n",
            "categories.alcohol.article_item: missing",
        ),
        (
            "categories:\n  alcohol:\n    article_item: alcohol\n    label: alcohol\n"
            "    reply: life_threatening\n",
            "categories.alcohol.label_es: missing",
        ),
        (
            "categories:\n  alcohol:\n    article_item: alcohol\n    label: alcohol\n"
            "    label_es: alcohol\n    reply: yes please\n",
            "categories.alcohol.reply: 'yes please' is not one of life_threatening, "
            "should_be_avoided, not_listed",
        ),
        (
            "categories:\n  alcohol:\n    article_item: alcohol\n    label: alcohol\n"
            "    label_es: alcohol\n    life_threatening: true\n",
            "categories.alcohol.reply: missing",
        ),
        ("substances: {}\n", "categories: missing"),
    ],
)
def test_invalid_categories_are_rejected_with_a_clear_message(
    tmp_path: Path, categories: str, message: str
) -> None:
    substances = "substances:\n  beer:\n    category: alcohol\n    variants: []\n"
    text = categories if categories.startswith("substances") else categories + substances
    path = lexicon_file(tmp_path, text)
    with pytest.raises(ValueError) as error:
        SubstanceLexicon.from_file(path)
    assert f"{path}: {message}" in str(error.value)
