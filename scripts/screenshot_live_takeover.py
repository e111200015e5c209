"""Screenshots of a live takeover for docs/live-takeover.md: the staff pages, then the widget.

    .venv/bin/python scripts/screenshot_live_takeover.py

Starts the system itself (devtools/running_system.py, on free ports, a throw-away
database), asks a question in the widget, signs in to the staff app with a throw-away
account, takes the conversation over and writes to the visitor, and writes
docs/live-now.png, docs/live-conversation.png and docs/live-widget.png.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from devtools.browser import launch_chromium
from devtools.browser_steps import (
    create_staff_account,
    open_widget,
    say,
    sign_in_staff,
    widget_conversation_id,
)
from devtools.running_system import running_system

DOCS = Path(__file__).resolve().parents[1] / "docs"
EMAIL = "intake.lead@clinic.example"
PASSWORD = "screenshot password, thrown away"
STAFF_MESSAGE = "Hi, I'm Jordan from the intake team. Shall we talk about treatment options?"


def main() -> None:
    """Starts the system, takes the three screenshots, stops it."""
    with tempfile.TemporaryDirectory() as logs, running_system(Path(logs)) as system:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            staff = browser.new_page(viewport={"width": 1280, "height": 800})
            create_staff_account(system.database_url, EMAIL, "Jordan Lee", PASSWORD)
            sign_in_staff(staff, system.review_url, EMAIL, PASSWORD)
            staff.get_by_role("link", name="Live now").click()
            staff.get_by_role("button", name="I'm available for live chats").click()

            visitor = browser.new_page(viewport={"width": 1280, "height": 860})
            open_widget(visitor, system.website_url)
            say(visitor, "is klonopin addictive?")
            say(visitor, "I'd like to talk to a person about getting help")
            expect(visitor.locator(".cw-bot", has_text="can join this chat")).to_be_visible()
            conversation_id = widget_conversation_id(visitor)

            expect(staff.locator("#live-rows")).to_contain_text(conversation_id)
            staff.wait_for_timeout(600)
            staff.screenshot(path=str(DOCS / "live-now.png"), full_page=True)

            staff.locator("#live-rows tr", has_text=conversation_id).locator("a").click()
            staff.get_by_role("button", name="Take over").click()
            staff.fill("#live-text", STAFF_MESSAGE)
            staff.get_by_role("button", name="Send").click()
            expect(visitor.locator(".cw-person").last).to_contain_text("Jordan")
            visitor.fill("#cw-input", "yes please, he has been taking it for two years")
            visitor.press("#cw-input", "Enter")
            expect(staff.locator(".turn-visitor").last).to_contain_text("two years")
            staff.screenshot(path=str(DOCS / "live-conversation.png"), full_page=True)
            visitor.wait_for_timeout(600)
            visitor.screenshot(path=str(DOCS / "live-widget.png"))
            browser.close()
    for name in ("live-now", "live-conversation", "live-widget"):
        print(f"wrote docs/{name}.png")


if __name__ == "__main__":
    main()
