"""The chat widget in a real browser (Debian chromium + Playwright) on the running system.

The demo page of `make run` is opened as a visitor would; every check is something
a visitor sees or does. Playwright's own browsers are never installed: the
Debian `chromium` package is launched directly (.ci/run installs it).

The demo server has an English page (/) and a Spanish one (/es/); the other ways a
center's site may say its language (`<html lang>`, the widget's `data-language`) are
the English page changed on the way (page.route).
The two `test_spanish_answer_*` tests need a model that answers in Spanish and a
channel that says so (`metadata.language` on `bot_uttered`).
The live takeover test (#18, point 4) needs no Rasa: the widget runs on a made-up site
against a fake socket.io server in the page's network (FakeChatServer), which sends the
exact `bot_uttered` payloads of a takeover.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Route,
    WebSocket,
    WebSocketRoute,
    expect,
)
from playwright.sync_api import Error as PlaywrightError

from devtools.processes import free_port
from devtools.project_files import PROJECT_ROOT
from devtools.running_system import RunningSystem

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ADDICTIVE_ANSWER = "Yes, clonazepam can be addictive"
# The intake call prompt; the offer before it also says "our intake team", so not that alone.
INTAKE_PROMPT = "Our intake team at Empowered Recovery Center"
BOT = ".cw-message.cw-bot"
USER = ".cw-message.cw-user"
SPANISH_QUESTION = "¿El clonazepam es adictivo?"
SPANISH_ADDICTIVE_ANSWER = "Sí, el clonazepam puede ser adictivo"
WIDGET_SCRIPT_TAG = '<script src="/widget/chat-widget.js"'
# What the widget shows in each language, a sample of each part of it.
SHOWN = {
    "en": {
        "#cw-title": "Empowered Recovery Center assistant",
        "#cw-emergency": "In an emergency call 911",
        "#cw-privacy": "Before you start",
        "#cw-privacy-ok": "OK",
        "#cw-clear": "Clear conversation",
        "#cw-quick-exit": "Leave this site quickly",
        "#cw-language": "Español",
    },
    "es": {
        "#cw-title": "Asistente de Empowered Recovery Center",
        "#cw-emergency": "En una emergencia, llame al 911",
        "#cw-privacy": "Antes de empezar",
        "#cw-privacy-ok": "Aceptar",
        "#cw-clear": "Borrar conversación",
        "#cw-quick-exit": "Salir rápido de este sitio",
        "#cw-language": "English",
    },
}
PLACEHOLDER = {"en": "Type your question", "es": "Escriba su pregunta"}
# The widget's own strings (texts, labels, placeholder: not the messages) that are the
# same in both languages.
SAME_IN_BOTH_LANGUAGES = {"Chat", "911", "816-555-0142", "."}
# Every string of the widget, without the messages' own text.
WIDGET_STRINGS = """() => {
  const root = document.getElementById("cw-root");
  const found = new Set();
  const add = (text) => text && text.trim() && found.add(text.trim());
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    const content = parent.closest(".cw-message, .cw-quick-reply, .cw-link-button");
    if (!content || parent.closest(".cw-speaker")) add(walker.currentNode.textContent);
  }
  root.querySelectorAll("[aria-label]").forEach((node) => add(node.getAttribute("aria-label")));
  root.querySelectorAll("[placeholder]").forEach((node) => add(node.getAttribute("placeholder")));
  return [...found];
}"""


def serve_page_as(
    page: Page,
    system: RunningSystem,
    *,
    html_lang: str | None = None,
    data_language: str | None = None,
    server_url: str | None = None,
    exit_url: str | None = None,
) -> None:
    """The demo page with another `<html lang>`, data-language, data-server-url or data-exit-url."""

    def changed_page(route: Route) -> None:
        html = route.fetch().text()
        if html_lang is not None:
            assert '<html lang="en">' in html
            html = html.replace('<html lang="en">', f'<html lang="{html_lang}">')
        if data_language is not None:
            html = with_widget_attribute(html, "data-language", data_language)
        if server_url is not None:
            html = re.sub(r'data-server-url="[^"]*"', f'data-server-url="{server_url}"', html)
        if exit_url is not None:
            html = with_widget_attribute(html, "data-exit-url", exit_url)
        route.fulfill(body=html, content_type="text/html")

    # A page fulfilled here has no address: Chromium's Local Network Access checks would
    # stop it from reaching the bot on localhost unless allowed (older Chromium: no checks).
    try:
        page.context.grant_permissions(["local-network-access"])
    except PlaywrightError:
        pass
    page.route(system.website_url, changed_page)


def with_widget_attribute(html: str, name: str, value: str) -> str:
    """The page with one more attribute on the widget's script tag."""
    assert WIDGET_SCRIPT_TAG in html
    return html.replace(WIDGET_SCRIPT_TAG, f'{WIDGET_SCRIPT_TAG} {name}="{value}"')


def socket_event(payload: str | bytes) -> tuple[str, Any] | None:
    """A socket.io event frame (`42["name", data]`) as (name, data); None for other frames."""
    if not isinstance(payload, str) or not payload.startswith("42["):
        return None
    name, *arguments = json.loads(payload[2:])
    return name, arguments[0] if arguments else None


