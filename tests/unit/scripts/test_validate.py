"""scripts/validate.py: Rasa's validator, with the responses our actions utter counted as used."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from devtools.project_files import PROJECT_ROOT
from scripts.validate import main, responses_uttered_by_actions


def test_every_response_an_action_utters_exists_in_the_domain(domain: dict[str, Any]) -> None:
    uttered = responses_uttered_by_actions()
    assert "utter_interaction_not_listed" in uttered
    assert sorted(uttered - set(domain["responses"])) == []


def test_every_response_a_channel_says_exists_in_the_domain(domain: dict[str, Any]) -> None:
    said = responses_uttered_by_actions(PROJECT_ROOT / "channels")
    assert {"utter_message_too_long", "utter_too_many_messages"} <= said
    assert sorted(said - set(domain["responses"])) == []


def copy_project(destination: Path) -> Path:
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, destination / name)
    for folder in ("data", "actions", "channels"):
        shutil.copytree(PROJECT_ROOT / folder, destination / folder)
    return destination


def test_the_project_passes(tmp_path: Path) -> None:
    assert main(copy_project(tmp_path)) == 0


def test_a_response_nothing_uses_still_fails(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    domain = yaml.safe_load((project / "domain.yml").read_text(encoding="utf-8"))
    domain["responses"]["utter_forgotten"] = [{"text": "Nobody says this."}]
    (project / "domain.yml").write_text(yaml.safe_dump(domain), encoding="utf-8")
    assert main(project) == 1
