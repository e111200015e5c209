"""Action server plugin: every request but the health check needs the shared token.

rasa-sdk 3.6 has no authentication option. It does load a top-level package
named `rasa_sdk_plugins` if one can be imported (rasa_sdk/plugin.py) and calls
`init_hooks(manager)`; this one registers `attach_sanic_app_extensions`, which
adds a request middleware to the action server's Sanic app.

The token is ACTION_SERVER_TOKEN, the same value the Rasa server sends in
endpoints.yml (`Authorization: Bearer ...`); scripts/run.sh makes a random one
per start unless it is set. Without a token every action request is refused
(fail closed). The action server also listens on 127.0.0.1 only (SANIC_HOST).
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
from typing import Any

import pluggy
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
OPEN_PATHS = frozenset({"/health"})


def init_hooks(manager: pluggy.PluginManager) -> None:
    """Called by rasa-sdk's plugin discovery: registers this module's hooks."""
    manager.register(sys.modules[__name__])


def is_authorised(authorization: str | None, token: str) -> bool:
    """Whether the Authorization header carries the shared token (constant-time compare)."""
    if not token or not authorization:
        return False
    return hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


@hookimpl
def attach_sanic_app_extensions(app: Any) -> None:
    """Adds the token check in front of every route but /health."""
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        logger.error("%s is not set: the action server refuses every request.", TOKEN_VARIABLE)

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if is_authorised(request.headers.get("authorization"), token):
            return None
        logger.warning("Refused an action server request without the right token.")
        return response.json({"error": "Unauthorised."}, status=401)

    app.register_middleware(require_token, "request")
