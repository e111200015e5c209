"""The staff review app in a real browser (Debian chromium + Playwright), as `make run` starts it.

A visitor's message carrying a script reaches the bot; a member of staff signs
in, filters to emergencies, opens the transcript and sees the script as text,
with nothing run.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from devtools.browser_steps import create_staff_account
from devtools.running_system import RunningSystem

PAYLOAD = '<script>window.pwned = true</script><img src=x onerror="window.pwned = true">'
EMAIL = "browser.test@center.example"
PASSWORD = "a long test passphrase"


def test_staff_filter_to_emergencies_and_read_a_script_payload_as_text(
    page: Page, system: RunningSystem
) -> None:
    reply = system.text(
        "review-browser-1", f"{PAYLOAD} my friend took too many pills and won't wake up"
    )
    assert "911" in reply
    system.text("review-browser-2", "is klonopin addictive")
    create_staff_account(system.database_url, EMAIL, "Browser Test", PASSWORD)

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(system.review_url)
    expect(page).to_have_url(f"{system.review_url}login?next=/")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="Conversations").click()
    page.get_by_label("Emergency (911 guidance)").check()
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.conversations tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():  # other tests' emergencies may be listed too: all flagged
        expect(row).to_contain_text("Emergency (911 guidance)")
    ours = rows.filter(has_text="window.pwned")
    expect(ours).to_have_count(1)
    expect(ours).to_contain_text("won't wake up")

    ours.locator("a").click()
    visitor_turn = page.locator(".turn-visitor .text").first
    expect(visitor_turn).to_contain_text(PAYLOAD)  # shown as text, character for character
    expect(page.locator(".turn-visitor")).to_contain_text("report_emergency")
    expect(page.locator(".flags")).to_contain_text("Emergency (911 guidance)")
    assert page.locator(".transcript script, .transcript img").count() == 0
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
