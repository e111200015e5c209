"""The content review sheet: every response, its article section and safety lines, up to date."""

from pathlib import Path

import pytest

from actions.faq_topics import load_catalogue
from content.article import section
from content.new_questions import NewQuestion
from content.safety_lines import LINE_911, safety_lines_in
from content.sheet import (
    QUESTIONS_HEADING,
    SHEET_FILE,
    SIGN_OFF_END,
    content_version,
    load_groups,
    load_responses,
    render_body,
    render_sheet,
    sign_off_rows,
)

RESPONSES = load_responses()
GROUPS = load_groups()
SIGNED = "| Dr. A. Example | Medical director | 2026-12-03 | abc1234 | 0123456789ab | |"


@pytest.fixture(scope="module")
def body() -> str:
    return render_body()


def test_every_response_is_in_the_sheet_once() -> None:
    grouped = [name for group in GROUPS for name in group.responses]
    faq = [name for name in RESPONSES if name.startswith("utter_faq/")]
    assert len(grouped) == len(set(grouped))
    assert sorted(grouped + faq) == sorted(RESPONSES)


@pytest.mark.parametrize("topic", sorted(load_catalogue()))
def test_every_topic_names_a_section_of_the_article(topic: str) -> None:
    assert section(load_catalogue()[topic].article_section) is not None


def test_every_group_names_a_section_of_the_article_or_none() -> None:
    for group in GROUPS:
        assert group.article_section is None or section(group.article_section) is not None


def test_the_sheet_quotes_every_text_the_assistant_can_say(body: str) -> None:
    for name, variations in RESPONSES.items():
        for variation in variations:
            first_line = variation["text"].splitlines()[0]
            assert f"> {first_line}" in body, name


def test_the_sheet_names_the_safety_lines_of_each_answer(body: str) -> None:
    overdose = body.split("(`faq/overdose`)", 1)[1].split("###", 1)[0]
    assert "**Safety lines:** 911 first" in overdose
    assert safety_lines_in(f"Hello.\n\n{LINE_911}") == ["911"]


def test_the_committed_sheet_is_up_to_date() -> None:
    committed = SHEET_FILE.read_text(encoding="utf-8")
    assert committed == render_sheet(sign_off_rows(committed)), "run `make content-sheet`"


def test_sign_off_rows_are_kept_and_the_version_follows_the_content(tmp_path: Path) -> None:
    sheet = render_sheet([SIGNED])
    assert sign_off_rows(sheet) == [SIGNED]
    assert sheet.index(SIGNED) < sheet.index(SIGN_OFF_END)
    body = sheet.split(SIGN_OFF_END, 1)[1].lstrip("\n").split(f"\n{QUESTIONS_HEADING}", 1)[0]
    assert body == render_body()
    assert f"Content version `{content_version(body)}`" in sheet
    assert content_version(body) != content_version(body.replace("911", "912"))


def test_a_sheet_without_a_sign_off_table_has_no_rows() -> None:
    assert sign_off_rows("# Some other file\n| a | b |\n") == []


def test_the_visitors_new_questions_are_listed_at_the_end_outside_the_content_version() -> None:
    questions = [
        NewQuestion(text="hows the food at the clinic", labelled="2026-12-06", language="en"),
        NewQuestion(text="tienen  estacionamiento?", labelled="2026-12-07", language="es"),
        NewQuestion(text="<b>call</b> me | [PHONE] *now*", labelled="2026-12-08"),
    ]
    sheet = render_sheet([], questions=questions)
    empty = render_sheet([], questions=[])
    section = sheet.split(QUESTIONS_HEADING, 1)[1]
    assert sheet.index(QUESTIONS_HEADING) > sheet.index("## FAQ answers")
    assert "| 2026-12-06 | English | hows the food at the clinic |" in section
    assert "| 2026-12-07 | Spanish | tienen estacionamiento? |" in section
    assert (
        "| 2026-12-08 | not recorded | \\<b\\>call\\</b\\> me \\| \\[PHONE\\] \\*now\\* |"
        in section
    )
    assert "None yet." in empty.split(QUESTIONS_HEADING, 1)[1]
    # The questions are not content: the version a clinician signed off stays.
    assert sheet.split(QUESTIONS_HEADING, 1)[0] == empty.split(QUESTIONS_HEADING, 1)[0]