def record_sent_events(page: Page, name: str) -> list[dict[str, Any]]:
    """The payload of every event of this name the page sends from now on, in order."""
    sent: list[dict[str, Any]] = []

    def on_frame(payload: str | bytes) -> None:
        event = socket_event(payload)
        if event and event[0] == name:
            sent.append(event[1])

    def on_websocket(websocket: WebSocket) -> None:
        websocket.on("framesent", on_frame)

    page.on("websocket", on_websocket)
    return sent


def record_user_messages(page: Page) -> list[dict[str, Any]]:
    """Every `user_uttered` payload the page sends from now on, in order."""
    return record_sent_events(page, "user_uttered")


def wait_for(page: Page, condition: Callable[[], bool], seconds: float = 15) -> None:
    """Lets the page run (and Playwright deliver its events) until the condition holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def expect_language(page: Page, language: str) -> None:
    """The widget's strings and `lang` are all in this language."""
    expect(page.locator("#cw-root")).to_have_attribute("lang", language)
    expect(page.locator("#cw-panel")).to_have_attribute("lang", language)
    for selector, text in SHOWN[language].items():
        expect(page.locator(selector)).to_contain_text(text)
    expect(page.locator("#cw-input")).to_have_attribute("placeholder", PLACEHOLDER[language])
    other = "es" if language == "en" else "en"
    expect(page.locator("#cw-language")).to_have_attribute("lang", other)


def open_widget(page: Page, system: RunningSystem, path: str = "") -> None:
    page.goto(urljoin(system.website_url, path))
    page.click("#cw-launcher")
    expect(page.locator("#cw-panel")).to_be_visible()
    if page.locator("#cw-privacy").is_visible():
        page.click("#cw-privacy-ok")


def ask(page: Page, text: str) -> None:
    page.fill("#cw-input", text)
    page.press("#cw-input", "Enter")


def bot_message(page: Page, text: str) -> Locator:
    return page.locator(BOT).filter(has_text=text)


def ask_if_addictive(page: Page) -> Locator:
    """Asks the usual question and waits for its answer, which it returns."""
    ask(page, "is klonopin addictive")
    answer = bot_message(page, ADDICTIVE_ANSWER)
    expect(answer).to_be_visible()
    return answer


