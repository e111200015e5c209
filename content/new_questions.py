"""Questions visitors asked that the assistant has no answer for yet: content/new_questions.yml.

Staff label such a visitor message "New question: no answer yet" in the review app (issue
#19); `python -m review.cli export-training-data` adds it to the list (review.training_export):
the message's stored, redacted text, the day it was labelled (never who labelled it) and the
language its conversation was answered in, when the review app had recorded it. The content
review sheet (`make content-sheet`, content/sheet.py) shows the list to the content team.
Once a question has an answer (docs/answer-content.md), delete it from the file: the export
does not write it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, List

import yaml
from pydantic import validator

from content.yaml_schema import SchemaModel, Text, load_yaml_file

NEW_QUESTIONS_FILE = Path(__file__).with_name("new_questions.yml")
HEADER = """\
# Questions visitors asked that the assistant has no answer for yet: messages staff labelled
# "New question: no answer yet" in the review app. Written by `python -m review.cli
# export-training-data` (docs/staff-app.md, "Teaching the bot"): each question is the visitor's
# stored, redacted text, the day it was labelled (never who labelled it) and the language of
# the conversation. Review the diff; `make content-sheet` lists them in docs/content-review.md.
# Delete a question once it has an answer (or if it is not one): it is not written again.
"""


class NewQuestion(SchemaModel):
    """One question of the list."""

    text: Text
    labelled: Text  # the day, YYYY-MM-DD
    language: Text | None = None  # "en", "es": the conversation's language, if recorded

    @validator("labelled", pre=True)
    def day_as_text(cls, value: Any) -> Any:
        """A day written without quotes (YAML reads it as a date) as YYYY-MM-DD."""
        return value.isoformat() if isinstance(value, date) else value


class NewQuestionsFile(SchemaModel):
    """content/new_questions.yml."""

    questions: List[NewQuestion] = []

    @validator("questions", pre=True)
    def none_is_empty(cls, value: Any) -> Any:
        """`questions:` with nothing after it (the last one deleted by hand) is no question."""
        return [] if value is None else value


def normalised(text: str) -> str:
    """A question as compared for duplicates: case and whitespace do not count."""
    return " ".join(text.casefold().split())


def read_new_questions(path: Path = NEW_QUESTIONS_FILE) -> list[NewQuestion]:
    """The questions of the list, in its order (none when there is no file).

    Raises InvalidYamlFile, naming the file and field, when it is not a valid list.
    """
    if not path.exists():
        return []
    return list(load_yaml_file(path, NewQuestionsFile).questions)


def render_new_questions(questions: Iterable[NewQuestion]) -> str:
    """The file: the header, then the questions in the order given."""
    entries = [question.dict(exclude_none=True) for question in questions]
    if not entries:
        return HEADER + "questions: []\n"
    body = yaml.safe_dump(
        {"questions": entries}, allow_unicode=True, sort_keys=False, width=1_000_000
    )
    return HEADER + body
