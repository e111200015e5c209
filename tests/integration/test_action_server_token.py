"""rasa_sdk_plugins: the action server answers only the Rasa server (shared token)."""

from __future__ import annotations

import os
import urllib.error
import urllib.request

import pytest

from devtools.running_system import RunningSystem
from rasa_sdk_plugins import is_authorised


def test_only_the_exact_bearer_token_is_accepted() -> None:
    assert is_authorised("Bearer s3cret-token", "s3cret-token")
    for header in (None, "", "s3cret-token", "Bearer s3cret", "Bearer s3cret-token ", "Basic x"):
        assert not is_authorised(header, "s3cret-token")
    assert not is_authorised("Bearer ", "")  # no token configured: nobody gets in


def status(url: str, authorization: str | None = None, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body)
    if authorization is not None:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "token-for-tests-only"])
def test_the_running_action_server_refuses_requests_without_the_token(
    system: RunningSystem, authorization: str | None
) -> None:
    base = f"http://127.0.0.1:{system.action_port}"
    assert status(f"{base}/actions", authorization) == 401
    assert status(f"{base}/webhook", authorization, body=b'{"next_action": "x"}') == 401
    assert status(f"{base}/health") == 200


def test_the_rasa_server_and_the_action_server_share_the_token(system: RunningSystem) -> None:
    token = os.environ["ACTION_SERVER_TOKEN"]
    assert status(f"http://127.0.0.1:{system.action_port}/actions", f"Bearer {token}") == 200
    # A custom action's answer reaches the visitor: Rasa sent the token too.
    assert "tel:" in str(system.send("token-visitor", "how do I get my brother into treatment"))
