"""The bot as `make run` starts it: scripts/run.sh, the REST channel, the action server.

Starts both servers on free ports, talks to them over HTTP like the README's
curl line, and checks the server logs for message text.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest

from actions.faq_topics import load_catalogue
from devtools.running_system import RunningSystem


@pytest.fixture
def bot(system: RunningSystem) -> RunningSystem:
    return system


def bot_text(reply: dict[str, Any]) -> str:
    return str(reply.get("text", ""))


def test_greeting_names_the_bot_the_911_line_and_topic_buttons(bot: RunningSystem) -> None:
    replies = bot.send("visitor-greeting", "hello")
    text = "\n".join(reply["text"] for reply in replies)
    assert "automated assistant" in text
    assert "call 911 now" in text
    assert 4 <= len(replies[-1]["buttons"]) <= 6


def test_addiction_answer_then_intake_offer_then_contact(bot: RunningSystem) -> None:
    # Rasa's channels send each paragraph ("\n\n") of a response as its own message.
    replies = bot.send("visitor-intake", "is klonopin addictive")
    answer = "\n".join(reply.get("text", "") for reply in replies[:-1])
    assert "Yes, clonazepam can be addictive" in answer
    assert "Source: FDA Klonopin label, 2021" in answer
    offer = replies[-1]  # uttered by a rule after the action server said it is due
    assert "Would you like to talk to our intake team" in offer["text"]
    assert [button["payload"] for button in offer["buttons"]] == ["/affirm", "/deny"]

    [*_, prompt] = bot.send("visitor-intake", "yes please")
    assert "Our intake team at Empowered Recovery Center is available now" in bot_text(prompt)
    assert prompt["buttons"][0]["url"] == "tel:+18165550142"  # from clinic.yml

    second = bot.text("visitor-intake", "what does withdrawal feel like")
    assert "Withdrawal is how the body reacts" in second
    assert "Would you like to talk to our intake team" not in second  # offered once only


@pytest.mark.parametrize(
    "message, expected",
    [
        ("what is rivotril", "Rivotril"),
        ("can i just quit klonopin", "Don't stop taking clonazepam or cut down on your own"),
        ("whats the weather", "I can only help with questions about clonazepam"),
        ("how many mg should i take", "I can't give doses"),
        ("can i take it while pregnant", "I can't advise on your own treatment"),
    ],
)
def test_questions_from_the_brief(bot: RunningSystem, message: str, expected: str) -> None:
    assert expected in bot.text(f"visitor-{abs(hash(message))}", message)


@pytest.mark.parametrize(
    "message",
    [
        "what is a normal dosage of klonopin",
        "What is the dose of Klonopin?",
        "what color is the clonazepam",
        "can you write me a prescription",
    ],
)
def test_dose_pill_and_prescription_questions_are_referred_never_answered(
    bot: RunningSystem, message: str
) -> None:
    replies = [bot_text(reply) for reply in bot.send(f"visitor-{abs(hash(message))}", message)]
    assert replies[0].startswith("I can't give doses")
    assert "doctor or pharmacist" in " ".join(replies)
    assert not any(reply.startswith("Source:") for reply in replies)  # no FAQ answer


def test_where_the_center_is_comes_with_the_intake_teams_number(bot: RunningSystem) -> None:
    replies = bot.send("visitor-location", "where is your treatment center located")
    assert "Empowered Recovery Center is in the Kansas City area" in bot_text(replies[0])
    prompt = replies[-1]
    assert "Our intake team at Empowered Recovery Center" in bot_text(prompt)
    assert prompt["buttons"][0]["url"] == "tel:+18165550142"  # from clinic.yml


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            "can i take klonopin with my trazodone",
            ["Trazodone (a medicine for depression) with clonazepam", "should be avoided"],
        ),
        ("klonopin and xanax together?", ["Xanax (another benzodiazepine)", "deadly"]),
        (
            "can i take klonopin with xanax and a beer",
            ["Xanax (another benzodiazepine)", "Alcohol with clonazepam", "deadly"],
        ),
        ("can i take ibuprofen with klonopin", ["I can't tell you about Ibuprofen", "pharmacist"]),
        # Drugs that slow down the brain and body, like alcohol and opioids (#13).
        ("is it ok to take klonopin with ghb", ["GHB (sodium oxybate", "deadly"]),
        ("klonopin and phenobarbital together", ["Phenobarbital (a barbiturate", "deadly"]),
        ("can i take soma with my klonopin", ["Soma (a muscle relaxant", "deadly"]),
        ("can i take ambien and klonopin", ["Ambien (a sleeping pill", "deadly"]),
        # Antihistamines the article does not name: a pharmacist, not "one to avoid".
        ("is it ok to take claritin with klonopin", ["I can't tell you about Claritin"]),
        ("can i take zyrtec with my klonopin", ["I can't tell you about Zyrtec"]),
    ],
)
def test_interaction_answer_names_each_substance_then_the_advice(
    bot: RunningSystem, message: str, expected: list[str]
) -> None:
    replies = [bot_text(reply) for reply in bot.send(f"visitor-{abs(hash(message))}", message)]
    answer = "\n".join(replies)
    for words in expected:
        assert 0 <= answer.find(words) < answer.find("Please talk to your doctor or pharmacist")
    assert replies[-1].startswith("Source:")
    assert " safe" not in answer.lower()
    # The 911 line: in each dangerous answer itself, or else once in the advice.
    advice = answer[answer.find("Please talk to your doctor or pharmacist") :]
    if "deadly" in expected:
        assert "call 911 now" in replies[0]
        assert "call 911" not in advice
    else:
        assert answer.count("call 911 now") == 1


def test_sign_up_for_treatment_gets_the_intake_prompt(bot: RunningSystem) -> None:
    [*_, prompt] = bot.send("visitor-sign-up", "how do I sign up for treatment")
    assert "Our intake team at Empowered Recovery Center" in bot_text(prompt)
    urls = [button.get("url") for button in prompt["buttons"]]
    assert urls[:2] == ["tel:+18165550142", "https://example.org/verify-insurance"]


def test_unclear_question_offers_three_topics_and_none_of_these(bot: RunningSystem) -> None:
    [*_, reply] = bot.send("visitor-unclear", "klonopin body stuff")
    assert reply["text"].startswith("I'm not sure I understood")
    questions = {topic.question for topic in load_catalogue().values()}
    payloads = [button["payload"] for button in reply["buttons"]]
    assert len(payloads) == 4 and set(payloads[:3]) <= questions
    assert payloads[3] == "/deny"

    rephrase = bot.text("visitor-unclear", "/deny")
    assert "Could you say it in another way?" in rephrase


def test_no_message_text_in_the_logs(bot: RunningSystem) -> None:
    secret = "my neighbour zyxwvut takes clonazepam"
    bot.send("visitor-logs", secret)
    time.sleep(1)
    log = bot.log_file.read_text()
    assert "zyxwvut" not in log
    assert "is klonopin addictive" not in log


def test_conversations_are_stored_redacted_in_the_database(bot: RunningSystem) -> None:
    bot.send("visitor-storage", "my name is Dana Whitfield, call me at 816.555.0199")
    with sqlite3.connect(bot.database) as connection:
        stored = [
            data
            for (data,) in connection.execute(
                "SELECT data FROM events WHERE sender_id = 'visitor-storage'"
            )
        ]
    assert any("my name is [NAME], call me at [PHONE]" in data for data in stored)
    assert not any("Whitfield" in data or "816.555.0199" in data for data in stored)
