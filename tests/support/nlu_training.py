"""Training data built inline for the NLU components' tests."""

from __future__ import annotations

from collections.abc import Sequence

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def training_data(rows: Sequence[tuple[str, str, str | None]]) -> TrainingData:
    """(text, intent, answer) rows as Rasa's reader gives them: the answer `faq/<topic>` or None."""
    examples = []
    for text, intent, answer in rows:
        data = {"text": text, "intent": intent}
        if answer:
            data["intent_response_key"] = answer
        examples.append(Message(data=data))
    return TrainingData(training_examples=examples)
