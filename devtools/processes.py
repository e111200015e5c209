"""Start a server process, wait until its URL answers, stop it and everything it started.

The one way this project runs a local server for the scripts and the tests: each
server runs in its own process group (so `scripts/run.sh`'s children stop with it),
logs to a file, and a failure to start raises `ServerDidNotStart` with the log's tail.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

STARTUP_LIMIT_SECONDS = 300
STOP_LIMIT_SECONDS = 60
POLL_SECONDS = 0.5


class ServerDidNotStart(RuntimeError):
    """A server exited early, or its URL did not answer in time."""


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(log_file: Path, characters: int = 3000) -> str:
    """The end of a server's log (no message text is logged at INFO level)."""
    try:
        return log_file.read_text(errors="replace")[-characters:]
    except OSError:
        return "(no log)"


def answers(url: str) -> bool:
    """Whether a GET of `url` gets any HTTP answer (an error status counts)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_until_up(
    url: str,
    process: subprocess.Popen[bytes],
    log_file: Path,
    limit_seconds: float = STARTUP_LIMIT_SECONDS,
) -> None:
    """Polls `url` until it answers; raises with the log's tail if the process dies first."""
    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"{log_file.stem} exited early:\n{log_tail(log_file)}")
        if answers(url):
            return
        time.sleep(POLL_SECONDS)
    seconds = f"{limit_seconds:.0f} s"
    raise ServerDidNotStart(f"{url} did not come up in {seconds}:\n{log_tail(log_file)}")


def stop_group(process: subprocess.Popen[bytes], signal_number: int = signal.SIGTERM) -> None:
    """Signals the whole process group; SIGKILL if it is still there after a minute."""
    try:
        os.killpg(process.pid, signal_number)
        process.wait(timeout=STOP_LIMIT_SECONDS)
    except ProcessLookupError:
        process.wait()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def spawn(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], log_file: Path
) -> subprocess.Popen[bytes]:
    """Starts `command` in a process group of its own, appending its output to `log_file`."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextmanager
def started(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], log_file: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`spawn`, then `stop_group` on the way out, whatever happened in between."""
    process = spawn(command, cwd, env, log_file)
    try:
        yield process
    finally:
        stop_group(process)


def process_group(pgid: int) -> list[tuple[int, str]]:
    """The (pid, command line) of every live process in the process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:
            members.append((int(entry.name), command.strip()))
    return members
