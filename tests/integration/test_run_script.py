"""What `make run` (scripts/run.sh) exposes: Rasa on this machine only, and each secret only
in the processes that use it (#17)."""

from __future__ import annotations

from pathlib import Path

from devtools.running_system import RunningSystem

LISTENING = "0A"  # TCP state in /proc/net/tcp


def descendants(pid: int) -> list[int]:
    """Every process started, directly or not, by `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    pairs = (item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)
    return dict(pairs)


def command_of(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net shows them) listening on `port`."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.rsplit(":", 1)
            if state == LISTENING and int(local_port, 16) == port:
                addresses.add(address)
    return addresses


def test_rasa_listens_on_this_machine_only(system: RunningSystem) -> None:
    assert listening_addresses(system.rasa_port) == {"0100007F"}  # 127.0.0.1


def test_each_secret_reaches_only_the_processes_that_use_it(system: RunningSystem) -> None:
    processes = {command_of(pid): environment_of(pid) for pid in descendants(system.process.pid)}
    holders = {
        secret: sorted(command for command, env in processes.items() if secret in env)
        for secret in ("ACTION_SERVER_TOKEN", "CONVERSATION_ID_SECRET")
    }
    assert len(holders["ACTION_SERVER_TOKEN"]) == 2
    assert all(
        "run_actions.py" in command or "rasa run" in command
        for command in holders["ACTION_SERVER_TOKEN"]
    )
    assert len(holders["CONVERSATION_ID_SECRET"]) == 1
    assert "rasa run" in holders["CONVERSATION_ID_SECRET"][0]
    others = [command for command in processes if "serve_widget" in command or "review" in command]
    assert len(others) == 2  # the demo website and the staff app hold neither
