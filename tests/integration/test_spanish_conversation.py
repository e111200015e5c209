"""A Spanish-speaking visitor over REST, as `make run` starts the bot (#16).

Every check is what the visitor reads: answers in Spanish, the conversation keeping its
language through "ok" and "si", switching on request, and the intake prompt saying whether
the team speaks Spanish (the shipped clinic.yml says it does not).
"""

from __future__ import annotations

from content.languages import SPANISH
from devtools.running_system import RunningSystem
from nlu_components.language_detector import detect_language

ADDICTIVE_ES = "Sí, el clonazepam puede ser adictivo"
OFFER_ES = "¿Le gustaría hablar con nuestro equipo de admisiones"


def test_a_spanish_question_gets_its_answer_and_the_offer_in_spanish(
    system: RunningSystem,
) -> None:
    # The topic's Spanish button question, which the model must answer (test_model_quality.py).
    text = system.text("es-visitor-1", "¿El clonazepam es adictivo?")
    assert ADDICTIVE_ES in text
    assert "Fuente" in text
    assert OFFER_ES in text

    replies = system.send("es-visitor-1", "si")  # the offer's "yes", typed
    prompt = "\n".join(reply.get("text", "") for reply in replies)
    assert "Nuestro equipo de admisiones atiende solo en inglés" in prompt
    assert "1-800-662-4357" in prompt  # SAMHSA, which speaks Spanish
    assert "llame al 816-555-0142" in prompt
    assert replies[-1]["buttons"][0]["url"] == "tel:+18165550142"


def test_the_conversation_keeps_its_language_until_asked_to_change(
    system: RunningSystem,
) -> None:
    assert detect_language(system.text("es-visitor-2", "hola, tengo una pregunta"))[0] == SPANISH
    # A drug name alone says nothing about the language: the conversation stays Spanish,
    # whether the client says so (the widget's metadata) or not (a bare REST client).
    reply = system.text("es-visitor-2", "klonopin?", metadata={"language": "es"})
    assert detect_language(reply)[0] == SPANISH
    assert detect_language(system.text("es-visitor-2", "rivotril?"))[0] == SPANISH
    assert detect_language(system.text("es-visitor-2", "ok"))[0] == SPANISH
    switched = system.text("es-visitor-2", "english please")
    assert "we'll continue in English" in switched
    assert "Yes, clonazepam can be addictive" in system.text("es-visitor-2", "is it addictive")
    back = system.text("es-visitor-2", "en español por favor")
    assert "seguimos en español" in back


def test_a_spanish_emergency_after_a_spanish_question_gets_911_first(
    system: RunningSystem,
) -> None:
    system.text("es-visitor-3", "cuales son los sintomas de abstinencia")
    [first, *_] = system.send("es-visitor-3", "mi hermano se tomo muchas pastillas y no despierta")
    assert first["text"].startswith("Llame al 911 ahora")


def test_the_guards_answer_in_the_visitors_language(system: RunningSystem) -> None:
    [reply] = system.send("es-visitor-4", "¿" + "por qué " * 200 + "?")
    assert "911" in reply["text"] and "demasiado largo" in reply["text"]
