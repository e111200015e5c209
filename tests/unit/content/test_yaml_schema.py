"""The shared YAML loader: one line per problem, naming the file and the field."""

from pathlib import Path
from typing import Dict, List

import pytest
from pydantic import StrictBool

from content.yaml_schema import InvalidYamlFile, SchemaModel, Text, load_yaml_file, validate


class Entry(SchemaModel):
    id: Text
    flag: StrictBool = False


class Inner(SchemaModel):
    colour: Text


class File(SchemaModel):
    name: Text
    entries: List[Entry] = []
    inner: Dict[str, Inner] = {}


def problems(data: object) -> list[str]:
    with pytest.raises(InvalidYamlFile) as error:
        validate(data, File, "test.yml")
    assert error.value.source == "test.yml"
    assert str(error.value).splitlines() == [f"test.yml: {line}" for line in error.value.problems]
    return list(error.value.problems)


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "test.yml"
    path.write_text("name: x\nentries: [{id: a, flag: true}]\n", encoding="utf-8")
    loaded = load_yaml_file(path, File)
    assert loaded.name == "x"
    assert loaded.entries == [Entry(id="a", flag=True)]


def test_each_problem_is_a_line_with_its_field_path() -> None:
    data = {
        "name": 12,
        "entries": [{"id": "a"}, {"id": "b", "flag": "yes", "colour": "red"}],
        "inner": {"two words": {"colour": " "}},
    }
    assert problems(data) == [
        "name: expected a text, not 12",
        "entries[1](b).flag: expected true or false, not 'yes'",
        "entries[1](b).colour: unknown field (expected: id, flag)",
        "inner['two words'].colour: must not be empty",
    ]


def test_missing_fields_and_wrong_shapes_are_named() -> None:
    assert problems({"entries": {"id": "a"}}) == [
        "name: missing (a required field)",
        "entries: expected a list, not a mapping",
    ]
    assert problems({"name": None, "inner": {"a": "blue"}}) == [
        "name: empty: a value is required",
        "inner.a: expected a mapping of fields, not 'blue'",
    ]
    assert problems(["name"]) == ["expected a mapping of fields, not a list"]


def test_labels_rename_a_field() -> None:
    with pytest.raises(InvalidYamlFile, match=r"^test.yml: name \(set by X\): expected a text"):
        validate({"name": 5}, File, "test.yml", labels={"name": "name (set by X)"})


def test_unreadable_and_malformed_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidYamlFile, match="nothing.yml: cannot be read"):
        load_yaml_file(tmp_path / "nothing.yml", File)
    path = tmp_path / "broken.yml"
    path.write_text("name: x\n  entries: [\n", encoding="utf-8")
    with pytest.raises(InvalidYamlFile, match=r"broken.yml: line 2, column \d+: not valid YAML"):
        load_yaml_file(path, File)
    path.write_text("", encoding="utf-8")
    with pytest.raises(InvalidYamlFile, match="name: missing"):
        load_yaml_file(path, File)
