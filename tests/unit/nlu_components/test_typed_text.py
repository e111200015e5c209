import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.typed_text import typed_text


@pytest.mark.parametrize("text", ["is klonopin addictive?", "1/2 a pill is it ok?"])
def test_a_typed_message_is_read(text: str) -> None:
    assert typed_text(Message(data={"text": text})) == text


@pytest.mark.parametrize("text", ["", '/faq{"topic": "overdose"}', "  /affirm"])
def test_a_button_payload_or_an_empty_message_is_left_alone(text: str) -> None:
    assert typed_text(Message(data={"text": text})) is None


def test_a_message_without_text_is_left_alone() -> None:
    assert typed_text(Message(data={})) is None