def test_question_answer_and_quick_replies(page: Page, system: RunningSystem) -> None:
    open_widget(page, system)
    expect(page.locator("#cw-emergency")).to_contain_text("In an emergency call 911")
    ask_if_addictive(page)
    expect(page.locator(USER).last).to_contain_text("is klonopin addictive")

    page.locator(".cw-quick-reply", has_text="Yes").last.click()  # the intake offer
    expect(bot_message(page, INTAKE_PROMPT)).to_be_visible()
    call = page.locator(".cw-link-button", has_text="Call 816-555-0142")
    expect(call).to_have_attribute("href", "tel:+18165550142")


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


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations in the widget, one line each."""
    if not page.evaluate("typeof axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return list(
        page.evaluate(
            "async () => (await axe.run('#cw-root', {resultTypes: ['violations']})).violations"
            ".map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length})`)"
        )
    )


@pytest.mark.parametrize(
    ("language", "question"), [("en", "is klonopin addictive"), ("es", SPANISH_QUESTION)]
)
def test_axe_finds_no_violations_in_either_language(
    browser: Browser, system: RunningSystem, language: str, question: str
) -> None:
    # axe-core (from npm, node_modules/) is injected as an inline script, which the
    # demo page's Content-Security-Policy would rightly block.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        serve_page_as(page, system, data_language=language)
        page.goto(system.website_url)
        page.click("#cw-launcher")
        expect(page.locator("#cw-privacy")).to_be_visible()
        expect_language(page, language)
        assert axe_violations(page) == []  # the privacy note

        page.click("#cw-privacy-ok")
        ask(page, question)
        expect(page.locator(BOT).first).to_be_visible()
        expect(page.locator("#cw-root")).to_have_attribute("lang", language)
        assert axe_violations(page) == []  # a conversation
    finally:
        context.close()


@pytest.mark.parametrize(
    ("html_lang", "notice"),
    [
        ("en", "The assistant is unavailable. In an emergency call 911"),
        ("es", "El asistente no está disponible. En una emergencia, llame al 911"),
    ],
)
def test_offline_state_when_the_bot_cannot_be_reached(
    page: Page, system: RunningSystem, html_lang: str, notice: str
) -> None:
    nobody = f"http://localhost:{free_port()}"  # no server listens there
    serve_page_as(page, system, html_lang=html_lang, server_url=nobody)
    open_widget(page, system)
    offline = page.locator("#cw-offline")
    expect(offline).to_be_visible()
    expect(offline).to_contain_text(notice)
    expect(offline).to_contain_text("816-555-0142")  # the center's number, from clinic.yml


def test_thumbs_down_reaches_the_stored_conversation(page: Page, system: RunningSystem) -> None:
    open_widget(page, system)
    answer = ask_if_addictive(page)
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
    ask_if_addictive(page)
    assert hosts == {f"localhost:{system.widget_port}", f"localhost:{system.rasa_port}"}


@pytest.mark.parametrize("language", ["en", "es"])
def test_usable_on_a_320_pixel_wide_phone(
    browser: Browser, system: RunningSystem, language: str
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
    page = context.new_page()
    try:
        serve_page_as(page, system, data_language=language)
        open_widget(page, system)
        expect(page.locator("#cw-root")).to_have_attribute("lang", language)
        controls = ("#cw-language", "#cw-clear", "#cw-quick-exit", "#cw-close")
        for selector in ("#cw-emergency", "#cw-input", "#cw-send", *controls):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, selector
        assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scroll
        ask(page, "is klonopin addictive")
        expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
    finally:
        context.close()


# ---------------------------------------------------------------- English and Spanish


@pytest.mark.parametrize(
    ("html_lang", "data_language", "language"),
    [
        ("es", None, "es"),  # a Spanish page of the site
        ("es-MX", None, "es"),
        ("en", "es", "es"),  # data-language wins over the page
        ("es", "en", "en"),
        ("fr", None, "en"),  # neither English nor Spanish: English
        ("es", "fr", "es"),  # an invalid data-language is ignored (with a warning)
    ],
)
def test_the_widget_speaks_the_language_of_its_page(
    page: Page, system: RunningSystem, html_lang: str, data_language: str | None, language: str
) -> None:
    warnings: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    page.on("console", on_console)
    serve_page_as(page, system, html_lang=html_lang, data_language=data_language)
    page.goto(system.website_url)
    page.click("#cw-launcher")
    expect(page.locator("#cw-privacy")).to_be_visible()
    expect_language(page, language)
    if data_language == "fr":
        assert any('data-language "fr"' in warning for warning in warnings), warnings


def test_the_language_button_switches_every_string_and_is_remembered(
    page: Page, system: RunningSystem
) -> None:
    open_widget(page, system)
    answer = ask_if_addictive(page)
    answer.locator(".cw-feedback-up").click()  # so that "Thanks for the feedback" shows
    page.fill("#cw-input", "a question not sent yet")
    english = set(page.evaluate(WIDGET_STRINGS))
    assert {"Clear conversation", "You:", "Assistant:", "Thanks for the feedback"} <= english

    page.click("#cw-language")
    expect_language(page, "es")
    button = page.locator("#cw-language")
    expect(button).to_have_attribute("aria-label", "Cambiar a inglés (English)")
    expect(button).to_be_focused()
    spanish = set(page.evaluate(WIDGET_STRINGS))
    assert english & spanish <= SAME_IN_BOTH_LANGUAGES
    assert {
        "Usted:",
        "Asistente:",
        "Gracias por su opinión",
        "Califique esta respuesta",
        "Esta respuesta me ayudó",
        "Esta respuesta no me ayudó",
        "Respuestas sugeridas",
        "Conversación",
        "Cerrar el chat",
        "Enviar",
        "Su pregunta",
        "Se abre en una pestaña nueva",
        "Borrar conversación",
        "Salir rápido de este sitio",
    } <= spanish
    # The conversation and the unsent text stay; the bot is told, the visitor sees no message.
    expect(page.locator("#cw-input")).to_have_value("a question not sent yet")
    expect(answer).to_be_visible()
    expect(page.locator(USER)).to_have_count(1)
    assert page.evaluate("localStorage.getItem('cw:language')") == "es"

    page.reload()
    if not page.locator("#cw-panel").is_visible():
        page.click("#cw-launcher")
    expect_language(page, "es")
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER).first).to_contain_text("Usted: is klonopin addictive")

    page.click("#cw-language")
    expect_language(page, "en")
    expect(page.locator("#cw-language")).to_have_attribute(
        "aria-label", "Switch to Spanish (Español)"
    )
    page.reload()
    if not page.locator("#cw-panel").is_visible():
        page.click("#cw-launcher")
    expect_language(page, "en")


def test_every_message_tells_the_bot_the_widget_language(page: Page, system: RunningSystem) -> None:
    sent = record_user_messages(page)
    page.goto(system.website_url)
    page.click("#cw-launcher")
    page.click("#cw-language")  # most likely before the conversation is connected: queued
    page.click("#cw-privacy-ok")
    wait_for(page, lambda: len(sent) == 1)
    page.click("#cw-language")
    wait_for(page, lambda: len(sent) == 2)
    ask(page, "is klonopin addictive")
    wait_for(page, lambda: len(sent) == 3)

    assert [(message["message"], message["metadata"]) for message in sent] == [
        ("/speak_spanish", {"language": "es"}),
        ("/speak_english", {"language": "en"}),
        ("is klonopin addictive", {"language": "en"}),
    ]
    assert len({message["session_id"] for message in sent}) == 1
    expect(page.locator(USER)).to_have_count(1)  # the language commands are not shown


def with_bot_language(payload: str | bytes, language: str, legacy: bool) -> str | bytes:
    """A frame from the server, a `bot_uttered` event said to be in this language: in its
    `metadata`, or (`legacy`, servers of before #17) as a top-level `lang`."""
    event = socket_event(payload)
    if not event or event[0] != "bot_uttered":
        return payload
    data = {key: value for key, value in event[1].items() if key != "metadata"}
    if legacy:
        data["lang"] = language
    else:
        data["metadata"] = {**event[1].get("metadata", {}), "language": language}
    return "42" + json.dumps([event[0], data])


@pytest.mark.parametrize("legacy", [False, True], ids=["metadata", "legacy-lang"])
def test_a_bot_message_in_spanish_turns_the_widget_spanish(
    page: Page, system: RunningSystem, legacy: bool
) -> None:
    # The message's language is changed on the way: every bot message here says it is Spanish.
    sent: list[str] = []

    def relay(websocket: WebSocketRoute) -> None:
        server = websocket.connect_to_server()

        def from_page(payload: str | bytes) -> None:
            event = socket_event(payload)
            if event and event[0] == "user_uttered":
                sent.append(event[1]["message"])
            server.send(payload)

        websocket.on_message(from_page)
        server.on_message(lambda payload: websocket.send(with_bot_language(payload, "es", legacy)))

    page.route_web_socket(re.compile(r"/socket\.io/"), relay)
    open_widget(page, system)
    expect_language(page, "en")
    ask(page, "is klonopin addictive")
    answer = bot_message(page, ADDICTIVE_ANSWER)
    expect(answer).to_have_attribute("lang", "es")
    expect_language(page, "es")
    expect(answer.locator(".cw-speaker")).to_have_text("Asistente: ")
    assert page.locator(USER).first.get_attribute("lang") is None
    page.wait_for_timeout(500)
    assert sent == ["is klonopin addictive"]  # the bot knows: no /speak_spanish
    assert page.evaluate("localStorage.getItem('cw:language')") is None  # not the visitor's choice

    page.reload()
    if not page.locator("#cw-panel").is_visible():
        page.click("#cw-launcher")
    expect(bot_message(page, ADDICTIVE_ANSWER)).to_have_attribute("lang", "es")
    expect_language(page, "es")


# These two need the model that understands Spanish and a channel that sends the language.


def test_spanish_answer_after_the_language_button(page: Page, system: RunningSystem) -> None:
    open_widget(page, system)
    page.click("#cw-language")
    expect(page.locator(f"{BOT}[lang='es']").first).to_be_visible()  # the bot confirms
    expect_language(page, "es")
    ask(page, SPANISH_QUESTION)
    answer = bot_message(page, SPANISH_ADDICTIVE_ANSWER)
    expect(answer).to_be_visible()
    expect(answer).to_have_attribute("lang", "es")
    expect_language(page, "es")


def test_spanish_answer_to_spanish_written_on_the_english_page(
    page: Page, system: RunningSystem
) -> None:
    sent = record_user_messages(page)
    open_widget(page, system)
    ask(page, SPANISH_QUESTION)
    answer = bot_message(page, SPANISH_ADDICTIVE_ANSWER)
    expect(answer).to_be_visible()
    expect(answer).to_have_attribute("lang", "es")
    expect_language(page, "es")  # the widget follows the visitor
    assert [message["message"] for message in sent] == [SPANISH_QUESTION]


def test_a_spanish_visitor_gets_911_in_spanish_then_switches_to_english(
    page: Page, system: RunningSystem
) -> None:
    open_widget(page, system, "/es/")  # the demo's Spanish page
    expect_language(page, "es")
    ask(page, "mi hermano se tomo muchas pastillas de clonazepam y no despierta")
    emergency = bot_message(page, "Llame al 911 ahora")
    expect(emergency).to_be_visible()
    expect(emergency).to_have_attribute("lang", "es")

    page.click("#cw-language")
    expect_language(page, "en")
    answer = ask_if_addictive(page)
    expect(answer).to_have_attribute("lang", "en")
    expect_language(page, "en")


# ---------------------------------------------------------------- shared computers (#17, point 3)

# Every key of both storages, the page's own included.
STORED = """() => {
  const entries = (store) =>
    Object.fromEntries(Object.keys(store).map((key) => [key, store.getItem(key)]));
  return {local: entries(localStorage), session: entries(sessionStorage)};
}"""
NOTHING_STORED: dict[str, dict[str, str]] = {"local": {}, "session": {}}
NEUTRAL_PAGE = "<!doctype html><title>Weather</title><p>Sunny, 21 degrees.</p>"
# Every `cw:` event the widget dispatches, with its detail as JSON (recorded before any script
# of the page runs, as another script of the page could).
RECORD_WIDGET_EVENTS = """
window.__widgetEvents = [];
const dispatch = EventTarget.prototype.dispatchEvent;
EventTarget.prototype.dispatchEvent = function (event) {
  if (event.type.startsWith("cw:")) {
    window.__widgetEvents.push({type: event.type, detail: JSON.stringify(event.detail ?? null)});
  }
  return dispatch.call(this, event);
};
"""


# How many message bubbles the page ever rendered, removed ones included.
COUNT_RENDERED_MESSAGES = """
window.__renderedMessages = 0;
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      window.__renderedMessages += node.matches(".cw-message") ? 1 : 0;
      window.__renderedMessages += node.querySelectorAll(".cw-message").length;
    }
  }
}).observe(document, {childList: true, subtree: true});
"""


def stored(page: Page) -> dict[str, dict[str, str]]:
    return dict(page.evaluate(STORED))


def history_key(system: RunningSystem) -> str:
    return f"cw:history:{system.bot_url}"


def show_panel(page: Page) -> None:
    """After a reload: the panel reopens by itself if it was open; otherwise it is opened."""
    expect(page.locator("#cw-launcher")).to_be_visible()
    if not page.locator("#cw-panel").is_visible():
        page.click("#cw-launcher")
    if page.locator("#cw-privacy").is_visible():
        page.click("#cw-privacy-ok")


def serve_neutral_page(page: Page, url: str) -> None:
    page.route(url, lambda route: route.fulfill(body=NEUTRAL_PAGE, content_type="text/html"))


def test_history_survives_a_reload_in_its_tab_only(browser: Browser, system: RunningSystem) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        open_widget(page, system)
        ask(page, "what is clonazepam")
        expect(page.locator(BOT).last).to_contain_text("Source:")  # the answer's last paragraph
        shown = page.locator(BOT).count()
        assert history_key(system) in stored(page)["session"]
        assert not any(key.startswith("cw:history") for key in stored(page)["local"])

        page.reload()
        show_panel(page)
        expect(page.locator(USER).first).to_contain_text("what is clonazepam")
        expect(page.locator(BOT)).to_have_count(shown)

        # The next person opens a new tab of the same browser: no conversation, and the
        # privacy note again.
        other_tab = context.new_page()
        other_tab.goto(system.website_url)
        other_tab.click("#cw-launcher")
        expect(other_tab.locator("#cw-privacy")).to_be_visible()
        expect(other_tab.locator(".cw-hint")).to_be_visible()
        expect(other_tab.locator(".cw-message")).to_have_count(0)

        # ... or the browser is restarted with what it keeps on disk (cookies, localStorage).
        restarted = browser.new_context(storage_state=context.storage_state())
        try:
            restarted_page = restarted.new_page()
            restarted_page.goto(system.website_url)
            restarted_page.click("#cw-launcher")
            expect(restarted_page.locator("#cw-privacy")).to_be_visible()
            expect(restarted_page.locator(".cw-message")).to_have_count(0)
        finally:
            restarted.close()
        expect(page.locator(BOT)).to_have_count(shown)  # the first tab still has it
    finally:
        context.close()


def test_clear_conversation_leaves_nothing_stored_and_starts_a_new_one(
    page: Page, system: RunningSystem
) -> None:
    sent = record_user_messages(page)
    open_widget(page, system)
    ask_if_addictive(page)
    page.click("#cw-language")
    expect(page.locator(f"{BOT}[lang='es']").first).to_be_visible()  # the bot confirms
    before = stored(page)
    assert before["local"] == {"cw:language": "es"}
    assert {history_key(system), "cw:privacy-acknowledged"} <= set(before["session"])

    page.click("#cw-clear")
    expect(page.locator(".cw-message")).to_have_count(0)
    expect(page.locator(".cw-hint")).to_be_visible()
    expect(page.locator("#cw-input")).to_be_focused()
    page.wait_for_timeout(500)  # the new conversation's confirmation stores nothing either
    assert stored(page) == NOTHING_STORED
    expect_language(page, "es")  # the widget keeps its language on this page

    ask(page, "hola")
    expect(page.locator(BOT).first).to_be_visible()
    expect(page.locator(USER)).to_have_count(1)
    assert len({message["session_id"] for message in sent}) == 2  # a new conversation
    page.reload()
    show_panel(page)
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER)).to_contain_text("hola")


