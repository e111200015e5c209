"""LanguageDetector: Spanish visitors are recognised, everything else stays English."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.language_detector import (
    ENGLISH,
    LANGUAGE_ENTITY,
    SPANISH,
    LanguageDetector,
    detect_language,
    is_undecided,
    language_and_confidence,
    language_detector,
)


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(LanguageDetector.get_default_config())


def processed(detector: LanguageDetector, text: str, **data: Any) -> Message:
    [message] = detector.process([Message(data={"text": text, **data})])
    return message


def languages(detector: LanguageDetector, text: str) -> list[str]:
    entities = processed(detector, text).get("entities", [])
    return [entity["value"] for entity in entities if entity["entity"] == LANGUAGE_ENTITY]


SPANISH_MESSAGES = [
    # Crisis and emergencies, mostly without accents.
    "mi hijo tomo muchas pastillas y no despierta",
    "ya no quiero vivir",
    "ayuda por favor",
    "me quiero morir",
    "tengo ganas de matarme",
    "pienso en suicidarme",
    "mi esposo no respira",
    "se tomo todo el frasco",
    "mi hermano convulsiona",
    "no se despierta",
    "necesito ayuda urgente",
    "mi hija esta inconsciente",
    "no aguanto mas",
    # Questions.
    "cuanto tarda en salir del cuerpo",
    "cuánto tiempo dura el efecto",
    "que pasa si lo mezclo con alcohol",
    "puedo tomar clonazepam con cerveza",
    "es adictivo el clonazepam",
    "quiero dejar el rivotril",
    "estoy embarazada puedo tomarlo",
    "cuales son los efectos secundarios",
    "se puede tomar con ibuprofeno",
    "hablan español?",
    "donde queda la clinica",
    # Text-speak.
    "q pasa si tomo 2",
    "xq me da sueño",
    # Greetings and single Spanish-only words.
    "hola",
    "Hola!",
    "hola buenas tardes",
    "buenas noches",
    "gracias",
    "adios",
    "adiós",
    "auxilio",
    "socorro",
    "dosis mortal rivotril",
    # Spanglish: Spanish grammar around English words (lingua alone: English).
    "my roommate se tomo like 10 k pins con lean y ahora esta snoring, que hago",
    "honestly ya no quiero estar aqui, i just want it all to stop",
]

ENGLISH_MESSAGES = [
    "kpins and beer ok?",
    "is klonopin addictive",
    "my bf took 5 k pins",
    "can i drink on klonopin",
    "how long does it stay in ur system",
    "wat happens if i mix it w xanax",
    "how much clonazepam is too much",
    "can u take it while pregnant",
    "side efects?",
    "withdrawl symptoms",
    "benzo withdrawl seizures",
    "can i od on klonopin",
    "I took 2 mg of clonazepam last nite",
    "i want to die",
    "help me please",
    "my son took a lot of pills",
    "he wont wake up",
    "my mom is not breathing",
    "is 2mg a lot",
    "can i drive on clonazepam",
    "where is the clinic",
    "im so anxious rn",
    "lol ok",
    "no thanks",
    "hello",
    "thx",
    # Short English with drug words that lingua alone called Spanish (0.65-0.69).
    "is clonazepam a benzo?",
    "how do ppl OD on benzos",
    # One or two Spanish words in English grammar stay English.
    "can i take klonopin con alcohol",
    "my tia took her klonopin and now shes asleep",
]

AMBIGUOUS_SHORT = ["ok", "no", "yes", "si", "a", "k", "ya", "no no no", "clonazepam", "rivotril"]


@pytest.mark.parametrize("text", SPANISH_MESSAGES)
def test_spanish_messages_are_spanish(detector: LanguageDetector, text: str) -> None:
    assert detect_language(text)[0] == SPANISH
    assert languages(detector, text) == [SPANISH]


@pytest.mark.parametrize("text", ENGLISH_MESSAGES)
def test_english_messages_are_english(detector: LanguageDetector, text: str) -> None:
    assert detect_language(text)[0] == ENGLISH
    assert languages(detector, text) == []  # English is the default: no entity


@pytest.mark.parametrize("text", AMBIGUOUS_SHORT)
def test_short_ambiguous_words_stay_english(detector: LanguageDetector, text: str) -> None:
    assert detect_language(text)[0] == ENGLISH
    assert languages(detector, text) == []


UNDECIDED = ["ok", "no", "si", "k", "klonopin?", "Rivotril", "911", "2mg", "???", "🙂", "clonas"]


@pytest.mark.parametrize("text", UNDECIDED)
def test_undecided_message_keeps_the_spanish_conversation_spanish(
    detector: LanguageDetector, text: str
) -> None:
    """The widget says the conversation is in Spanish: "ok" or "klonopin?" is answered in it."""
    assert is_undecided(text)
    spanish_conversation = {"metadata": {"language": "es"}}
    assert languages(detector, text) == []
    message = processed(detector, text, **spanish_conversation)
    assert [e["value"] for e in message.get("entities") if e["entity"] == LANGUAGE_ENTITY] == [
        SPANISH
    ]


@pytest.mark.parametrize(
    "text", ["what about alcohol", "is klonopin addictive", "thanks", "my son takes rivotril"]
)
def test_english_message_in_a_spanish_conversation_gets_no_spanish_entity(
    detector: LanguageDetector, text: str
) -> None:
    """A message that is English says so (the slot goes back to "en" in domain.yml)."""
    assert not is_undecided(text)
    message = processed(detector, text, metadata={"language": "es"})
    assert not message.get("entities")


@pytest.mark.parametrize("metadata", [{"language": "en"}, {"language": "fr"}, {}, "es", ["es"]])
def test_other_or_malformed_metadata_changes_nothing(
    detector: LanguageDetector, metadata: Any
) -> None:
    assert not processed(detector, "ok", metadata=metadata).get("entities")


@pytest.mark.parametrize("text", ["", "   ", "???", "12345", "🙂"])
def test_text_without_words_is_english(text: str) -> None:
    assert detect_language(text) == (ENGLISH, 1.0)


@pytest.mark.parametrize("text", ["/greet", '/inform{"substance": "Xanax"}', " /affirm"])
def test_button_payloads_are_left_alone(detector: LanguageDetector, text: str) -> None:
    assert processed(detector, text).get("entities") is None


def test_message_without_text_is_left_alone(detector: LanguageDetector) -> None:
    [message] = detector.process([Message(data={})])
    assert message.get("entities") is None


def test_entity_shape_and_existing_entities_kept(detector: LanguageDetector) -> None:
    existing = {"entity": "substance", "start": 24, "end": 31, "value": "alcohol"}
    message = processed(detector, "que pasa si lo mezclo con alcohol", entities=[existing])
    entities = message.get("entities")
    assert entities[0] == existing
    assert len(entities) == 2
    language = entities[1]
    assert set(language) == {"entity", "value", "start", "end", "confidence", "extractor"}
    assert language["entity"] == "language"
    assert language["value"] == "es"
    assert (language["start"], language["end"]) == (0, 0)
    assert language["extractor"] == "LanguageDetector"
    assert isinstance(language["confidence"], float)
    assert 0.6 <= language["confidence"] <= 1.0
    assert "entities" in message.output_properties


def test_english_confidence_is_a_probability() -> None:
    language, confidence = detect_language("is klonopin addictive")
    assert language == ENGLISH
    assert 0.5 < confidence <= 1.0


def test_only_the_spanish_messages_of_a_batch_get_the_entity(detector: LanguageDetector) -> None:
    messages = [Message(data={"text": text}) for text in ("hola", "hello", "/greet")]
    detector.process(messages)
    assert [
        [entity["value"] for entity in message.get("entities", [])] for message in messages
    ] == [["es"], [], []]


@pytest.mark.parametrize("text", ["ayuda por favor", "kpins and beer ok?", "hola", "no"])
def test_deterministic(detector: LanguageDetector, text: str) -> None:
    first = language_and_confidence(text)
    assert all(language_and_confidence(text) == first for _ in range(5))
    assert processed(detector, text).get("entities") == processed(detector, text).get("entities")


def test_detector_is_built_once() -> None:
    assert language_detector() is language_detector()


def test_training_data_is_returned_unchanged(detector: LanguageDetector) -> None:
    training_data = TrainingData([Message(data={"text": "hola", "intent": "greet"})])
    assert detector.process_training_data(training_data) is training_data
    assert training_data.training_examples[0].get("entities") is None


def test_create_and_required_packages() -> None:
    component = LanguageDetector.create(
        LanguageDetector.get_default_config(),
        None,
        None,
        None,
    )
    assert isinstance(component, LanguageDetector)
    assert LanguageDetector.required_packages() == ["lingua"]
