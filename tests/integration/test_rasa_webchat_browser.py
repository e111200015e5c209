"""A standard widget nobody here wrote, rasa-webchat 1.0.1 (npm, pinned in package-lock.json),
holds a conversation with the running bot from a page of an allowed origin, over HTTP
long-polling and over WebSocket; on a page of another origin it gets nothing.

Its socket.io client polls first and upgrades to a WebSocket when it can: with
`window.WebSocket` removed it can only poll, as behind a proxy that blocks WebSockets.
Long-polling answers must carry one `Access-Control-Allow-Origin` (browsers refuse
two), so the first test fails if the channel's CORS is doubled again (#17). The page
is served by the test itself (page.route) at the demo website's address, which is an
allowed origin, or at another site's.
"""

from __future__ import annotations

import json

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route, expect

from devtools.project_files import PROJECT_ROOT
from devtools.running_system import RunningSystem

WEBCHAT = PROJECT_ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
ADDICTIVE_ANSWER = "Yes, clonazepam can be addictive"
OTHER_SITE = "https://not-our-site.example"
NO_WEBSOCKET = "delete window.WebSocket; window.WebSocket = undefined;"
BOT_MESSAGES = ".rw-from-response .rw-message-text"  # not its typing indicator
VISITOR_MESSAGES = ".rw-from-client .rw-message-text"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rasa-webchat</title></head>
<body><div id="webchat"></div>
<script src="rasa-webchat.js"></script>
<script>
  WebChat.default({
    socketUrl: %(bot)s,
    socketPath: "/socket.io/",
    customData: {language: "en"},
    embedded: true,
    params: {storage: "session"}
  }, document.getElementById("webchat"));
</script></body></html>
"""


def open_webchat(page: Page, system: RunningSystem, site: str) -> list[str]:
    """Opens the rasa-webchat page at `site`; the URLs of the WebSockets it opens, as it does."""
    body = PAGE % {"bot": json.dumps(system.bot_url)}

    def webchat_page(route: Route) -> None:
        route.fulfill(body=body, content_type="text/html")

    def webchat_script(route: Route) -> None:
        route.fulfill(path=WEBCHAT, content_type="application/javascript")

    # A page fulfilled here has no address: Chromium's Local Network Access checks would
    # stop it from reaching the bot on localhost unless allowed (older Chromium: no checks).
    try:
        page.context.grant_permissions(["local-network-access"])
    except PlaywrightError:
        pass
    page.route(f"{site}/webchat.html", webchat_page)
    page.route(f"{site}/rasa-webchat.js", webchat_script)
    websockets: list[str] = []
    page.on("websocket", lambda websocket: websockets.append(websocket.url))
    page.goto(f"{site}/webchat.html")
    return websockets


def ask(page: Page, question: str) -> None:
    page.locator(".rw-new-message").fill(question)
    page.locator(".rw-send").click()


def session_id(page: Page) -> str | None:
    stored = page.evaluate("() => window.sessionStorage.getItem('chat_session')")
    return json.loads(stored).get("session_id") if stored else None


def test_a_conversation_over_long_polling_resumes_after_a_reload(
    page: Page, system: RunningSystem
) -> None:
    page.add_init_script(NO_WEBSOCKET)
    polled: list[str] = []
    page.on(
        "requestfinished",
        lambda request: "transport=polling" in request.url and polled.append(request.url),
    )
    websockets = open_webchat(page, system, system.website_url.rstrip("/"))
    ask(page, "is klonopin addictive")
    expect(page.locator(BOT_MESSAGES).first).to_contain_text(ADDICTIVE_ANSWER, timeout=60_000)
    assert polled and websockets == []
    conversation = session_id(page)
    assert conversation
    page.reload()  # rasa-webchat sends its stored id again: the server resumes it
    expect(page.locator(BOT_MESSAGES).first).to_contain_text(ADDICTIVE_ANSWER, timeout=30_000)
    ask(page, "can I drink alcohol on it")
    expect(page.locator(VISITOR_MESSAGES)).to_have_count(2, timeout=30_000)
    alcohol_answer = page.locator(BOT_MESSAGES).filter(has_text="Alcohol with clonazepam")
    expect(alcohol_answer).to_have_count(1, timeout=60_000)
    assert session_id(page) == conversation


def test_a_conversation_over_websocket(page: Page, system: RunningSystem) -> None:
    websockets = open_webchat(page, system, system.website_url.rstrip("/"))
    ask(page, "is klonopin addictive")
    expect(page.locator(BOT_MESSAGES).first).to_contain_text(ADDICTIVE_ANSWER, timeout=60_000)
    assert any("/socket.io/" in url and "transport=websocket" in url for url in websockets)


def test_a_page_of_another_site_gets_no_conversation(page: Page, system: RunningSystem) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: "blocked by CORS policy" in message.text and refused.append(message.text),
    )
    open_webchat(page, system, OTHER_SITE)
    page.wait_for_timeout(5_000)  # time to connect, were it allowed
    assert session_id(page) is None and refused
    # rasa-webchat hides itself while it cannot connect: nowhere to type.
    expect(page.locator(".rw-new-message")).to_have_count(0)
