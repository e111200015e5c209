"""Callback requests over REST on the running system: consent, answers, and what is stored."""

from __future__ import annotations

import sqlite3

import pytest
from cryptography.fernet import MultiFernet

from devtools.running_system import RunningSystem
from storage import callbacks
from storage.callback_keys import load_cipher


@pytest.fixture
def bot(system: RunningSystem) -> RunningSystem:
    return system


def cipher_of(bot: RunningSystem) -> MultiFernet:
    cipher = load_cipher({"CALLBACK_KEY_FILE": str(bot.callback_key_file)})
    assert cipher is not None
    return cipher


def stored(bot: RunningSystem, table: str, sender: str) -> str:
    """Every stored column of one conversation's rows in a table, as text."""
    with sqlite3.connect(bot.database) as connection:
        rows = connection.execute(f"SELECT * FROM {table} WHERE sender_id = ?", (sender,))
        return repr(rows.fetchall())


def test_a_visitor_agrees_answers_and_the_request_reaches_staff_encrypted(
    bot: RunningSystem,
) -> None:
    sender = "visitor-callback"
    consent = bot.text(sender, "could someone from your team call me back tomorrow")
    assert "encrypted" in consent and "30 days" in consent and "voluntary" in consent
    assert "first name" in bot.text(sender, "yes")
    assert "What number should we call" in bot.text(sender, "Sam")
    refused = bot.text(sender, "12345")
    assert "doesn't look like a phone number" in refused and "What number" in refused
    assert "best time to call" in bot.text(sender, "816 555 0142")
    assert "Which language" in bot.text(sender, "Tuesdays after work")
    assert "voicemail" in bot.text(sender, "English")
    done = bot.text(sender, "/deny")
    assert "Your request is with our intake team" in done and "(816) 555-0142" in done

    [request] = [
        found
        for found in callbacks.list_requests(
            callbacks.connect(bot.database_url), cipher_of(bot), "new"
        )
        if found.sender_id == sender
    ]
    assert request.details == callbacks.CallbackDetails(
        name="Sam",
        phone="+18165550142",
        best_time="Tuesdays after work",
        language="en",
        voicemail_may_name_center=False,
    )
    raw_request = stored(bot, "review_callback", sender)
    conversation = stored(bot, "events", sender)
    # The number as typed and as stored; not its last digits alone, which a stored
    # confidence such as 0.9958760142 can hold by chance.
    for secret in ("816 555 0142", "5550142", "Sam", "Tuesdays after work"):
        assert secret not in raw_request
        assert secret not in conversation
    assert "[PHONE]" in conversation and "[NAME]" in conversation


def test_refusing_consent_stores_nothing(bot: RunningSystem) -> None:
    sender = "visitor-callback-refused"
    bot.text(sender, "i would like someone to call me back")
    assert "nothing was stored" in bot.text(sender, "no thanks")
    assert stored(bot, "review_callback", sender) == "[]"
    # The conversation goes on as before.
    assert "addictive" in bot.text(sender, "is klonopin addictive")


@pytest.mark.parametrize("answers", [["yes"], ["yes", "Sam"], ["yes", "/deny", "816 555 0142"]])
def test_cancelling_at_any_step_deletes_what_was_given(
    bot: RunningSystem, answers: list[str]
) -> None:
    sender = f"visitor-callback-cancel-{len(answers)}"
    bot.text(sender, "can i get a callback")
    for answer in answers:
        bot.text(sender, answer)
    assert "Cancelled" in bot.text(sender, "cancel")
    assert stored(bot, "review_callback", sender) == "[]"


def test_an_emergency_in_the_middle_gets_911_first_and_ends_the_request(
    bot: RunningSystem,
) -> None:
    sender = "visitor-callback-emergency"
    bot.text(sender, "please have somebody phone me")
    bot.text(sender, "yes")
    bot.text(sender, "Sam")
    replies = bot.send(sender, "my friend took a bunch of her klonopin and she won't wake up")
    assert "Call 911 now" in replies[0]["text"]
    assert stored(bot, "review_callback", sender) == "[]"
    # The form is over: a number now is not taken as the callback number.
    assert "What number" not in bot.text(sender, "ok")


def test_a_spanish_visitor_gets_the_form_in_spanish(bot: RunningSystem) -> None:
    sender = "visitor-callback-es"
    consent = bot.text(sender, "¿me pueden llamar mañana por la tarde?")
    assert "cifrado" in consent and "30 días" in consent
    assert "nombre" in bot.text(sender, '/affirm{"language": "es"}')
    assert "número" in bot.text(sender, "Ana")  # a bare name keeps the form in Spanish
