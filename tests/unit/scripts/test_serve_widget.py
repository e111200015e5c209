"""scripts/serve_widget.py: the demo page and the widget's files, and nothing else."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from scripts.serve_widget import content_security_policy, create_app, render_demo_page


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
