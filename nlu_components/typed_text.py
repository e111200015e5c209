"""The text a visitor typed, told apart from a button's payload."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


def typed_text(message: Message) -> str | None:
    """The message's text if a visitor typed it; None when it is empty or a button payload.

    A button sends its payload (`/faq{"topic": ...}`, `/affirm`), which carries its intent and
    entities already: the pipeline's rule layers leave it as it is.
    """
    text = message.get(TEXT)
    if not text or text.lstrip().startswith("/"):
        return None
    return str(text)
