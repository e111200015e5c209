"""The whole system as `make run` starts it (scripts/run.sh), on free ports.

Rasa (REST and the chat widget's socket.io channel), the action server, the
widget's demo website and the staff review app, with Rasa's HTTP API enabled by
a random token so the end-to-end tests can read a conversation's stored events.
The end-to-end tests and the load benchmark (scripts/benchmark.py) both start it
here.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.processes import free_port, started, wait_until_up
from devtools.project_files import PROJECT_ROOT, latest_model

STARTUP_LIMIT_SECONDS = 240
# make's and the shell's settings for a single `make run` that must not leak into this one.
INHERITED_VARIABLES = ("ACTION_SERVER_URL", "WIDGET_ORIGINS", "BOT_URL", "REVIEW_DATABASE_URL")


@dataclass
class RunningSystem:
    """The started system: its ports, Rasa's API token, its log and its process group."""

    rasa_port: int
    action_port: int
    widget_port: int
    review_port: int
    api_token: str
    log_file: Path
    process: subprocess.Popen[bytes]
    rasa_ready_seconds: float  # from starting scripts/run.sh until Rasa answered
    takeover_token: str = ""  # the review app's key to Rasa's takeover routes

    @property
    def database(self) -> Path:
        """The SQLite file the running bot stores conversations in."""
        return self.log_file.parent / "conversations.db"

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL of that file."""
        return f"sqlite:///{self.database}"

    @property
    def callback_key_file(self) -> Path:
        """The key the running system encrypts callback requests with."""
        return self.log_file.parent / "callback.key"

    @property
    def review_url(self) -> str:
        """The staff review app."""
        return f"http://localhost:{self.review_port}/"

    @property
    def bot_url(self) -> str:
        """The Rasa server (REST and socket.io channels)."""
        return f"http://localhost:{self.rasa_port}"

    @property
    def website_url(self) -> str:
        """The demo page of the center's website, with the chat widget."""
        return f"http://localhost:{self.widget_port}/"

    def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The bot's replies to a message sent over the REST channel."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        request = urllib.request.Request(
            f"{self.bot_url}/webhooks/rest/webhook",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            return list(json.load(response))

    def text(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> str:
        """The texts of the bot's replies, one per line."""
        replies = self.send(sender, message, metadata)
        return "\n".join(reply.get("text", "") for reply in replies)

    def stored_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's events as the tracker store has them (Rasa's HTTP API)."""
        url = f"{self.bot_url}/conversations/{conversation_id}/tracker?token={self.api_token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return list(json.load(response)["events"])


@contextmanager
def running_system(
    log_dir: Path, environment: Mapping[str, str] | None = None
) -> Iterator[RunningSystem]:
    """Starts scripts/run.sh (with extra `environment`) and stops everything it started."""
    latest_model()  # fail clearly if nothing is trained
    rasa_port, action_port, widget_port, review_port = (free_port() for _ in range(4))
    log_file = log_dir / "run.log"
    token = secrets.token_hex(16)
    takeover_token = secrets.token_hex(32)
    env = {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "WIDGET_PORT": str(widget_port),
        "REVIEW_PORT": str(review_port),
        "REVIEW_SECRET_KEY": secrets.token_hex(32),
        "RASA_API_TOKEN": token,
        "TAKEOVER_TOKEN": takeover_token,
        "CONVERSATIONS_DB_URL": f"sqlite:///{log_dir / 'conversations.db'}",
        "CLINIC_INTAKE_HOURS": "24/7",  # the "open now" prompt, whatever the time
        # Callback requests on, with a key of this run only (its file is made by run.sh).
        "CALLBACK_KEY_FILE": str(log_dir / "callback.key"),
    }
    env.pop("CALLBACK_KEYS", None)
    for variable in INHERITED_VARIABLES:
        env.pop(variable, None)
    env.update(environment or {})
    start = time.monotonic()
    with started(["scripts/run.sh"], PROJECT_ROOT, env, log_file) as process:
        wait_until_up(f"http://localhost:{rasa_port}/", process, log_file, STARTUP_LIMIT_SECONDS)
        rasa_ready_seconds = time.monotonic() - start
        for url in (
            f"http://localhost:{action_port}/health",
            f"http://localhost:{widget_port}/",
            f"http://localhost:{review_port}/login",
        ):
            wait_until_up(url, process, log_file, STARTUP_LIMIT_SECONDS)
        yield RunningSystem(
            rasa_port,
            action_port,
            widget_port,
            review_port,
            token,
            log_file,
            process,
            rasa_ready_seconds,
            takeover_token,
        )
