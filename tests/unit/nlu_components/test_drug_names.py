import itertools
import random

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


def hand_written_edit_distance(first: str, second: str, limit: int) -> int:
    """The project's own optimal-string-alignment distance, replaced by rapidfuzz's OSA.

    May return the true distance rather than limit + 1 when it is past the limit.
    """
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, first_char in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, second_char in enumerate(second, start=1):
            cost = 0 if first_char == second_char else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first_char == second[j - 2] and first[i - 2] == second_char:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


NAMES = ["klonopin", "clonazepam", "rivotril", "xanax", "valium", "ativan", "alcohol"]
TYPOS = [
    *["klonipin", "klonpoin", "klonopn", "clonopin", "klonopen", "klnopin", "kolnopin"],
    *["clonazapam", "colnazepam", "clonazepem", "clonazpeam", "klonazepam", "clonzaepam"],
    *["xanex", "zanax", "xnaax", "xanaxx", "rivotirl", "valuim", "ativna", "alchohol"],
    *["lorazepam", "clonidine", "klondike", "ca", "abc", "", "a"],
]


def misspellings(rng: random.Random, word: str) -> str:
    """`word` with 1-3 random swaps of neighbours, insertions, deletions or replacements."""
    letters = list(word)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(max(len(letters), 1))
        edit = rng.choice(["swap", "insert", "delete", "replace"])
        if edit == "swap" and at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
        elif edit == "insert":
            letters.insert(at, rng.choice("aeiklnopz"))
        elif edit == "delete" and letters:
            del letters[at]
        elif letters:
            letters[at] = rng.choice("aeiklnopz")
    return "".join(letters)


def test_edit_distance_is_the_hand_written_one_up_to_the_limit() -> None:
    rng = random.Random(14)
    words = TYPOS + [misspellings(rng, rng.choice(NAMES)) for _ in range(500)]
    for word, name, limit in itertools.product(words, NAMES + TYPOS[:6], range(4)):
        expected = min(hand_written_edit_distance(word, name, limit), limit + 1)
        assert edit_distance(word, name, limit) == expected, (word, name, limit)


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
