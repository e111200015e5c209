"""Broken copies of content/responses.yml: the error names the file and the field."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.sheet import GROUPS_FILE, load_groups
from content.yaml_schema import InvalidYamlFile

Change = Callable[[dict[str, Any]], None]


def group(data: dict[str, Any], index: int) -> dict[str, Any]:
    entry: dict[str, Any] = data["groups"][index]
    return entry


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda d: group(d, 0).update(subtitle="x"),
            "groups[0].subtitle: unknown field "
            "(expected: title, article_section, beyond_article, responses)",
        ),
        (
            lambda d: group(d, 1).update(responses="utter_greet"),
            "groups[1].responses: expected a list, not 'utter_greet'",
        ),
        (lambda d: group(d, 0).update(article_section=7), "groups[0].article_section: expected"),
        (lambda d: group(d, 2).pop("title"), "groups[2].title: missing (a required field)"),
        (lambda d: d.pop("groups"), "groups: missing (a required field)"),
        (
            lambda d: group(d, 0)["responses"].insert(0, "greet"),
            "groups[0].responses[0]: 'greet' is not the name of a response (utter_...)",
        ),
    ],
)
def test_a_broken_copy_names_the_file_and_the_field(
    tmp_path: Path, change: Change, problem: str
) -> None:
    data = yaml.safe_load(GROUPS_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / GROUPS_FILE.name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(InvalidYamlFile) as error:
        load_groups(path)
    assert f"{path}: {problem}" in str(error.value)


def test_a_group_without_an_article_section_has_none(tmp_path: Path) -> None:
    path = tmp_path / GROUPS_FILE.name
    path.write_text("groups:\n  - title: T\n    responses: [utter_greet]\n", encoding="utf-8")
    [only] = load_groups(path)
    assert only.article_section is None
    assert only.beyond_article == ""
    assert only.responses == ("utter_greet",)