@pytest.mark.parametrize(
    ("how", "exit_url", "lands_on"),
    [
        ("button", None, "https://www.google.com/"),  # the default
        ("escape twice", "https://weather.example/today", "https://weather.example/today"),
    ],
)
def test_quick_exit_leaves_the_site_and_nothing_behind(
    page: Page, system: RunningSystem, how: str, exit_url: str | None, lands_on: str
) -> None:
    serve_neutral_page(page, lands_on)
    serve_neutral_page(page, "https://news.example/")
    if exit_url is not None:
        serve_page_as(page, system, exit_url=exit_url)
    page.goto("https://news.example/")  # where the visitor was before the center's site
    open_widget(page, system)
    ask(page, "my friend took a bunch of klonopin and wont wake up")
    expect(page.locator(BOT).first).to_contain_text("Call 911 now")
    assert stored(page) != NOTHING_STORED

    if how == "button":
        page.click("#cw-quick-exit")
    else:
        page.focus("#cw-input")
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url(lands_on)
    expect(page.locator("body")).to_contain_text("Sunny")

    page.go_back()  # the chat's page was replaced: Back skips it
    page.wait_for_url("https://news.example/")
    # The next person in this tab types the center's address: nothing was kept.
    page.goto(system.website_url)
    expect(page.locator("#cw-launcher")).to_be_visible()
    assert stored(page) == NOTHING_STORED
    page.click("#cw-launcher")
    expect(page.locator("#cw-privacy")).to_be_visible()
    expect(page.locator(".cw-message")).to_have_count(0)


