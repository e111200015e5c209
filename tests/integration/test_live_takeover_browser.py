"""Live takeover in real Chromium: a visitor's widget and a staff member's page side by side.

The system as `make run` starts it; the staff member signs in to the staff app, takes the
visitor's conversation over, writes, reads the visitor's reply, sees a safety message the
bot still answered, and hands back. Every step is checked on both pages, then in the audit
log.
"""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from devtools.browser_steps import (
    create_staff_account,
    open_widget,
    say,
    sign_in_staff,
    widget_conversation_id,
)
from devtools.running_system import RunningSystem

EMAIL = "live.takeover@center.example"
PASSWORD = "a long test passphrase for live chats"
STAFF_MESSAGE = "Hi, I'm Jordan from the intake team. I'm here with you."
VISITOR_REPLY = "thank you, I'm worried about my brother"
# Polling every 2 s (review/static/live.js): well within this.
PROMPTLY_MS = 10_000


def audit_actions(system: RunningSystem, conversation_id: str) -> list[str]:
    engine = sa.create_engine(system.database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.text("SELECT action FROM review_audit WHERE target = :target ORDER BY id"),
                    {"target": conversation_id},
                ).scalars()
            )
    finally:
        engine.dispose()


def test_staff_take_over_write_read_and_hand_back_while_safety_replies_go_on(
    browser: Browser, system: RunningSystem
) -> None:
    visitor: Page = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
    staff: Page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()

    open_widget(visitor, system.website_url)
    say(visitor, "is klonopin addictive?")
    conversation_id = widget_conversation_id(visitor)

    create_staff_account(system.database_url, EMAIL, "Jordan Lee", PASSWORD)
    sign_in_staff(staff, system.review_url, EMAIL, PASSWORD)
    staff.get_by_role("link", name="Live now").click()
    row = staff.locator("#live-rows tr", has_text=conversation_id)
    expect(row).to_contain_text("bot")
    row.locator("a").click()
    expect(staff.locator(".turn-visitor").first).to_contain_text("is klonopin addictive?")

    # Take over: the visitor is told a person joined.
    staff.get_by_role("button", name="Take over").click()
    expect(staff.locator("#live-holder")).to_contain_text("You are talking with this visitor")
    expect(visitor.locator(".cw-notice").last).to_contain_text("intake team has joined")
    expect(visitor.locator("#cw-with-person")).to_be_visible()

    # The staff message reaches the widget as a person's, labelled, without ratings.
    staff.fill("#live-text", STAFF_MESSAGE)
    staff.get_by_role("button", name="Send").click()
    person = visitor.locator(".cw-entry-person").last
    expect(person.locator(".cw-message.cw-person")).to_contain_text(STAFF_MESSAGE)
    expect(person.locator(".cw-person-label")).to_have_text("Intake team")
    expect(person.locator(".cw-feedback-up")).to_have_count(0)

    # The visitor's reply appears on the staff page promptly; the bot stays silent.
    bot_messages = visitor.locator(".cw-bot").count()
    visitor.fill("#cw-input", VISITOR_REPLY)
    visitor.press("#cw-input", "Enter")
    expect(staff.locator(".turn-visitor", has_text=VISITOR_REPLY)).to_be_visible(
        timeout=PROMPTLY_MS
    )
    visitor.wait_for_timeout(2_000)
    expect(visitor.locator(".cw-bot")).to_have_count(bot_messages)
    expect(visitor.locator("#cw-typing")).to_have_count(0)  # no answer promised

    # The safety net never pauses: 911 at once, and highlighted for the staff member.
    mentions_911 = visitor.locator(".cw-bot", has_text="911")
    before = mentions_911.count()
    visitor.fill("#cw-input", "my friend took too many pills and won't wake up")
    visitor.press("#cw-input", "Enter")
    expect(mentions_911).not_to_have_count(before)  # the guidance is several bubbles
    alert = staff.locator(".turn-alert-emergency", has_text="won't wake up")
    expect(alert).to_be_visible(timeout=PROMPTLY_MS)
    expect(alert).to_contain_text("Emergency: the bot sent the 911 guidance")

    # Hand back: the visitor is told, and the bot answers again.
    staff.get_by_role("button", name="Hand back").click()
    expect(staff.locator("#live-holder")).to_contain_text("The bot is answering this visitor")
    expect(visitor.locator(".cw-notice").last).to_contain_text("left the chat")
    expect(visitor.locator("#cw-with-person")).to_be_hidden()
    answered = visitor.locator(".cw-bot").count()
    say(visitor, "can I drink alcohol on klonopin?")
    assert visitor.locator(".cw-bot").count() > answered

    actions = audit_actions(system, conversation_id)
    for action in (
        "viewed live conversation",
        "took over conversation",
        "sent staff message",
        "handed back conversation",
    ):
        assert action in actions, (action, actions)
    assert actions.index("took over conversation") < actions.index("handed back conversation")
