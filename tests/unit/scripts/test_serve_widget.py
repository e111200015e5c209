"""scripts/serve_widget.py: the demo pages (English, Spanish), the widget's files, nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from scripts.serve_widget import (
    DEMO_PAGES,
    content_security_policy,
    create_app,
    render_demo_page,
)


def test_page_values_are_escaped() -> None:
    page = render_demo_page('<p data-x="{{name}}">{{name}}</p>', {"name": '"><script>'})
    assert page == '<p data-x="&quot;&gt;&lt;script&gt;">&quot;&gt;&lt;script&gt;</p>'


def test_policy_lets_the_page_talk_only_to_itself_and_the_bot() -> None:
    policy = content_security_policy("https://bot.example.org")
    assert "script-src 'self';" in policy
    assert "connect-src 'self' https://bot.example.org wss://bot.example.org;" in policy


async def test_demo_page_embeds_the_widget_with_the_configured_center() -> None:
    async with TestClient(TestServer(create_app("http://localhost:5005"))) as client:
        page = await client.get("/")
        html = await page.text()
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert 'data-server-url="http://localhost:5005"' in html
        assert 'data-phone-tel="tel:+18165550142"' in html  # clinic.yml's placeholder number
        for path in ("/widget/chat-widget.js", "/widget/chat-widget.css"):
            assert (await client.get(path)).status == 200
        assert (await client.get("/widget/vendor/socket.io.min.js")).status == 200  # npm
        assert (await client.get("/widget/../clinic.yml")).status == 404
        assert (await client.get("/widget/nothing.js")).status == 404


@pytest.fixture
def center_name_to_escape(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """clinic.yml's name replaced (CLINIC_NAME) by one that must be escaped."""
    from clinic.settings import clinic_settings

    monkeypatch.setenv("CLINIC_NAME", 'Centro "Nueva Vida" <Kansas> & Co')
    clinic_settings.cache_clear()
    yield "Centro &quot;Nueva Vida&quot; &lt;Kansas&gt; &amp; Co"
    clinic_settings.cache_clear()


async def test_spanish_demo_page_is_served_like_the_english_one(
    center_name_to_escape: str,
) -> None:
    async with TestClient(TestServer(create_app("http://localhost:5005"))) as client:
        english, spanish = await client.get("/"), await client.get("/es/")
        english_html, spanish_html = await english.text(), await spanish.text()
        assert spanish.status == 200
        assert '<html lang="es">' in spanish_html
        assert 'llame al <a href="tel:911">911</a> ahora.' in spanish_html
        assert f'data-center-name="{center_name_to_escape}"' in spanish_html
        assert f"<title>{center_name_to_escape} | " in spanish_html
        assert '<a href="tel:+18165550142">816-555-0142</a>' in spanish_html
        assert "<Kansas>" not in spanish_html
        policy = content_security_policy("http://localhost:5005")
        for response in (english, spanish):
            assert response.headers["Content-Security-Policy"] == policy
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert '<a href="/es/" lang="es" hreflang="es">Español</a>' in english_html
        assert '<a href="/" lang="en" hreflang="en">English</a>' in spanish_html
        for html in (english_html, spanish_html):
            assert "{{" not in html and "}}" not in html  # every placeholder filled
            assert '<link rel="alternate" hreflang="es" href="/es/">' in html
            assert '<link rel="alternate" hreflang="en" href="/">' in html
        redirect = await client.get("/es", allow_redirects=False)
        assert (redirect.status, redirect.headers["Location"]) == (301, "/es/")


def test_spanish_template_keeps_the_english_structure() -> None:
    """Same elements, ids, classes, placeholders and widget tag: only the text differs."""

    def structure(template: str) -> list[str]:
        return re.findall(r"<[a-z0-9]+|\b(?:id|class)=\"[^\"]*\"|\{\{\w+\}\}", template)

    def widget_tag(template: str) -> str:
        return re.findall(r'<script src="/widget/chat-widget.js".*</script>', template)[0]

    english, spanish = (DEMO_PAGES[path].read_text(encoding="utf-8") for path in ("/", "/es/"))
    assert structure(spanish) == structure(english)
    assert widget_tag(spanish) == widget_tag(english)