def test_the_quick_exit_is_a_labelled_button_in_both_languages(
    page: Page, system: RunningSystem
) -> None:
    open_widget(page, system)
    for language, name in (("en", "Leave this site quickly"), ("es", "Salir rápido de este sitio")):
        if page.locator("#cw-root").get_attribute("lang") != language:
            page.click("#cw-language")
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
        page.focus("#cw-quick-exit")
        expect(page.locator("#cw-quick-exit")).to_be_focused()
    page.keyboard.press("Escape")  # a single Escape only closes the panel
    expect(page.locator("#cw-panel")).to_be_hidden()
    page.wait_for_timeout(1500)
    page.keyboard.press("Escape")  # ... and so does one more, a while later
    page.wait_for_timeout(300)
    assert page.url == system.website_url


def test_a_conversation_is_forgotten_when_the_server_session_ends(
    page: Page, system: RunningSystem
) -> None:
    open_widget(page, system)
    ask(page, "hello")
    expect(page.locator(BOT).first).to_be_visible()
    # Installed once connected: socket.io keeps the real timers it took, so its heartbeat
    # stays alive as in a tab really left open, and only the widget's own timers jump.
    page.clock.install()
    ask_if_addictive(page)
    # The whole turn first: a reply arriving after a jump would start the hour again.
    expect(page.locator(".cw-quick-reply", has_text="Yes").last).to_be_visible()
    expect(page.locator("#cw-typing")).to_have_count(0)

    page.clock.fast_forward("59:00")  # the tab is left open, nobody writes
    expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
    assert history_key(system) in stored(page)["session"]

    page.clock.fast_forward("01:01")  # 60 minutes after the answer: the server's session ends
    expect(page.locator(".cw-message")).to_have_count(0)
    expect(page.locator(".cw-hint")).to_be_visible()
    assert history_key(system) not in stored(page)["session"]


