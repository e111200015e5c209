import pytest

from nlu_components.drug_names import DrugNameNormaliser, edit_distance


@pytest.fixture(scope="module")
def normaliser() -> DrugNameNormaliser:
    return DrugNameNormaliser.from_file()


@pytest.mark.parametrize(
    "first, second, distance",
    [
        ("klonopin", "klonopin", 0),
        ("klonipin", "klonopin", 1),
        ("klonpoin", "klonopin", 1),
        ("clonazapam", "clonazepam", 1),
        ("colnazepam", "clonazepam", 1),
        ("abc", "xyz", 3),
    ],
)
def test_edit_distance(first: str, second: str, distance: int) -> None:
    assert edit_distance(first, second, limit=3) == distance


def test_edit_distance_stops_early_past_the_limit() -> None:
    assert edit_distance("clonazepam", "zzzzzzzzzz", limit=2) == 3


@pytest.mark.parametrize(
    "words",
    [
        ["klonopin"],
        ["rivotril"],
        ["k-pins"],
        ["kpins"],
        ["klonipin"],
        ["clonazapam"],
        ["clonopin"],
        ["klonopen"],
        ["clonazepem"],
        ["valpax"],
        ["ceberclon"],
    ],
)
def test_variants_and_misspellings_map_to_clonazepam(
    normaliser: DrugNameNormaliser, words: list[str]
) -> None:
    assert normaliser.canonical_names(words) == ["clonazepam"]


def test_multi_word_variant_marks_every_word(normaliser: DrugNameNormaliser) -> None:
    words = "my son takes k pins daily".split()
    assert normaliser.canonical_names(words) == [None, None, None, "clonazepam", "clonazepam", None]


def test_benzo_slang_maps_to_benzodiazepine(normaliser: DrugNameNormaliser) -> None:
    assert normaliser.canonical_names(["benzos", "benzo"]) == ["benzodiazepine"] * 2


@pytest.mark.parametrize(
    "word",
    # "lorazepam" is Ativan, two letters from "clonazepam": a real drug, not a misspelling.
    ["clonidine", "pin", "kind", "klondike", "coronavirus", "alcohol", "lorazepam"],
)
def test_other_words_are_left_alone(normaliser: DrugNameNormaliser, word: str) -> None:
    assert normaliser.canonical_names([word]) == [None]
