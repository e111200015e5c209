"""Steps a visitor and a staff member take in the browser, shared by tests and screenshot scripts.

A staff account is made the README's way (`python -m review.cli create-account
--password-stdin`); the widget is opened on the demo page and its privacy note accepted.
"""

from __future__ import annotations

import subprocess
import sys

from playwright.sync_api import Page, expect

from devtools.project_files import PROJECT_ROOT


def create_staff_account(database_url: str, email: str, name: str, password: str) -> None:
    """Makes a staff account with the CLI, the password on standard input."""
    subprocess.run(
        [sys.executable, "-m", "review.cli", "--database-url", database_url, "create-account"]
        + ["--email", email, "--name", name, "--password-stdin"],
        input=password + "\n",
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        capture_output=True,
    )


def sign_in_staff(page: Page, review_url: str, email: str, password: str) -> None:
    """Signs in to the staff app and waits for the dashboard."""
    page.goto(review_url)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def open_widget(page: Page, website_url: str) -> None:
    """Opens the chat widget on the demo page, past its privacy note."""
    page.goto(website_url)
    page.click("#cw-launcher")
    expect(page.locator("#cw-panel")).to_be_visible()
    if page.locator("#cw-privacy").is_visible():
        page.click("#cw-privacy-ok")


def say(page: Page, text: str) -> None:
    """Types a message into the widget and waits for the bot's reply."""
    replies = page.locator(".cw-bot").count()
    page.fill("#cw-input", text)
    page.press("#cw-input", "Enter")
    expect(page.locator(".cw-bot")).not_to_have_count(replies)
    page.wait_for_timeout(600)


def widget_conversation_id(page: Page) -> str:
    """The conversation id the server issued to the widget (kept in the tab's storage)."""
    conversation_id = page.evaluate(
        """() => {
          const key = Object.keys(sessionStorage).find((k) => k.startsWith("cw:history:"));
          return key ? JSON.parse(sessionStorage.getItem(key)).session_id : null;
        }"""
    )
    assert isinstance(conversation_id, str) and conversation_id, "the widget has no conversation"
    return conversation_id
