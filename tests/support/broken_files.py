"""Changed copies of the project's YAML files, for the tests of their schemas."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from content.yaml_schema import read_yaml

Change = Callable[[Any], None]


@functools.cache
def shipped(source: Path) -> Any:
    """The file as the repository ships it (read once per session)."""
    return read_yaml(source)


def broken_copy(tmp_path: Path, source: Path, *changes: Change) -> Path:
    """A copy of `source` in `tmp_path`, same name, with each change applied in turn."""
    data = copy.deepcopy(shipped(source))
    for change in changes:
        change(data)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
