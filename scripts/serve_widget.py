"""Serves the chat widget and a demo page of the center's website (`make run`: :8000).

- ``/widget/chat-widget.js``, ``/widget/chat-widget.css``: the widget (widget/);
- ``/widget/vendor/socket.io.min.js``: its socket.io client, installed from npm
  (package-lock.json) into node_modules/ by `make setup`, never from a CDN;
- ``/``: demo/index.html with the center's name and phone from clinic.yml and the
  Rasa server's address (BOT_URL), behind a Content-Security-Policy that lets the
  page load nothing but this server and talk to nothing but the bot (the page's
  own styles are demo/site.css);
- ``/es/`` (``/es`` redirects there): demo/index.es.html, the same page in Spanish
  (``<html lang="es">``, so the widget speaks Spanish), served the same way.

In production the same files are served by the website's own server (README).
Environment: WIDGET_PORT (8000), BOT_URL (http://localhost:$RASA_PORT).
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WIDGET_FILES = {
    "chat-widget.js": PROJECT_ROOT / "widget" / "chat-widget.js",
    "chat-widget.css": PROJECT_ROOT / "widget" / "chat-widget.css",
    "vendor/socket.io.min.js": PROJECT_ROOT
    / "node_modules"
    / "socket.io-client"
    / "dist"
    / "socket.io.min.js",
}
# The demo pages: path -> template (each links to the other).
DEMO_PAGES = {
    "/": PROJECT_ROOT / "demo" / "index.html",
    "/es/": PROJECT_ROOT / "demo" / "index.es.html",
}
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def content_security_policy(bot_url: str) -> str:
    """Only this server for scripts and styles; only the bot for connections."""
    parts = urlsplit(bot_url)
    websocket = ("wss" if parts.scheme == "https" else "ws") + f"://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {parts.scheme}://{parts.netloc} {websocket}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def render_demo_page(template: str, values: dict[str, str]) -> str:
    """Fills the page's {{placeholders}}, HTML-escaped."""
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", html.escape(value, quote=True))
    return template


def create_app(bot_url: str) -> web.Application:
    """The aiohttp application serving the widget and the demo pages."""
    from clinic.settings import clinic_settings

    settings = clinic_settings()
    values = {
        "server_url": bot_url,
        "center_name": settings.name,
        "intake_phone": settings.phone_display,
        "intake_phone_tel": settings.phone_tel,
    }
    page_headers = {**SECURITY_HEADERS, "Content-Security-Policy": content_security_policy(bot_url)}

    def demo_page(template: Path) -> Handler:
        page = render_demo_page(template.read_text(encoding="utf-8"), values)

        async def handler(_: web.Request) -> web.Response:
            return web.Response(text=page, content_type="text/html", headers=page_headers)

        return handler

    async def to_spanish_page(_: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/es/", headers=SECURITY_HEADERS)

    async def site_stylesheet(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(PROJECT_ROOT / "demo" / "site.css", headers=SECURITY_HEADERS)

    async def widget_file(request: web.Request) -> web.StreamResponse:
        path = WIDGET_FILES.get(request.match_info["name"])
        if path is None or not path.is_file():
            raise web.HTTPNotFound()
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
        return web.FileResponse(path, headers=headers)

    app = web.Application()
    for path, template in DEMO_PAGES.items():
        app.router.add_get(path, demo_page(template))
    app.router.add_get("/es", to_spanish_page)
    app.router.add_get("/site.css", site_stylesheet)
    app.router.add_get("/widget/{name:.+}", widget_file)
    return app


def main() -> None:
    """Runs the server until interrupted."""
    port = int(os.environ.get("WIDGET_PORT", "8000"))
    bot_url = os.environ.get("BOT_URL", f"http://localhost:{os.environ.get('RASA_PORT', '5005')}")
    page = f"http://localhost:{port}/"
    print(f"Demo page with the chat widget: {page} (Spanish: {page}es/)", flush=True)
    web.run_app(create_app(bot_url), port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
