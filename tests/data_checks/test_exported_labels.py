"""The files staff labels are exported to: valid, apart from other data, and never naming who.

`python -m review.cli export-training-data` (review/training_export.py) writes the safety
cases tests/safety_reviewed.yml and tests/safety_reviewed_es.yml (review/safety_export.py, run
by tests/model/test_safety.py) and the content team's content/new_questions.yml; staff review
the diff and may edit them by hand. The NLU file, data/nlu_reviewed.yml, is checked with the
rest of the training data (`make validate`, test_training_data.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.faq_topics import load_catalogue
from content.languages import LANGUAGES
from content.new_questions import NEW_QUESTIONS_FILE, read_new_questions
from devtools.project_files import PROJECT_ROOT, REVIEWED_SAFETY_FILES, reviewed_safety_set
from review.export_yaml import DATE_COMMENT, UNKNOWN_DAY
from review.known_texts import exemplar_texts, held_out_texts, normalised, training_texts
from review.safety_export import NEAR_MISSES, SAFETY_SECTIONS, read_safety_cases

REVIEWED = {language: PROJECT_ROOT / path for language, path in REVIEWED_SAFETY_FILES.items()}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize("language", sorted(REVIEWED))
def test_a_reviewed_safety_file_has_the_safety_sets_sections(language: str) -> None:
    path = REVIEWED[language]
    assert path.exists(), "shipped even with no case: the export and the model tests read it"
    cases = read_safety_cases(path, language)  # the export's schema: raises naming the field
    as_tested = reviewed_safety_set(language)  # as tests/model/test_safety.py reads it
    assert set(as_tested) <= set(SAFETY_SECTIONS)
    texts = [
        case if isinstance(case, str) else case["text"]
        for section in SAFETY_SECTIONS
        for case in as_tested.get(section, [])
    ]
    assert texts == [case.text for case in cases]


@pytest.mark.parametrize("language", sorted(REVIEWED))
def test_a_reviewed_near_miss_names_a_known_answer_if_any(language: str) -> None:
    topics = set(load_catalogue())
    for case in read_safety_cases(REVIEWED[language], language):
        if case.section != NEAR_MISSES:
            continue
        named = case.answer.get("topic") or []
        assert set(named if isinstance(named, list) else [named]) <= topics, case.text
        assert case.answer.get("intent") in (None, "ask_interaction"), case.text


def test_no_reviewed_safety_case_is_twice_held_out_or_trained_on() -> None:
    """Test cases stay apart: from each other, the other test sets and what is trained on."""
    keys = [
        normalised(case.text)
        for language, path in REVIEWED.items()
        for case in read_safety_cases(path, language)
    ]
    assert len(keys) == len(set(keys))
    other_tests = held_out_texts(PROJECT_ROOT, leave_out=REVIEWED.values())
    trained = training_texts(PROJECT_ROOT) | exemplar_texts(PROJECT_ROOT)
    assert sorted(key for key in keys if key in other_tests or key in trained) == []


@pytest.mark.parametrize(
    "path", [*REVIEWED.values(), NEW_QUESTIONS_FILE], ids=lambda path: path.name
)
def test_below_the_header_comments_give_only_the_day(path: Path) -> None:
    """Never who labelled a message (nor anything else a reviewer may have typed)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first_data = next(number for number, line in enumerate(lines) if not line.startswith("#"))
    for line in lines[first_data:]:
        if line.lstrip().startswith("#"):
            found = DATE_COMMENT.match(line)
            assert found and (DAY.fullmatch(found.group(1)) or found.group(1) == UNKNOWN_DAY), line


def test_the_new_questions_list_is_valid_and_has_each_question_once() -> None:
    questions = read_new_questions(NEW_QUESTIONS_FILE)  # the schema: raises naming the field
    keys = [normalised(question.text) for question in questions]
    assert len(keys) == len(set(keys))
    for question in questions:
        assert DAY.fullmatch(question.labelled), question.text
        assert question.language in (None, *LANGUAGES), question.text
