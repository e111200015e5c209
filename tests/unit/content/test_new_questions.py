"""The content team's list of new questions (content/new_questions.yml; content.new_questions)."""

from pathlib import Path

import pytest

from content.new_questions import NewQuestion, read_new_questions, render_new_questions
from content.yaml_schema import InvalidYamlFile


def test_the_list_reads_back_what_was_written(tmp_path: Path) -> None:
    questions = [
        NewQuestion(text="yes", labelled="2026-12-06", language="en"),  # not a boolean
        NewQuestion(text='do you take "aetna": \\ [PHONE]\x7f', labelled="2026-12-07"),
    ]
    path = tmp_path / "new_questions.yml"
    path.write_text(render_new_questions(questions), encoding="utf-8")
    assert read_new_questions(path) == questions
    assert read_new_questions(tmp_path / "none.yml") == []


def test_hand_edits_a_reviewer_may_make_are_read(tmp_path: Path) -> None:
    path = tmp_path / "new_questions.yml"
    path.write_text("questions:\n- text: parking?\n  labelled: 2026-12-06\n", encoding="utf-8")
    assert read_new_questions(path) == [NewQuestion(text="parking?", labelled="2026-12-06")]
    path.write_text("# all answered\nquestions:\n", encoding="utf-8")
    assert read_new_questions(path) == []
    path.write_text("questions:\n- text: parking?\n", encoding="utf-8")
    with pytest.raises(InvalidYamlFile, match=r"questions\[0\]\.labelled: missing"):
        read_new_questions(path)
