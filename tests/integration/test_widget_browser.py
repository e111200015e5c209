"""The chat widget in a real browser (Debian chromium + Playwright) on the running system.

The demo page of `make run` is opened as a visitor would; every check is something
a visitor sees or does. Playwright's own browsers are never installed: the
Debian `chromium` package is launched directly (.ci/run installs it).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from devtools.processes import free_port
from devtools.project_files import PROJECT_ROOT
from devtools.running_system import RunningSystem

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ADDICTIVE_ANSWER = "Yes, clonazepam can be addictive"
# The intake call prompt; the offer before it also says "our intake team", so not that alone.
INTAKE_PROMPT = "Our intake team at Empowered Recovery Center"
BOT = ".cw-message.cw-bot"
USER = ".cw-message.cw-user"


def open_widget(page: Page, system: RunningSystem) -> None:
    page.goto(system.website_url)
    page.click("#cw-launcher")
    expect(page.locator("#cw-panel")).to_be_visible()
    if page.locator("#cw-privacy").is_visible():
        page.click("#cw-privacy-ok")


def ask(page: Page, text: str) -> None:
    page.fill("#cw-input", text)
    page.press("#cw-input", "Enter")


def bot_message(page: Page, text: str) -> object:
    return page.locator(BOT).filter(has_text=text)


def test_question_answer_and_quick_replies(page: Page, system: RunningSystem) -> None:
    open_widget(page, system)
    expect(page.locator("#cw-emergency")).to_contain_text("In an emergency call 911")
    ask(page, "is klonopin addictive")
    expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
    expect(page.locator(USER).last).to_contain_text("is klonopin addictive")

    page.locator(".cw-quick-reply", has_text="Yes").last.click()  # the intake offer
    expect(bot_message(page, INTAKE_PROMPT)).to_be_visible()
    call = page.locator(".cw-link-button", has_text="Call 816-555-0142")
    expect(call).to_have_attribute("href", "tel:+18165550142")


def test_history_survives_a_reload_and_start_over_clears_it(
    page: Page, system: RunningSystem
) -> None:
    open_widget(page, system)
    ask(page, "what is clonazepam")
    expect(page.locator(BOT).last).to_contain_text("Source:")  # the answer's last paragraph
    shown = page.locator(BOT).count()

    page.reload()
    if not page.locator("#cw-panel").is_visible():
        page.click("#cw-launcher")
    expect(page.locator(USER).first).to_contain_text("what is clonazepam")
    expect(page.locator(BOT)).to_have_count(shown)

    page.click("#cw-start-over")
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator(BOT)).to_have_count(0)
    ask(page, "hello")
    expect(page.locator(BOT).first).to_be_visible()
    expect(page.locator(USER)).to_have_count(1)


def test_emergency_gets_the_911_guidance(page: Page, system: RunningSystem) -> None:
    open_widget(page, system)
    ask(page, "my friend took a bunch of klonopin and wont wake up")
    expect(page.locator(BOT).first).to_contain_text("Call 911 now")


@pytest.mark.parametrize(
    "payload", ["<img src=x onerror=alert(1)>", "<script>alert(2)</script> hi"]
)
def test_html_in_a_message_is_shown_as_text_and_never_runs(
    page: Page, system: RunningSystem, payload: str
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_widget(page, system)
    ask(page, payload)
    expect(page.locator(USER).last).to_contain_text(payload)
    expect(page.locator(BOT).last).to_be_visible()
    assert page.locator("#cw-messages img, #cw-messages script").count() == 0
    assert dialogs == []


def test_keyboard_only_visit(page: Page, system: RunningSystem) -> None:
    page.goto(system.website_url)
    page.focus("#cw-launcher")
    page.keyboard.press("Enter")
    if page.locator("#cw-privacy").is_visible():
        expect(page.locator("#cw-privacy-ok")).to_be_focused()
        page.keyboard.press("Enter")
    expect(page.locator("#cw-input")).to_be_focused()
    page.keyboard.type("is klonopin addictive")
    page.keyboard.press("Enter")
    expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
    expect(page.locator(".cw-quick-reply", has_text="Yes").last).to_be_visible()

    for _ in range(40):  # Tab to the intake offer's "Yes" button
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        if page.evaluate("document.activeElement.matches('.cw-quick-reply')") and "Yes" in focused:
            break
    else:
        pytest.fail("Tab never reached the quick reply")
    page.keyboard.press("Enter")
    expect(bot_message(page, INTAKE_PROMPT)).to_be_visible()

    page.keyboard.press("Escape")
    expect(page.locator("#cw-panel")).to_be_hidden()
    expect(page.locator("#cw-launcher")).to_be_focused()


def test_axe_finds_no_serious_or_critical_violations(
    browser: Browser, system: RunningSystem
) -> None:
    # axe-core (from npm, node_modules/) is injected as an inline script, which the
    # demo page's Content-Security-Policy would rightly block.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        open_widget(page, system)
        ask(page, "is klonopin addictive")
        expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run('#cw-root', {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => `${v.id}: ${v.help} (${v.nodes.length})`)"
        )
        assert violations == []
    finally:
        context.close()


def test_offline_state_when_the_bot_cannot_be_reached(page: Page, system: RunningSystem) -> None:
    nobody = f"http://localhost:{free_port()}"  # no server listens there

    def page_pointing_nowhere(route: Route) -> None:
        html = route.fetch().text()
        route.fulfill(
            body=re.sub(r'data-server-url="[^"]*"', f'data-server-url="{nobody}"', html),
            content_type="text/html",
        )

    page.route(system.website_url, page_pointing_nowhere)
    open_widget(page, system)
    offline = page.locator("#cw-offline")
    expect(offline).to_be_visible()
    expect(offline).to_contain_text("The assistant is unavailable. In an emergency call 911")
    expect(offline).to_contain_text("816-555-0142")  # the center's number, from clinic.yml


def test_thumbs_down_reaches_the_stored_conversation(page: Page, system: RunningSystem) -> None:
    open_widget(page, system)
    ask(page, "is klonopin addictive")
    answer = bot_message(page, ADDICTIVE_ANSWER)
    expect(answer).to_be_visible()
    with page.expect_response(re.compile(r"/webhooks/chat_widget/feedback$")) as sent:
        answer.locator(".cw-feedback-down").click()
    assert sent.value.ok
    session_id = sent.value.request.post_data_json["session_id"]
    feedback = [
        event["value"]
        for event in system.stored_events(session_id)
        if event.get("event") == "slot" and event.get("name") == "answer_feedback"
    ]
    assert [(item["rating"], item["response"]) for item in feedback] == [
        ("down", "utter_faq/addictive")
    ]


def test_everything_comes_from_the_center_or_the_bot(page: Page, system: RunningSystem) -> None:
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("websocket", lambda websocket: hosts.add(urlsplit(websocket.url).netloc))
    open_widget(page, system)
    ask(page, "is klonopin addictive")
    expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
    assert hosts == {f"localhost:{system.widget_port}", f"localhost:{system.rasa_port}"}


def test_usable_on_a_320_pixel_wide_phone(browser: Browser, system: RunningSystem) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
    page = context.new_page()
    try:
        open_widget(page, system)
        for selector in ("#cw-emergency", "#cw-input", "#cw-send", "#cw-close"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, selector
        assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scroll
        ask(page, "is klonopin addictive")
        expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
    finally:
        context.close()
