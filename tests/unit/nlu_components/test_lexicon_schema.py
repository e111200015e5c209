"""Broken copies of substances.yml and drug_names.yml: the error names the file and the field."""

from pathlib import Path
from typing import Any

import pytest

from content.yaml_schema import InvalidYamlFile
from nlu_components.drug_names import DEFAULT_DRUG_NAMES_FILE, DrugNameNormaliser
from nlu_components.substance_lexicon import DEFAULT_SUBSTANCES_FILE, load_substances
from tests.support.broken_files import Change, broken_copy, shipped


def first(data: dict[str, Any], section: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(iter(data[section].values()))
    return entry


FIRST_CATEGORY = next(iter(shipped(DEFAULT_SUBSTANCES_FILE)["categories"]))
FIRST_SUBSTANCE = next(iter(shipped(DEFAULT_SUBSTANCES_FILE)["substances"]))


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda d: first(d, "substances").update(fuzy=False),
            f"substances.{FIRST_SUBSTANCE}.fuzy: unknown field (expected: category, variants, ",
        ),
        (
            lambda d: d.update(names={}),
            "names: unknown field (expected: categories, substances, other_drug_names, "
            "everyday_words)",
        ),
        (
            lambda d: first(d, "categories").update(reply=3),
            f"categories.{FIRST_CATEGORY}.reply: expected a text, not 3",
        ),
        (
            lambda d: first(d, "substances").update(variants="x"),
            f"substances.{FIRST_SUBSTANCE}.variants: expected a list, not 'x'",
        ),
        (
            lambda d: first(d, "substances").update(names_the_category="yes"),
            f"substances.{FIRST_SUBSTANCE}.names_the_category: expected true or false, not 'yes'",
        ),
        (
            lambda d: first(d, "substances").pop("variants"),
            f"substances.{FIRST_SUBSTANCE}.variants: missing (a required field)",
        ),
        (
            lambda d: first(d, "categories").pop("label"),
            f"categories.{FIRST_CATEGORY}.label: missing (a required field)",
        ),
        (lambda d: d.pop("substances"), "substances: missing (a required field)"),
        (
            lambda d: first(d, "substances").update(category="opiods"),
            f"substances.{FIRST_SUBSTANCE}.category: unknown category 'opiods' (known: ",
        ),
        (
            lambda d: first(d, "substances").update(slang=["-"]),
            f"substances.{FIRST_SUBSTANCE}.slang[0]: '-' has no words",
        ),
        (
            lambda d: d["substances"].update({"--": d["substances"][FIRST_SUBSTANCE]}),
            "substances (a key): '--' has no words",
        ),
    ],
)
def test_a_broken_substances_file_names_the_file_and_the_field(
    tmp_path: Path, change: Change, problem: str
) -> None:
    path = broken_copy(tmp_path, DEFAULT_SUBSTANCES_FILE, change)
    with pytest.raises(InvalidYamlFile) as error:
        load_substances(path)
    assert f"{path}: {problem}" in str(error.value)


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda d: d.update(clonazepam="klonopin"), "clonazepam: expected a list, not 'klonopin'"),
        (lambda d: d.update(benzodiazepine=None), "benzodiazepine: empty: a value is required"),
        (lambda d: d["clonazepam"].insert(0, 7), "clonazepam[0]: expected a text, not 7"),
        (lambda d: d.update(Xanax=["xanax"]), "Xanax: write the canonical name in lowercase"),
        (
            lambda d: d["benzodiazepine"].append("Klonopin"),
            "benzodiazepine[6]: 'Klonopin' is also a name of 'clonazepam'",
        ),
        (lambda d: d.clear(), "must list at least one drug"),
    ],
)
def test_a_broken_drug_names_file_names_the_file_and_the_field(
    tmp_path: Path, change: Change, problem: str
) -> None:
    path = broken_copy(tmp_path, DEFAULT_DRUG_NAMES_FILE, change)
    with pytest.raises(InvalidYamlFile) as error:
        DrugNameNormaliser.from_file(path)
    assert f"{path}: {problem}" in str(error.value)