@pytest.mark.parametrize(("minutes_ago", "shown"), [(59, True), (61, False)])
def test_stored_history_older_than_the_session_is_not_shown(
    page: Page, system: RunningSystem, minutes_ago: int, shown: bool
) -> None:
    open_widget(page, system)
    ask_if_addictive(page)
    expect(page.locator(".cw-quick-reply", has_text="Yes").last).to_be_visible()  # the turn's end
    expect(page.locator("#cw-typing")).to_have_count(0)
    sent = record_user_messages(page)
    requested = record_sent_events(page, "session_request")
    page.add_init_script(COUNT_RENDERED_MESSAGES)
    page.evaluate(
        """([key, minutes]) => {
          const saved = JSON.parse(sessionStorage.getItem(key));
          saved.active_at = Date.now() - minutes * 60 * 1000;
          sessionStorage.setItem(key, JSON.stringify(saved));
        }""",
        [history_key(system), minutes_ago],
    )

    page.reload()
    show_panel(page)
    wait_for(page, lambda: len(requested) == 1)
    if shown:
        expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()
        assert requested[0]["session_id"] is not None  # the same conversation goes on
    else:
        expect(page.locator(".cw-message")).to_have_count(0)
        assert page.evaluate("window.__renderedMessages") == 0  # not even for a moment
        assert requested == [{"session_id": None}]  # a new conversation
        assert history_key(system) not in stored(page)["session"]
    ask(page, "hello")
    wait_for(page, lambda: len(sent) == 1)
    expect(page.locator(USER)).to_have_count(2 if shown else 1)


def test_history_of_older_widget_versions_is_removed_unread(
    page: Page, system: RunningSystem
) -> None:
    requested = record_sent_events(page, "session_request")
    page.goto(system.website_url)
    old_history = {
        "session_id": "id-of-an-older-version",
        "messages": [{"from": "user", "text": "how much klonopin is an overdose"}],
        "language": None,
    }
    page.evaluate(
        """([server, history]) => {
          localStorage.setItem(`cw:history:${server}`, JSON.stringify(history));
          localStorage.setItem(`cw:open:${server}`, "1");
          localStorage.setItem("cw:privacy-acknowledged", "1");
          localStorage.setItem("cw:language", "es");
          localStorage.setItem("site:font-size", "large");
        }""",
        [system.bot_url, old_history],
    )

    page.reload()
    expect(page.locator("#cw-launcher")).to_be_visible()
    assert stored(page) == {
        "local": {"cw:language": "es", "site:font-size": "large"},  # not health data; the page's
        "session": {},
    }
    page.click("#cw-launcher")
    expect(page.locator("#cw-privacy")).to_be_visible()
    expect(page.locator(".cw-message")).to_have_count(0)
    expect_language(page, "es")
    wait_for(page, lambda: len(requested) == 1)
    assert requested == [{"session_id": None}]


def test_widget_events_carry_no_conversation_id_or_text(page: Page, system: RunningSystem) -> None:
    page.add_init_script(RECORD_WIDGET_EVENTS)
    sent = record_user_messages(page)
    open_widget(page, system)
    ask_if_addictive(page)
    page.wait_for_timeout(500)  # later messages of the turn

    events = page.evaluate("window.__widgetEvents")
    assert {"type": "cw:connected", "detail": "null"} in events
    session_id = sent[0]["session_id"]
    for event in events:
        assert session_id not in event["detail"], event
        assert "klonopin" not in event["detail"].lower(), event
        assert "clonazepam" not in event["detail"].lower(), event


