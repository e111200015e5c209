"""Calls the Rasa server's live-takeover routes as the review app does (channels/takeover.py)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def call_takeover(
    bot_url: str, token: str, route: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """POSTs `body` to /webhooks/takeover/<route> with the token: the status and JSON answer."""
    request = urllib.request.Request(
        f"{bot_url}/webhooks/takeover/{route}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
