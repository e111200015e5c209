"""The chat widget forgets a conversation when the server's session ends (#17, point 3).

On a shared computer, a conversation the server has ended must not stay on the screen for the
next person: widget/chat-widget.js drops its history after SESSION_EXPIRY_MINUTES without a
message, which has to be the server's session length (domain.yml, `session_config`).
"""

from __future__ import annotations

import re
from typing import Any

from devtools.project_files import PROJECT_ROOT

WIDGET = PROJECT_ROOT / "widget" / "chat-widget.js"


def test_the_widget_forgets_a_conversation_when_the_server_ends_it(domain: dict[str, Any]) -> None:
    server_minutes = domain["session_config"]["session_expiration_time"]
    found = re.findall(r"const SESSION_EXPIRY_MINUTES = (\d+);", WIDGET.read_text(encoding="utf-8"))
    assert found, "SESSION_EXPIRY_MINUTES is no longer defined in chat-widget.js"
    assert [int(minutes) for minutes in found] == [server_minutes]