def test_a_new_conversation_id_from_the_server_clears_the_transcript(
    page: Page, system: RunningSystem
) -> None:
    first = record_user_messages(page)
    open_widget(page, system)
    ask_if_addictive(page)
    old_id = first[0]["session_id"]

    # After the reload the server does not resume the stored id (as for an expired or
    # made-up one): asked for it, it confirms a new one, a little later.
    sent: list[dict[str, Any]] = []
    held: list[str | bytes] = []

    def relay(websocket: WebSocketRoute) -> None:
        server = websocket.connect_to_server()

        def from_page(payload: str | bytes) -> None:
            event = socket_event(payload)
            if event and event[0] == "session_request":
                assert event[1]["session_id"] == old_id
                payload = "42" + json.dumps(["session_request", {"session_id": None}])
            elif event and event[0] == "user_uttered":
                sent.append(event[1])
            server.send(payload)

        def from_server(payload: str | bytes) -> None:
            event = socket_event(payload)
            if event and event[0] == "session_confirm":
                held.append(payload)
            else:
                websocket.send(payload)

        websocket.on_message(from_page)
        server.on_message(from_server)
        routes.append(websocket)

    routes: list[WebSocketRoute] = []
    page.route_web_socket(re.compile(r"/socket\.io/"), relay)
    page.reload()
    show_panel(page)
    expect(bot_message(page, ADDICTIVE_ANSWER)).to_be_visible()  # not confirmed yet
    wait_for(page, lambda: len(held) == 1)
    ask(page, "hello")  # typed while waiting: kept in the outbox
    expect(page.locator(USER)).to_have_count(2)
    page.wait_for_timeout(500)
    assert sent == []  # nothing is sent before the confirmation

    routes[0].send(held[0])
    confirmed = socket_event(held[0])
    assert confirmed is not None
    new_id = confirmed[1] if isinstance(confirmed[1], str) else confirmed[1]["session_id"]
    assert new_id != old_id
    expect(bot_message(page, ADDICTIVE_ANSWER)).to_have_count(0)
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER)).to_contain_text("hello")
    expect(page.locator(BOT).first).to_be_visible()  # the bot answers in the new conversation
    assert [(message["message"], message["session_id"]) for message in sent] == [("hello", new_id)]
    saved = json.loads(stored(page)["session"][history_key(system)])
    assert saved["session_id"] == new_id
    assert [message["text"] for message in saved["messages"] if message["from"] == "user"] == [
        "hello"
    ]


# ---------------------------------------------------------------- live takeover (#18, point 4)

# A made-up site (page.route) with the widget's real files: no server of the project runs.
FAKE_SITE = "http://center.test/"
FAKE_SITE_FILES = {
    "/widget/chat-widget.js": PROJECT_ROOT / "widget" / "chat-widget.js",
    "/widget/chat-widget.css": PROJECT_ROOT / "widget" / "chat-widget.css",
    "/widget/vendor/socket.io.min.js": (
        PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
    ),
}
# UTF-8 said: the widget's Spanish strings would otherwise be read as Latin-1.
FAKE_SITE_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
FAKE_SITE_PAGE = """<!doctype html><html lang="en">
<head><title>Empowered Recovery Center</title></head>
<body><h1>Empowered Recovery Center</h1>
<script src="/widget/chat-widget.js" defer data-server-url="http://center.test"
        data-center-name="Empowered Recovery Center"
        data-phone="816-555-0142" data-phone-tel="tel:+18165550142"></script>
</body></html>"""
PERSON = ".cw-message.cw-person"
JOINED = "A member of our intake team has joined the chat. They will answer you here."
PERSON_MESSAGE = "Hi, this is Dana from intake. How can I help you today?"
LEFT = "The member of our intake team has left the chat. The assistant is here again."


