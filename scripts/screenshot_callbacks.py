"""Screenshots of a callback request for docs/callbacks.md: the widget, then the staff pages.

    .venv/bin/python scripts/screenshot_callbacks.py

Starts the system itself (devtools/running_system.py, on free ports, a throw-away
database and key), asks for a callback in the widget with fictional answers, signs in
to the staff app with a throw-away account, and writes docs/callback-widget.png,
docs/callbacks-list.png and docs/callback-request.png.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from devtools.browser import launch_chromium
from devtools.browser_steps import create_staff_account, open_widget, say, sign_in_staff
from devtools.running_system import RunningSystem, running_system

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOCS = PROJECT_ROOT / "docs"
EMAIL = "intake.lead@clinic.example"
PASSWORD = "screenshot password, thrown away"
# Fictional answers: a 555-01xx number and a common first name.
ANSWERS = ("Yes, I agree", "Sam", "816 555 0142", "Evening", "English", "No, keep it discreet")


def tap(page: Page, title: str) -> None:
    """Taps the quick reply with this title and waits for the bot's reply."""
    replies = page.locator(".cw-bot").count()
    page.locator(".cw-quick-reply", has_text=title).last.click()
    expect(page.locator(".cw-bot")).not_to_have_count(replies)
    page.wait_for_timeout(600)


def widget(page: Page, system: RunningSystem) -> None:
    """The callback request in the widget, answered step by step."""
    open_widget(page, system.website_url)
    say(page, "can someone call me back this evening?")
    for answer in ANSWERS:
        if page.locator(".cw-quick-reply", has_text=answer).count():
            tap(page, answer)
        else:
            say(page, answer)
    expect(page.locator(".cw-bot").last).to_contain_text("911")
    page.screenshot(path=str(DOCS / "callback-widget.png"))


def staff_pages(page: Page, system: RunningSystem) -> None:
    """The Callbacks list and the request's page, signed in."""
    create_staff_account(system.database_url, EMAIL, "Intake Lead", PASSWORD)
    sign_in_staff(page, system.review_url, EMAIL, PASSWORD)
    page.get_by_role("link", name="Callbacks").first.click()
    expect(page.locator("body")).to_contain_text("(816) 555-0142")
    page.screenshot(path=str(DOCS / "callbacks-list.png"), full_page=True)
    page.locator("table.callbacks a").first.click()
    expect(page.locator("body")).to_contain_text("Private note")
    page.screenshot(path=str(DOCS / "callback-request.png"), full_page=True)


def main() -> None:
    """Starts the system, takes the three screenshots, stops it."""
    with tempfile.TemporaryDirectory() as logs, running_system(Path(logs)) as system:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            visitor = browser.new_page(viewport={"width": 1280, "height": 860})
            widget(visitor, system)
            staff = browser.new_page(viewport={"width": 1280, "height": 800})
            staff_pages(staff, system)
            browser.close()
    for name in ("callback-widget", "callbacks-list", "callback-request"):
        print(f"wrote docs/{name}.png")


if __name__ == "__main__":
    main()
