"""The safety lines' registry keys: each has its wording, and a text's lines are found by key."""

from typing import get_args

from actions.faq_topics import SafetyLineKey
from content.safety_lines import (
    LINE_911,
    LINE_988,
    LINE_DONT_STOP,
    LINE_OF_KEY,
    LINE_WITHDRAWAL_911,
    registry_lines_in,
)


def test_every_key_the_registry_may_name_has_its_wording() -> None:
    assert sorted(LINE_OF_KEY) == sorted(get_args(SafetyLineKey))


def test_911_is_first_only_when_it_is_the_first_message() -> None:
    assert registry_lines_in(f"{LINE_911}\n\nAn answer.") == {"call_911_first"}
    assert registry_lines_in(f"An answer.\n\n{LINE_911}") == {"call_911"}
    assert registry_lines_in(f"{LINE_DONT_STOP}\n{LINE_911}\n\nMore.") == {"call_911", "dont_stop"}


def test_each_line_is_found_by_its_key() -> None:
    text = f"An answer.\n\n{LINE_WITHDRAWAL_911}\n\n{LINE_988}"
    assert registry_lines_in(text) == {"withdrawal_911", "call_988"}
    assert registry_lines_in("An answer about 911 in other words.") == set()
