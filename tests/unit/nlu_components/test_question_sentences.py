"""Which words of a message belong to its question (nlu_components/question_sentences.py)."""

from __future__ import annotations

import pytest

from nlu_components.question_sentences import question_mask, question_of, sentence_spans
from nlu_components.safety_patterns import located_words

STORY = (
    "Been on 0.5mg klonopin for about three weeks. I'm noticing I drool a little in my sleep "
    "and I get dizzy when I stand up fast. Are these normal side effects or should I worry?"
)


def asked_words(text: str) -> list[str]:
    """The words `question_mask` puts in the question."""
    words, _, starts = located_words(text)
    mask = question_mask(text.lower(), starts)
    return [word for word, asked in zip(words, mask, strict=True) if asked]


def test_a_decimal_amount_does_not_end_a_sentence() -> None:
    assert [STORY[a:b] for a, b in sentence_spans(STORY)][0] == (
        "Been on 0.5mg klonopin for about three weeks."
    )


def test_in_a_long_story_only_the_question_sentence_asks() -> None:
    assert asked_words(STORY) == "are these normal side effects or should i worry".split()


def test_without_a_question_mark_the_last_sentence_asks() -> None:
    text = STORY.replace("?", ".")
    assert asked_words(text)[:3] == ["are", "these", "normal"]


def test_a_last_sentence_without_a_question_mark_asks_too() -> None:
    # voice-to-text and quick typing drop the last "?": the question is both sentences
    text = (
        "Our son has been buying klonopin on the street for a year and wants help now. "
        "Someone told us he should go to detox first, is it like a hospital? what is detox"
    )
    assert question_of(text) == (
        "Someone told us he should go to detox first, is it like a hospital? what is detox"
    )
    assert "buying" not in asked_words(text)


@pytest.mark.parametrize(
    "text",
    ["I'm on 1mg. Is that a lot?", "my doctor has me on 2 mg twice a day is that normal"],
)
def test_a_short_message_is_read_whole(text: str) -> None:
    words, _, _ = located_words(text)
    assert asked_words(text) == words


def test_the_question_of_a_long_story_is_its_question_sentence() -> None:
    assert question_of(STORY) == "Are these normal side effects or should I worry?"


def test_a_short_message_has_no_separate_question() -> None:
    assert question_of("I'm on 1mg. Is that a lot?") is None