def serve_fake_site(page: Page) -> None:
    """The made-up site: its page at FAKE_SITE, and the widget's files under /widget/."""

    def fulfil(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path == "/":
            route.fulfill(body=FAKE_SITE_PAGE, content_type="text/html; charset=utf-8")
        elif path in FAKE_SITE_FILES:
            file = FAKE_SITE_FILES[path]
            route.fulfill(path=str(file), content_type=FAKE_SITE_TYPES[file.suffix])
        else:
            route.fulfill(status=404)

    page.route(f"{FAKE_SITE}**", fulfil)


class FakeChatServer:
    """A socket.io server in the page's network (a WebSocket route that never reaches a
    server): it opens each connection (Engine.IO open, namespace connect), confirms every
    session_request (the id asked for, or "fake-session"), records what the page sends and
    utters what the test tells it, as Rasa's socket.io channel would."""

    def __init__(self, page: Page) -> None:
        self.connections: list[WebSocketRoute] = []
        self.received: list[tuple[str, Any]] = []
        page.route_web_socket(re.compile(r"/socket\.io/"), self.accept)

    def accept(self, websocket: WebSocketRoute) -> None:
        websocket.on_message(lambda payload: self.on_message(websocket, payload))
        handshake: dict[str, Any] = {
            "sid": f"engine-{len(self.connections)}",
            "upgrades": [],
            "pingInterval": 25000,
            "pingTimeout": 20000,
            "maxPayload": 1000000,
        }
        websocket.send("0" + json.dumps(handshake))  # Engine.IO's open packet
        self.connections.append(websocket)

    def on_message(self, websocket: WebSocketRoute, payload: str | bytes) -> None:
        if payload == "40":  # the client joins the default namespace
            websocket.send("40" + json.dumps({"sid": "socket"}))
            return
        event = socket_event(payload)
        if event is None:
            return  # pongs
        self.received.append(event)
        if event[0] == "session_request":
            session_id = event[1].get("session_id") or "fake-session"
            websocket.send("42" + json.dumps(["session_confirm", session_id]))

    def sent(self, name: str) -> list[Any]:
        """The payloads of the events of this name the page sent so far."""
        return [data for event, data in self.received if event == name]

    def utter(self, text: str, metadata: dict[str, str]) -> None:
        """A `bot_uttered` on the latest connection."""
        payload = {"text": text, "metadata": metadata}
        self.connections[-1].send("42" + json.dumps(["bot_uttered", payload]))

    def person(self, takeover: str, text: str) -> None:
        """A takeover payload: a person of the intake team "joined", their "message", "left"."""
        self.utter(text, {"language": "en", "from": "person", "takeover": takeover})


def test_person_messages_look_like_a_person(page: Page) -> None:
    serve_fake_site(page)
    server = FakeChatServer(page)
    page.goto(FAKE_SITE)
    page.click("#cw-launcher")
    page.click("#cw-privacy-ok")
    wait_for(page, lambda: len(server.sent("session_request")) == 1)
    ask(page, "can I talk to a person")
    wait_for(page, lambda: len(server.sent("user_uttered")) == 1)
    expect(page.locator("#cw-typing")).to_be_visible()  # the bot's answer is expected
    with_person = page.locator("#cw-with-person")
    expect(with_person).to_be_hidden()

    server.person("joined", JOINED)
    expect(page.locator(".cw-notice", has_text=JOINED)).to_be_visible()
    expect(page.locator("#cw-typing")).to_have_count(0)
    expect(with_person).to_have_text("You're chatting with the intake team")
    expect(with_person).to_be_visible()
    server.person("message", PERSON_MESSAGE)

    def expect_person_message() -> None:
        bubble = page.locator(PERSON)
        expect(bubble).to_have_count(1)
        expect(bubble).to_contain_text(PERSON_MESSAGE)
        expect(bubble).to_have_attribute("lang", "en")
        expect(bubble.locator(".cw-speaker")).to_have_text("Intake team: ")  # screen readers
        entry = page.locator(".cw-entry-person")
        label = entry.locator(".cw-person-label")
        expect(label).to_have_text("Intake team")
        expect(label).to_be_visible()
        expect(label).to_have_attribute("aria-hidden", "true")  # not read twice
        expect(entry.locator(".cw-feedback-button")).to_have_count(0)
        expect(page.locator(f"{BOT}, .cw-entry-notice .cw-message")).to_have_count(0)

    expect_person_message()
    # A person answers when they can: no typing dots after the visitor writes.
    ask(page, "what are your hours")
    wait_for(page, lambda: len(server.sent("user_uttered")) == 2)
    page.wait_for_timeout(300)
    expect(page.locator("#cw-typing")).to_have_count(0)

    saved = json.loads(stored(page)["session"]["cw:history:http://center.test"])
    kinds = [message["from"] for message in saved["messages"]]
    assert kinds == ["user", "notice", "person", "user"]
    assert saved["with_person"] is True

    page.reload()
    show_panel(page)
    wait_for(page, lambda: len(server.sent("session_request")) == 2)
    assert server.sent("session_request")[-1] == {"session_id": "fake-session"}  # resumed
    expect(page.locator(".cw-notice", has_text=JOINED)).to_be_visible()
    expect_person_message()
    expect(with_person).to_be_visible()
    ask(page, "are you still there")
    wait_for(page, lambda: len(server.sent("user_uttered")) == 3)
    page.wait_for_timeout(300)
    expect(page.locator("#cw-typing")).to_have_count(0)

    # A safety reply of the bot during the takeover keeps the bot's look.
    server.utter("If you are in danger, call 911 now.", {"language": "en"})
    expect(page.locator(BOT).filter(has_text="call 911 now")).to_be_visible()
    expect(page.locator(PERSON)).to_have_count(1)

    server.person("left", LEFT)
    expect(page.locator(".cw-notice", has_text=LEFT)).to_be_visible()
    expect(with_person).to_be_hidden()
    ask(page, "is klonopin addictive")
    wait_for(page, lambda: len(server.sent("user_uttered")) == 4)
    expect(page.locator("#cw-typing")).to_be_visible()  # the bot answers again

    page.click("#cw-language")  # every string of the takeover in Spanish too
    expect(page.locator(".cw-person-label")).to_have_text("Equipo de admisiones")
    expect(page.locator(PERSON).locator(".cw-speaker")).to_have_text("Equipo de admisiones: ")
    expect(with_person).to_have_text("Está hablando con el equipo de admisiones")
