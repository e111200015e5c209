"""Staff sign in through the HTTPS proxy, and CSRF stays strict there.

With REVIEW_HTTPS=true, Flask-WTF refuses a form unless its Referer is of the
same origin; browsers send one only if the app's Referrer-Policy lets them. The
tests play the browser (its Referer follows the policy each page was sent with)
behind nginx as `deploy/nginx/chat.conf.template`'s staff server forwards it:
with TLS on port 443 or another port, and as Compose starts it (plain HTTP on
localhost:8081, where REVIEW_HTTPS=true is the default too). Behind the proxy, the
sign-in limit counts the address nginx saw (one trusted hop of X-Forwarded-For), and every
response carries HSTS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from devtools.project_files import PROJECT_ROOT
from review.accounts import create_account
from review.schema import create_tables
from tests.support.review_client import CSRF_FIELD, PASSWORD, review_app, sign_in
from tests.support.review_data import sample_conversations, store

NGINX_TEMPLATE = PROJECT_ROOT / "deploy/nginx/chat.conf.template"
# The address in the browser, and nginx's variables in the staff server for it.
PROXIES = {
    "tls on 443": ("https://staff.example.org", "https", "staff.example.org", "443"),
    "tls on 8443": ("https://staff.example.org:8443", "https", "staff.example.org", "8443"),
    "compose default": ("http://localhost:8081", "http", "localhost", "8081"),
}
EMAIL = "ana@center.example"
CLIENT = "203.0.113.7"
HSTS = "max-age=31536000"


def forwarded_headers(
    scheme: str, host: str, port: str, client: str = CLIENT, sent_forwarded_for: str = ""
) -> dict[str, str]:
    """The headers the template's staff server sets on what it passes to the app.

    `client` is the address nginx sees; `sent_forwarded_for`, an X-Forwarded-For the
    client itself sent (nginx appends the client's address to it).
    """
    text = NGINX_TEMPLATE.read_text()
    staff_server = text.split("listen ${STAFF_LISTEN_PORT};", 1)[1].split("\nserver {", 1)[0]
    headers = dict(re.findall(r"proxy_set_header\s+(\S+)\s+([^;]+);", staff_server))
    variables = {
        "$proxy_add_x_forwarded_for": ", ".join(filter(None, [sent_forwarded_for, client])),
        "$server_port": port,
        "$scheme": scheme,
        "$host": host,
    }
    for name, value in headers.items():
        for variable, replacement in variables.items():
            value = value.replace(variable, replacement)
        assert "$" not in value, f"unknown nginx variable in {name}: {value}"
        headers[name] = value
    return headers


def referer_under(policy: str, page: str, target: str) -> str | None:
    """The Referer a browser sends from `page` to `target` under this Referrer-Policy."""
    same_origin = urlsplit(page)[:2] == urlsplit(target)[:2]
    downgrade = page.startswith("https:") and not target.startswith("https:")
    scheme, host = urlsplit(page)[:2]
    origin = f"{scheme}://{host}/"
    full = page.split("#", 1)[0]
    return {
        "no-referrer": None,
        "same-origin": full if same_origin else None,
        "origin": origin,
        "strict-origin": None if downgrade else origin,
        "origin-when-cross-origin": full if same_origin else origin,
        "strict-origin-when-cross-origin": full if same_origin else (None if downgrade else origin),
        "no-referrer-when-downgrade": None if downgrade else full,
        "unsafe-url": full,
    }[policy.split(",")[-1].strip()]


class BrowserThroughProxy:
    """A browser at `origin`: its requests reach the app the way nginx passes them on."""

    def __init__(
        self,
        client: FlaskClient,
        proxy: str = "tls on 443",
        address: str = CLIENT,
        sent_forwarded_for: str = "",
    ) -> None:
        self.client = client
        self.origin, scheme, host, port = PROXIES[proxy]
        self.headers = forwarded_headers(scheme, host, port, address, sent_forwarded_for)
        self.upstream = f"http://{self.headers.pop('Host')}"  # nginx to the app: plain HTTP

    def get(self, path: str) -> Any:
        return self.client.get(self.upstream + path, headers=self.headers)

    def submit(self, page: str, action: str, **fields: str) -> Any:
        """Opens the page and sends its form, with the Referer its policy allows."""
        shown = self.get(page)
        match = CSRF_FIELD.search(shown.get_data(as_text=True))
        assert match, f"no form on {page}"
        policy = shown.headers["Referrer-Policy"]
        referer = referer_under(policy, self.origin + page, self.origin + action)
        return self.post(action, referer, csrf_token=match.group(1), **fields)

    def post(self, action: str, referer: str | None, **fields: str) -> Any:
        headers = dict(self.headers, **({"Referer": referer} if referer else {}))
        return self.client.post(self.upstream + action, headers=headers, data=fields)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.engine.Engine]:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store(url, sample_conversations())
    engine = sa.create_engine(url)
    create_tables(engine)
    create_account(engine, EMAIL, "Ana Test", PASSWORD)
    yield engine
    engine.dispose()


@pytest.fixture
def proxied(engine: sa.engine.Engine) -> BrowserThroughProxy:
    """A browser behind the HTTPS proxy (not `browser`: tests/conftest.py marks that `server`)."""
    return BrowserThroughProxy(review_app(engine, https=True).test_client())


def test_the_staff_server_forwards_the_scheme_and_host_the_browser_used() -> None:
    headers = forwarded_headers("https", "staff.example.org", "8443")
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["X-Forwarded-Host"] == "staff.example.org:8443"


@pytest.mark.parametrize("proxy", PROXIES)
def test_sign_in_through_the_proxy_lands_on_the_dashboard(
    engine: sa.engine.Engine, proxy: str
) -> None:
    browser = BrowserThroughProxy(review_app(engine, https=True).test_client(), proxy)
    asked = browser.get("/")
    assert asked.status_code == 302 and asked.headers["Location"] == "/login?next=/"

    signed_in = browser.submit("/login?next=/", "/login?next=/", email=EMAIL, password=PASSWORD)
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    assert signed_in.headers["Location"] == "/"
    dashboard = browser.get("/")
    assert dashboard.status_code == 200
    page = dashboard.get_data(as_text=True)
    assert "Dashboard" in page and "Ana Test" in page and "Sign out" in page
    domain = urlsplit(browser.origin).hostname or ""
    cookie = browser.client.get_cookie("review_session", domain=domain)
    assert cookie is not None and cookie.secure and cookie.http_only

    signed_out = browser.submit("/", "/logout")
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/login"
    assert browser.get("/").status_code == 302


@pytest.mark.parametrize(
    "referer",
    [
        None,
        "https://evil.example/login",
        "http://staff.example.org/login",
        "https://staff.example.org:8443/login",
    ],
    ids=["none", "another site", "plain http", "another port"],
)
def test_behind_https_sign_in_without_a_same_origin_referer_is_refused(
    proxied: BrowserThroughProxy, referer: str | None
) -> None:
    match = CSRF_FIELD.search(proxied.get("/login").get_data(as_text=True))
    assert match
    refused = proxied.post(
        "/login", referer, csrf_token=match.group(1), email=EMAIL, password=PASSWORD
    )
    assert refused.status_code == 400
    assert "form expired" in refused.get_data(as_text=True).lower()
    assert proxied.get("/").status_code == 302  # still signed out


def test_behind_https_a_signed_in_form_without_a_referer_changes_nothing(
    proxied: BrowserThroughProxy,
) -> None:
    assert proxied.submit("/login", "/login", email=EMAIL, password=PASSWORD).status_code == 302
    transcript = "/conversations/emergency-1"
    match = CSRF_FIELD.search(proxied.get(transcript).get_data(as_text=True))
    assert match
    fields = {"csrf_token": match.group(1), "conversation": "emergency-1", "tag": "urgent"}
    assert proxied.post("/review/tag", None, **fields).status_code == 400
    assert "urgent" not in proxied.get(transcript).get_data(as_text=True)

    tagged = proxied.submit(transcript, "/review/tag", conversation="emergency-1", tag="urgent")
    assert tagged.status_code == 302
    assert "urgent" in proxied.get(transcript).get_data(as_text=True)


def test_the_staff_server_forwards_the_client_address() -> None:
    assert forwarded_headers("https", "staff.example.org", "443")["X-Forwarded-For"] == CLIENT
    forged = forwarded_headers("https", "staff.example.org", "443", sent_forwarded_for="10.0.0.1")
    assert forged["X-Forwarded-For"] == f"10.0.0.1, {CLIENT}"


def sign_in_through(browser: BrowserThroughProxy, password: str, email: str = EMAIL) -> int:
    signed_in = browser.submit("/login", "/login", email=email, password=password)
    status: int = signed_in.status_code
    return status


def test_behind_the_proxy_each_client_address_has_its_own_sign_in_limit(
    engine: sa.engine.Engine,
) -> None:
    app = review_app(engine, https=True)
    attacker = BrowserThroughProxy(app.test_client(), address="203.0.113.7")
    colleague = BrowserThroughProxy(app.test_client(), address="198.51.100.20")
    for _ in range(app.extensions["review_settings"].login_attempts):
        assert sign_in_through(attacker, "not the password", "nobody@center.example") == 401
    assert sign_in_through(attacker, PASSWORD) == 429

    assert sign_in_through(colleague, PASSWORD) == 302
    assert colleague.get("/").status_code == 200


def test_a_forwarded_for_sent_by_the_client_does_not_escape_the_limit(
    engine: sa.engine.Engine,
) -> None:
    """nginx appends the address it saw; the app trusts only that last one."""
    app = review_app(engine, https=True)
    attempts = app.extensions["review_settings"].login_attempts
    for number in range(attempts):
        made_up = f"192.0.2.{number}"
        browser = BrowserThroughProxy(app.test_client(), sent_forwarded_for=made_up)
        assert sign_in_through(browser, "not the password", "nobody@center.example") == 401
    browser = BrowserThroughProxy(app.test_client(), sent_forwarded_for="192.0.2.99")
    assert sign_in_through(browser, PASSWORD) == 429


def test_behind_https_every_response_carries_hsts(proxied: BrowserThroughProxy) -> None:
    responses = [proxied.get("/login"), proxied.get("/"), proxied.get("/static/review.css")]
    responses.append(proxied.submit("/login", "/login", email=EMAIL, password=PASSWORD))
    responses += [proxied.get("/"), proxied.get("/no-such-page"), proxied.get("/audit")]
    assert [response.status_code for response in responses] == [200, 302, 200, 302, 200, 404, 403]
    for response in responses:
        assert response.headers["Strict-Transport-Security"] == HSTS


def test_on_plain_http_there_is_no_hsts(engine: sa.engine.Engine) -> None:
    """`make run` on localhost: HSTS would pin the browser to HTTPS on a port without TLS."""
    client = review_app(engine).test_client()
    responses = [client.get("/login"), client.get("/static/review.css")]
    responses += [sign_in(client, EMAIL), client.get("/"), client.get("/no-such-page")]
    assert [response.status_code for response in responses] == [200, 200, 302, 200, 404]
    for response in responses:
        assert "Strict-Transport-Security" not in response.headers
