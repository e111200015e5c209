"""The whole system as `make run` starts it (scripts/run.sh), for end-to-end tests.

Rasa (REST and the chat widget's socket.io channel), the action server, the
widget's demo website and the staff review app, on free ports, with Rasa's HTTP
API enabled by a test token so tests can read a conversation's stored events.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scripts.local_services import free_port
from tests.conftest import PROJECT_ROOT, latest_model

STARTUP_LIMIT_SECONDS = 240


@dataclass
class RunningSystem:
    rasa_port: int
    action_port: int
    widget_port: int
    review_port: int
    api_token: str
    log_file: Path

    @property
    def database(self) -> Path:
        """The SQLite file the running bot stores conversations in."""
        return self.log_file.parent / "conversations.db"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"

    @property
    def review_url(self) -> str:
        return f"http://localhost:{self.review_port}/"

    @property
    def bot_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def website_url(self) -> str:
        return f"http://localhost:{self.widget_port}/"

    def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """The bot's replies to a message sent over the REST channel."""
        request = urllib.request.Request(
            f"{self.bot_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            return list(json.load(response))

    def text(self, sender: str, message: str) -> str:
        return "\n".join(reply.get("text", "") for reply in self.send(sender, message))

    def stored_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's events as the tracker store has them (Rasa's HTTP API)."""
        url = f"{self.bot_url}/conversations/{conversation_id}/tracker?token={self.api_token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return list(json.load(response)["events"])


def wait_until_up(url: str, process: subprocess.Popen, log_file: Path) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"scripts/run.sh exited early:\n{log_file.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    pytest.fail(f"{url} did not come up:\n{log_file.read_text()[-3000:]}")


@contextmanager
def running_system(
    log_dir: Path, environment: dict[str, str] | None = None
) -> Iterator[RunningSystem]:
    """Starts scripts/run.sh (with extra `environment`) and stops everything it started."""
    latest_model()  # fail clearly if nothing is trained
    rasa_port, action_port, widget_port, review_port = (free_port() for _ in range(4))
    log_file = log_dir / "run.log"
    token = secrets.token_hex(16)
    env = {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "WIDGET_PORT": str(widget_port),
        "REVIEW_PORT": str(review_port),
        "REVIEW_SECRET_KEY": secrets.token_hex(32),
        "RASA_API_TOKEN": token,
        "CONVERSATIONS_DB_URL": f"sqlite:///{log_dir / 'conversations.db'}",
        "CLINIC_INTAKE_HOURS": "24/7",  # the "open now" prompt, whatever the time of the test
    }
    for variable in ("ACTION_SERVER_URL", "WIDGET_ORIGINS", "BOT_URL", "REVIEW_DATABASE_URL"):
        env.pop(variable, None)
    env.update(environment or {})
    with log_file.open("w") as log:
        process = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(f"http://localhost:{action_port}/health", process, log_file)
        wait_until_up(f"http://localhost:{widget_port}/", process, log_file)
        wait_until_up(f"http://localhost:{review_port}/login", process, log_file)
        wait_until_up(f"http://localhost:{rasa_port}/", process, log_file)
        yield RunningSystem(rasa_port, action_port, widget_port, review_port, token, log_file)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
