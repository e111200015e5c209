"""Which part of a long message is the question it asks, not the story told before it.

A forum-style post tells a story before it asks: "Been on 0.5mg klonopin for three weeks. I
drool in my sleep and get dizzy. Are these normal side effects?" The amount is background;
the question is about side effects. In a message of two or more sentences and at least
`LONG_MESSAGE_WORDS` words, the question is every sentence ending in "?" and the last
sentence (typed questions often end without one). A shorter message ("i'm on 2mg. is that a
lot?") is read whole.

Pattern routers use it for patterns marked `only_in_question`; FaqNeighbours asks the nearest
training examples about the question alone as well as about the whole message.
"""

from __future__ import annotations

import re

# A sentence ends at ., ! or ? followed by a space, or at a line break ("0.5mg" is not cut).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
# Shorter messages are read whole: "I'm on 2mg. Is that a lot?" asks about the 2 mg.
LONG_MESSAGE_WORDS = 20


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each non-empty sentence of `text`."""
    spans, start = [], 0
    for boundary in SENTENCE_END.finditer(text):
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    return [(first, last) for first, last in spans if text[first:last].strip()]


def question_spans(text: str) -> list[tuple[int, int]] | None:
    """The sentences a long message asks, or None when the message is read whole."""
    spans = sentence_spans(text)
    if len(spans) < 2 or len(text.split()) < LONG_MESSAGE_WORDS:
        return None
    asking = [span for span in spans if text[span[0] : span[1]].rstrip().endswith("?")]
    # The last sentence asks too, "?" or not: "... is it like a hospital? what is detox"
    return asking if spans[-1] in asking else [*asking, spans[-1]]


def question_of(text: str) -> str | None:
    """The question of a long message as one text, or None when the message is read whole."""
    spans = question_spans(text)
    return None if spans is None else " ".join(text[a:b].strip() for a, b in spans)


def question_mask(text: str, word_starts: list[int]) -> list[bool]:
    """For each word (by its start offset in `text`), whether it is in the question.

    Every word is, in a message read whole.
    """
    spans = question_spans(text)
    if spans is None:
        return [True] * len(word_starts)
    return [any(first <= start < last for first, last in spans) for start in word_starts]
