"""The test story file (tests/test_stories_reviewed.yml): read, checked and merged.

The file is merged: stories already in it stay as they are (a developer's edits too), and
the export adds its stories at the end of the `stories:` list, which must be the file's last
key. The references of the stories in it are read back so a conversation whose story is in
it is not written again (review.story_export).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from content.yaml_schema import InvalidYamlFile, read_yaml

HEADER = """\
# Conversations staff marked "make this a test" in the review app, as Rasa test stories.
# Written by `python -m review.cli export-training-data` (docs/staff-app.md, "Teaching the
# bot"); tests/model/test_conversations.py runs them with tests/test_stories.yml. Each story:
# the visitor's stored, redacted messages with the intent staff labelled (else the one the
# bot understood) and the bot's actions as recorded; named by a short hash of the
# conversation (never its id) and the day it was marked, never who marked it. Review the
# diff: a story expects what the bot did. Where staff corrected a message the story stops
# before it and the corrected step follows as comments: add the actions it should get, then
# uncomment it. Delete a story to drop it: it is not written again.
"""
VERSION_LINE = 'version: "3.1"'
STORIES_KEY = "stories"
# The reference in a story's name (review.story_export.STORY_NAME).
REFERENCE = re.compile(r"reviewed conversation ([0-9a-f]{12})\b")
_STORIES_LINE = re.compile(r"^stories:[ \t]*(?:\[[ \t]*\])?[ \t]*(?:#.*)?$")
_TOP_LEVEL_KEY = re.compile(r"^[^\s#-][^:]*:")


@dataclass(frozen=True)
class StoryFile:
    """A story file as it is: its text (None: no file yet), references and stories."""

    path: Path
    text: str | None
    references: frozenset[str]
    stories: int


def empty_story_file() -> str:
    """The file with no story yet (as shipped)."""
    return f"{HEADER}{VERSION_LINE}\n\n{STORIES_KEY}: []\n"


def _stories_line(lines: Sequence[str]) -> int | None:
    return next((n for n, line in enumerate(lines) if _STORIES_LINE.match(line)), None)


def read_story_file(path: Path) -> StoryFile:
    """The file's text, the references of its stories and drafts, and how many stories.

    Raises InvalidYamlFile, naming the file, when it is not YAML, has no `stories:` list, a
    story without a name or steps, or a key after `stories:` (the export adds at the end).
    """
    if not path.exists():
        return StoryFile(path, None, frozenset(), 0)
    data = read_yaml(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = _stories_line(lines)
    stories = data.get(STORIES_KEY) if isinstance(data, dict) else None
    problems = []
    if at is None or not isinstance(stories, (list, type(None))):
        problems.append("has no `stories:` list (a line `stories:` at the start of a line)")
    elif any(_TOP_LEVEL_KEY.match(line) for line in lines[at + 1 :]):
        problems.append("`stories:` must be the file's last key: the export adds stories after it")
    for number, story in enumerate(stories if isinstance(stories, list) else []):
        if not (
            isinstance(story, dict)
            and isinstance(story.get("story"), str)
            and isinstance(story.get("steps"), list)
        ):
            problems.append(f"stories[{number}]: expected a `story:` name and `steps:`")
    if problems:
        raise InvalidYamlFile(str(path), problems)
    count = len(stories) if isinstance(stories, list) else 0
    return StoryFile(path, text, frozenset(REFERENCE.findall(text)), count)


def merged_story_file(current: StoryFile, blocks: Sequence[str]) -> str:
    """The file with these story blocks added at the end of its `stories:` list.

    What is in it stays as it is; `stories: []` while it has no story (only drafts).
    Raises InvalidYamlFile if the result would not read back with every story.
    """
    text = current.text if current.text is not None else empty_story_file()
    lines = text.splitlines()
    at = _stories_line(lines)
    if at is None:
        raise InvalidYamlFile(str(current.path), ["has no `stories:` list"])
    body = "\n".join(lines[at + 1 :]).strip("\n")
    parts = [part for part in (body, *blocks) if part.strip()]
    joined = "\n\n".join(parts)
    has_story = any(line.startswith("-") for line in joined.splitlines())
    head = "\n".join(lines[:at])
    merged = (head + "\n" if head else "") + (STORIES_KEY + ":" if has_story else "stories: []")
    merged += "\n" + ("\n" + joined + "\n" if joined else "")
    expected = current.stories + sum(1 for block in blocks if block.startswith("- story:"))
    try:
        data = yaml.safe_load(merged)
    except yaml.YAMLError as error:  # its message may quote the file: not shown
        raise InvalidYamlFile(str(current.path), ["stories could not be added"]) from error
    found = data.get(STORIES_KEY) if isinstance(data, dict) else None
    if len(found or []) != expected:
        raise InvalidYamlFile(str(current.path), ["stories could not be added at the end"])
    return merged
