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
from tests.running_system import RunningSystem


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
        ("can i just quit klonopin", "Talk to your doctor before stopping"),
        ("whats the weather", "I can only help with questions about clonazepam"),
        ("how many mg should i take", "I can't advise on your own treatment"),
    ],
)
def test_questions_from_the_brief(bot: RunningSystem, message: str, expected: str) -> None:
    assert expected in bot.text(f"visitor-{abs(hash(message))}", message)


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            "can i take klonopin with my trazodone",
            ["Trazodone (a medicine for depression) with clonazepam", "unwanted reactions"],
        ),
        ("klonopin and xanax together?", ["Xanax (another benzodiazepine)", "life-threatening"]),
        ("is it ok with zyrtec", ["Zyrtec (", "unwanted reactions"]),
        (
            "can i take klonopin with xanax and a beer",
            ["Xanax (another benzodiazepine)", "Alcohol with clonazepam", "life-threatening"],
        ),
        ("can i take ibuprofen with klonopin", ["I can't tell you about Ibuprofen", "pharmacist"]),
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


def test_sign_up_for_treatment_gets_the_intake_prompt(bot: RunningSystem) -> None:
    [*_, prompt] = bot.send("visitor-sign-up", "how do I sign up for treatment")
    assert "Our intake team at Empowered Recovery Center" in bot_text(prompt)
    urls = [button.get("url") for button in prompt["buttons"]]
    assert urls[:2] == ["tel:+18165550142", "https://example.org/verify-insurance"]


def test_unclear_question_offers_three_topics_and_none_of_these(bot: RunningSystem) -> None:
    [*_, reply] = bot.send("visitor-unclear", "klonopin and my body")
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
