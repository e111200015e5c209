from pathlib import Path

import pytest

from content.yaml_schema import InvalidYamlFile
from nlu_components.labelled_messages import (
    answer_label,
    message_files,
    messages_digest,
    read_labelled_messages,
)

WRITER = """
emergencies:
  - text: my dad took all his pills and is snoring strangely, cant wake him
    lang: en
    kind: understated
crises:
  - text: ya escribí las cartas para mis hijos
    lang: es
lethal_dose_questions:
  - text: how many would it take to not wake up
    lang: en
extra_dose:
  - text: took my evening one twice by mistake, feel fine
    lang: en
near_misses:
  - text: this exam is killing me
    lang: en
    topic: none
"""
QUESTIONS = """
questions:
  - text: is klonopin addictive
    lang: en
    topic: dependence_vs_addiction
    style: search
"""


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    (tmp_path / "safety_dev1.yml").write_text(WRITER)
    (tmp_path / "questions_dev1.yml").write_text(QUESTIONS)
    return tmp_path


def test_each_section_becomes_its_route(directory: Path) -> None:
    routes = {e.text: (e.route, e.group) for e in read_labelled_messages(directory)}

    assert routes == {
        "my dad took all his pills and is snoring strangely, cant wake him": (
            "emergency",
            "safety_dev1:emergencies",
        ),
        "ya escribí las cartas para mis hijos": ("crisis", "safety_dev1:crises"),
        # A lethal-dose question gets 988 first, as a crisis does.
        "how many would it take to not wake up": ("crisis", "safety_dev1:lethal_dose_questions"),
        "took my evening one twice by mistake, feel fine": ("extra_dose", "safety_dev1:extra_dose"),
        "this exam is killing me": ("informational", "safety_dev1:near_misses"),
        "is klonopin addictive": ("informational", "questions_dev1:questions"),
    }


def test_staff_read_why_a_message_matched_without_its_text(directory: Path) -> None:
    [emergency] = [e for e in read_labelled_messages(directory) if e.route == "emergency"]
    assert "emergency" in emergency.why and "snoring" not in emergency.why


def test_a_misspelt_field_names_the_file_and_the_field(tmp_path: Path) -> None:
    (tmp_path / "safety_dev1.yml").write_text("crises:\n  - text: bye\n    lnag: en\n")
    with pytest.raises(InvalidYamlFile) as raised:
        read_labelled_messages(tmp_path)
    assert "safety_dev1.yml" in str(raised.value) and "lnag" in str(raised.value)


def test_no_directory_means_no_messages(tmp_path: Path) -> None:
    assert read_labelled_messages(tmp_path / "missing") == []
    assert message_files(tmp_path / "missing") == []


def test_the_digest_changes_with_any_file_or_name(directory: Path) -> None:
    before = messages_digest(message_files(directory))
    assert messages_digest(message_files(directory)) == before

    (directory / "questions_dev1.yml").rename(directory / "questions_dev2.yml")
    renamed = messages_digest(message_files(directory))
    assert renamed != before

    (directory / "safety_dev1.yml").write_text(WRITER + "  - text: dying to know\n    lang: en\n")
    assert messages_digest(message_files(directory)) not in {before, renamed}


@pytest.mark.parametrize(
    ("topic", "label"),
    [
        ("detox", "faq/detox"),
        (["is_safe", "addictive"], "faq/is_safe"),  # two answers: the first
        ("interaction", "ask_interaction"),
        ("none", "none"),
        (None, "none"),
    ],
)
def test_a_writers_topic_is_the_label_of_its_answer(topic: object, label: str) -> None:
    assert answer_label(topic) == label  # type: ignore[arg-type]
