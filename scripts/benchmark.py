"""Benchmark of our bot against Rasa's stock bot (`rasa init`) under the same load.

This is a benchmark, not a test: nothing here runs in CI. In one run it:

1. makes sure Rasa's default project is created and trained under
   `.bench/stock-bot/` (`rasa init --no-prompt`, once; later runs reuse it) and
   its training time measured once, with `rasa train --force` in a fresh copy
   (kept in `.bench/stock-bot.training.json`);
2. with `--measure-training`, times `rasa train --force` of our bot into a
   temporary directory (the project's models/ and .rasa/cache are untouched);
3. serves our bot exactly as `make run` does (scripts/run.sh: action server,
   Rasa server, demo website and review app, on free ports, conversations in a
   temporary SQLite file) and measures its cold start (seconds until `GET /`
   answers); then the stock bot (`rasa run`, REST channel, SQL tracker store on a
   temporary SQLite file, no HTTP API) and its cold start;
4. sends each one warm-up conversation, then runs each load level on the two bots
   in turn, in slices of at most 10 s (ours, stock, ours, stock, ...), so that a
   machine that slows down or speeds up during the run (a shared VM does, by a
   quarter within minutes) weighs on both alike;
5. writes docs/benchmarks.md (and the raw figures to docs/benchmarks.json) and
   prints the tables.

    .venv/bin/python scripts/benchmark.py --measure-training        # as `make bench`
    .venv/bin/python scripts/benchmark.py --seconds 5 --levels 1,10 # a quick try

Only one bot is under load at a time; the other waits, idle. Nothing printed or
logged contains what the simulated visitors say or what the bots answer.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import math
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from devtools.load_generator import LevelResult, combined, run_level, warm_up
from devtools.processes import (
    ServerDidNotStart,
    free_port,
    log_tail,
    process_group,
    started,
    wait_until_up,
)
from devtools.project_files import PROJECT_ROOT
from devtools.running_system import INHERITED_VARIABLES, running_system

RASA = PROJECT_ROOT / ".venv" / "bin" / "rasa"
BENCH_DIR = PROJECT_ROOT / ".bench"
STOCK_DIR = BENCH_DIR / "stock-bot"
STOCK_TRAINING_FILE = BENCH_DIR / "stock-bot.training.json"
SETTLE_SECONDS = 3
# The longest stretch one bot is loaded before the other takes its turn.
SLICE_SECONDS = 10.0
BUSY_LOAD_AVERAGE = 1.0
MIB = 1024 * 1024
# Component options shown in the report: what makes a model slower or faster.
SPEED_OPTIONS = ("epochs", "number_of_transformer_layers", "max_history")
# Rasa 3.6's defaults for those options where they are not given.
DEFAULT_SPEED_OPTIONS = {"DIETClassifier": {"number_of_transformer_layers": 2}}

# A visitor of the center's website: two FAQ answers, the interaction check
# (custom action) and the intake prompt (custom action).
OUR_CONVERSATION = (
    "is klonopin addictive?",
    "can I drink alcohol while taking it?",
    "what are the withdrawal symptoms",
    "how long does it stay in my system",
    "I want to talk to someone about treatment",
)
# The stock bot's own domain (data/nlu.yml of `rasa init`): its sad path, then a
# rule (bot challenge) and the goodbye rule. Every message gets a reply.
STOCK_CONVERSATION = (
    "hello there",
    "I am sad",
    "yes",
    "are you a bot?",
    "bye",
)
QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


@dataclass
class BotResult:
    """Everything measured for one bot."""

    name: str
    cold_start_s: float = 0.0
    training_s: float | None = None
    training_note: str = ""
    levels: list[LevelResult] = field(default_factory=list)


@dataclass(frozen=True)
class Server:
    """A bot being served: its URL, cold start and the processes to watch."""

    url: str
    cold_start_s: float
    pids: dict[str, int]


# --- processes ----------------------------------------------------------------------------


def base_environment() -> dict[str, str]:
    """This process's environment without make's port defaults; Rasa quiet unless set."""
    env = {**QUIET_ENVIRONMENT, **os.environ}
    for variable in (*INHERITED_VARIABLES, "RASA_API_TOKEN"):
        env.pop(variable, None)
    return env


def find_pid(pgid: int, *, actions: bool) -> int:
    """The Rasa server (or with `actions` the action server) started in the process group."""
    for pid, command in sorted(process_group(pgid)):
        action_server = "run_actions.py" in command or "rasa run actions" in command
        if action_server if actions else ("rasa run" in command and not action_server):
            return pid
    sys.exit(f"No {'action' if actions else 'Rasa'} server process in group {pgid}.")


# --- serving the two bots -----------------------------------------------------------------


@contextmanager
def serve_ours(work_dir: Path) -> Iterator[Server]:
    """Our bot as `make run` starts it (scripts/run.sh, no HTTP API), on free ports."""
    with running_system(work_dir, {**QUIET_ENVIRONMENT, "RASA_API_TOKEN": ""}) as system:
        pids = {
            "rasa": find_pid(system.process.pid, actions=False),
            "actions": find_pid(system.process.pid, actions=True),
        }
        yield Server(system.bot_url, system.rasa_ready_seconds, pids)


def stock_endpoints(work_dir: Path) -> Path:
    """The stock bot's endpoints.yml plus a SQL tracker store on a SQLite file in `work_dir`."""
    endpoints = work_dir / "stock-endpoints.yml"
    tracker_store = (
        f"\ntracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {work_dir / 'stock.db'}\n"
    )
    endpoints.write_text((STOCK_DIR / "endpoints.yml").read_text() + tracker_store)
    return endpoints


@contextmanager
def serve_stock(work_dir: Path) -> Iterator[Server]:
    """The stock bot with `rasa run`: REST channel, SQLite tracker store, no HTTP API."""
    port = free_port()
    command = [
        str(RASA),
        "run",
        "--model",
        "models",
        "--port",
        str(port),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        str(stock_endpoints(work_dir)),
    ]
    log_file = work_dir / "stock.log"
    start = time.monotonic()
    with started(command, STOCK_DIR, base_environment(), log_file) as process:
        url = f"http://localhost:{port}"
        wait_until_up(f"{url}/", process, log_file)
        cold_start = time.monotonic() - start
        yield Server(url, cold_start, {"rasa": find_pid(process.pid, actions=False)})


# --- training -----------------------------------------------------------------------------


def rasa_version() -> str:
    """The installed Rasa version."""
    from importlib.metadata import version

    return version("rasa")


def run_logged(command: Sequence[str], cwd: Path, env: dict[str, str], log_file: Path) -> float:
    """Runs `command` with its output in `log_file`; its wall time in seconds."""
    start = time.monotonic()
    with log_file.open("wb") as log:
        completed = subprocess.run(
            list(command), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if completed.returncode != 0:
        sys.exit(f"{shlex.join(command)} failed:\n{log_tail(log_file)}")
    return time.monotonic() - start


def timed_training(project: Path, out_dir: Path, log_file: Path) -> float:
    """Seconds `rasa train --force` takes in `project`, with a fresh cache, into `out_dir`."""
    env = {**base_environment(), "RASA_CACHE_DIRECTORY": str(out_dir / "cache")}
    command = [str(RASA), "train", "--force", "--out", str(out_dir / "models")]
    print(f"  timing `rasa train --force` in {project.name}/ ...", flush=True)
    return run_logged(command, project, env, log_file)


def stock_training_record() -> dict[str, Any] | None:
    """The recorded stock training time, if there is one (made with this Rasa version)."""
    try:
        record = json.loads(STOCK_TRAINING_FILE.read_text())
    except (OSError, ValueError):
        return None
    return dict(record) if record.get("rasa_version") == rasa_version() else None


def create_stock_bot() -> None:
    """`rasa init --no-prompt` (creates and trains the project) into .bench/stock-bot/."""
    partial = BENCH_DIR / "stock-bot.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print("  creating and training the stock bot with `rasa init --no-prompt` ...", flush=True)
    command = [str(RASA), "init", "--no-prompt", "--init-dir", str(partial)]
    run_logged(command, BENCH_DIR, base_environment(), BENCH_DIR / "stock-bot.init.log")
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    partial.rename(STOCK_DIR)


def measure_stock_training() -> dict[str, Any]:
    """Times `rasa train --force` on a fresh copy of the stock project (no models, no cache)."""
    with tempfile.TemporaryDirectory(prefix="stock-training-") as temporary:
        copy = Path(temporary) / "stock-bot"
        copy.mkdir()
        for name in ("config.yml", "domain.yml", "data"):
            source = STOCK_DIR / name
            if source.is_dir():
                shutil.copytree(source, copy / name)
            else:
                shutil.copy2(source, copy / name)
        load_average = os.getloadavg()[0]
        seconds = timed_training(copy, Path(temporary), Path(temporary) / "train.log")
    return {
        "load_average_before": round(load_average, 2),
        "training_s": round(seconds, 1),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rasa_version": rasa_version(),
        "machine": machine_summary(),
    }


def ensure_stock_bot() -> dict[str, Any]:
    """The cached stock bot's training record; creates the bot and times its training if needed.

    The bot is (re)created when it has no trained model or its record is from another Rasa
    version; its training is timed when there is no record.
    """
    has_model = bool(list((STOCK_DIR / "models").glob("*.tar.gz")))
    record = stock_training_record()
    if not has_model or (record is None and STOCK_TRAINING_FILE.exists()):
        print("Stock bot: not in .bench/ yet, building it (once).", flush=True)
        STOCK_TRAINING_FILE.unlink(missing_ok=True)
        create_stock_bot()
        record = None
    if record is None:
        record = measure_stock_training()
        STOCK_TRAINING_FILE.write_text(json.dumps(record, indent=2) + "\n")
    return record


def stock_training_note(record: dict[str, Any]) -> str:
    """When (and, if elsewhere, on what machine) the stock bot's training was timed."""
    note = f"The stock bot's training was timed on {record['measured_at']}"
    if record.get("machine") != machine_summary():
        note += f", on another machine ({record.get('machine')})"
    if "load_average_before" in record:
        note += f", load average {record['load_average_before']:.2f} before"
    return note + " (cached in `.bench/`; delete `.bench/stock-bot.training.json` to retime)."


def measure_our_training() -> float:
    """Seconds `rasa train --force` takes for our bot, into a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="our-training-") as temporary:
        return timed_training(PROJECT_ROOT, Path(temporary), Path(temporary) / "train.log")


# --- the load -----------------------------------------------------------------------------


def warm(result: BotResult, server: Server, messages: Sequence[str]) -> None:
    """Records the cold start and sends one warm-up conversation."""
    result.cold_start_s = server.cold_start_s
    print(
        f"  {result.name}: cold start {server.cold_start_s:.1f} s; warm-up conversation",
        flush=True,
    )
    failures = asyncio.run(warm_up(server.url, messages))
    if failures:
        sys.exit(f"{result.name}: the warm-up conversation failed: {', '.join(failures)}")


def slices(seconds: float) -> list[float]:
    """`seconds` cut into equal slices of at most SLICE_SECONDS."""
    count = max(1, math.ceil(seconds / SLICE_SECONDS))
    return [seconds / count] * count


def benchmark_level(
    bots: Sequence[tuple[BotResult, Server, Sequence[str]]], concurrency: int, seconds: float
) -> None:
    """One load level on each bot, the bots taking turns slice by slice."""
    print(f"  {visitors(concurrency)} for {seconds:g} s each ...", flush=True)
    parts: dict[str, list[LevelResult]] = {result.name: [] for result, _, _ in bots}
    for length in slices(seconds):
        for result, server, messages in bots:
            time.sleep(SETTLE_SECONDS)
            part = asyncio.run(run_level(server.url, messages, concurrency, length, server.pids))
            parts[result.name].append(part)
    for result, _, _ in bots:
        level = combined(parts[result.name])
        result.levels.append(level)
        print(
            f"    {result.name}: {level.throughput:.1f} requests/s, "
            f"p95 {format_ms(level.latency_ms(95))} ms, {level.errors} errors",
            flush=True,
        )


# --- the report ---------------------------------------------------------------------------


def _file_value(path: str, key: str, separator: str = ":") -> str:
    """The value of the first `key<separator>value` line of a file like /proc/cpuinfo."""
    try:
        for line in Path(path).read_text().splitlines():
            name, found, value = line.partition(separator)
            if found and name.strip() == key:
                return value.strip()
    except OSError:
        pass
    return "unknown"


def os_name() -> str:
    """The distribution's PRETTY_NAME and the kernel release."""
    pretty = _file_value("/etc/os-release", "PRETTY_NAME", "=").strip('"')
    return f"{pretty}, Linux {platform.release()}"


def machine_summary() -> str:
    """CPU model, cores, RAM, OS and Python version on one line."""
    memory_kb = _file_value("/proc/meminfo", "MemTotal").split()[0]
    memory = f"{int(memory_kb) / MIB:.1f} GiB" if memory_kb.isdigit() else "unknown"
    return (
        f"{_file_value('/proc/cpuinfo', 'model name')}, {os.cpu_count()} cores, {memory} RAM; "
        f"{os_name()}; Python {platform.python_version()}"
    )


def visitors(concurrency: int) -> str:
    """E.g. "1 concurrent visitor", "10 concurrent visitors"."""
    return f"{concurrency} concurrent visitor{'' if concurrency == 1 else 's'}"


def format_ms(value: float | None) -> str:
    """Milliseconds with one decimal, or a dash."""
    return "—" if value is None else f"{value:,.1f}"


def format_ratio(ours: float | None, stock: float | None) -> str:
    """The ratio ours / stock with two decimals and a ×, or a dash."""
    if ours is None or not stock:
        return "—"
    return f"{ours / stock:.2f}×"


def format_mib(value: int | None) -> str:
    """Bytes as MiB, or a dash."""
    return f"{value / MIB:,.0f}" if value else "—"


def format_errors(level: LevelResult) -> str:
    """Failed of sent requests, with how they failed."""
    text = f"{level.errors} of {level.requests:,}"
    if level.errors:
        kinds = ", ".join(f"{kind} ×{count}" for kind, count in level.error_kinds.most_common())
        text += f" ({kinds})"
    return text


def level_table(ours: LevelResult, stock: LevelResult) -> list[str]:
    """The side-by-side table of one load level."""
    rows = [
        (
            "Throughput (requests/s)",
            f"{ours.throughput:,.1f}",
            f"{stock.throughput:,.1f}",
            format_ratio(ours.throughput, stock.throughput),
        ),
        (
            "Conversations/s",
            f"{ours.conversations_per_second:,.2f}",
            f"{stock.conversations_per_second:,.2f}",
            "",
        ),
        ("p50 latency (ms)", format_ms(ours.latency_ms(50)), format_ms(stock.latency_ms(50)), ""),
        (
            "p95 latency (ms)",
            format_ms(ours.latency_ms(95)),
            format_ms(stock.latency_ms(95)),
            format_ratio(ours.latency_ms(95), stock.latency_ms(95)),
        ),
        ("p99 latency (ms)", format_ms(ours.latency_ms(99)), format_ms(stock.latency_ms(99)), ""),
        ("Errors", format_errors(ours), format_errors(stock), ""),
        (
            "Peak RSS, Rasa server (MiB)",
            format_mib(ours.peak_rss_bytes.get("rasa")),
            format_mib(stock.peak_rss_bytes.get("rasa")),
            "",
        ),
        ("Peak RSS, action server (MiB)", format_mib(ours.peak_rss_bytes.get("actions")), "—", ""),
    ]
    lines = ["| | ours | stock | ours/stock |", "|---|---:|---:|---:|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return lines


def startup_table(ours: BotResult, stock: BotResult) -> list[str]:
    """Cold start and training time, side by side."""

    def seconds(value: float | None) -> str:
        return "—" if value is None else f"{value:,.1f}"

    rows = [
        ("Cold start: process start to `GET /` (s)", ours.cold_start_s, stock.cold_start_s),
        ("Training, `rasa train --force` (s)", ours.training_s, stock.training_s),
    ]
    lines = ["| | ours | stock | ours/stock |", "|---|---:|---:|---:|"]
    for label, mine, theirs in rows:
        lines.append(
            f"| {label} | {seconds(mine)} | {seconds(theirs)} | {format_ratio(mine, theirs)} |"
        )
    return lines


def results_section(ours: BotResult, stock: BotResult) -> list[str]:
    """The tables: start-up and training, then one per load level."""
    lines = ["## Start-up and training", "", *startup_table(ours, stock), ""]
    if ours.training_note or stock.training_note:
        lines += [note for note in (ours.training_note, stock.training_note) if note]
        lines.append("")
    for mine, theirs in zip(ours.levels, stock.levels, strict=True):
        lines += [
            f"## {visitors(mine.concurrency)}, {mine.seconds:g} s",
            "",
            *level_table(mine, theirs),
            "",
        ]
    return lines


def rasa_default_config() -> dict[str, Any]:
    """Rasa's default config (what an empty `pipeline:` or `policies:` stands for)."""
    spec = importlib.util.find_spec("rasa")
    if spec is None or spec.origin is None:
        return {}
    default = Path(spec.origin).parent / "engine" / "recipes" / "config_files"
    return dict(yaml.safe_load((default / "default_config.yml").read_text()))


def describe_component(component: dict[str, Any]) -> str:
    """A component's short name with the options that matter for speed."""
    name = str(component["name"]).rsplit(".", 1)[-1]
    options = [f"{key}={component[key]}" for key in SPEED_OPTIONS if key in component]
    options += [
        f"{key}={value} by default"
        for key, value in DEFAULT_SPEED_OPTIONS.get(name, {}).items()
        if key not in component
    ]
    return f"{name} ({', '.join(options)})" if options else name


def describe_config(config_file: Path) -> str:
    """The pipeline and policies of a config.yml (Rasa's defaults where it has none)."""
    config = yaml.safe_load(config_file.read_text()) or {}
    default = rasa_default_config()
    parts = []
    for key in ("pipeline", "policies"):
        components = config.get(key) or default.get(key) or []
        source = "" if config.get(key) else " (Rasa's defaults)"
        names = ", ".join(describe_component(component) for component in components)
        parts.append(f"{key.capitalize()}{source}: {names}.")
    return " ".join(parts)


def method_section(seconds: float, levels: Sequence[int]) -> list[str]:
    """How the figures were obtained, in a few bullets."""
    quoted = ", ".join(f'"{message}"' for message in OUR_CONVERSATION)
    stock_quoted = ", ".join(f'"{message}"' for message in STOCK_CONVERSATION)
    return [
        "## How it was measured",
        "",
        "- **Our bot** is served exactly as `make run` serves it (`scripts/run.sh`): the action "
        "server, the Rasa server with `credentials.yml` and `endpoints.yml` (guarded REST and "
        "socket.io channels, the redacting SQL tracker store), the demo website and the staff "
        "review app, on free ports, with conversations in a fresh SQLite file. "
        f"{describe_config(PROJECT_ROOT / 'config.yml')}",
        "- **The stock bot** is Rasa's default project (`rasa init --no-prompt`), created and "
        "trained once in `.bench/stock-bot/`, served with `rasa run` and its own "
        "`credentials.yml` (REST channel), HTTP API off. Its `endpoints.yml` gets "
        "`tracker_store: {type: SQL, dialect: sqlite}` on a fresh file, so **both bots write "
        "every conversation to SQLite**. It has no custom actions, so no action server. "
        f"{describe_config(STOCK_DIR / 'config.yml')}",
        "- **Cold start**: seconds from starting the process (for ours, `scripts/run.sh`, which "
        "starts its four servers at once) until the Rasa server answers `GET /`; this includes "
        "loading the trained model.",
        "- **Training**: wall time of `rasa train --force` with an empty cache; ours into a "
        "temporary directory (`--measure-training`), the stock bot's once, in a fresh copy of "
        "its project, when `.bench/` was built.",
        f"- **Load**: at {', '.join(str(level) for level in levels)} concurrent simulated visitors "
        f"for {seconds:g} s each, each visitor holds one conversation after another, each with a "
        "fresh sender id and no think time, over `POST /webhooks/rest/webhook` (asyncio + "
        "aiohttp, on the same machine). Our conversation: "
        f"{quoted} (two FAQ answers, the interaction check and the intake prompt, both custom "
        f"actions). The stock bot's, from its own training data: {stock_quoted}. One warm-up "
        "conversation first. Both bots are up at once but only one is under load at a time: "
        f"each level runs in slices of at most {SLICE_SECONDS:g} s, ours then the stock bot's, "
        "in turn, so that the machine speeding up or slowing down during the run (a shared VM "
        "does) weighs on both alike; each bot's figures add up its slices.",
        "- **Figures**: throughput = successful requests per second of wall time; "
        "conversations/s counts conversations whose five messages were all sent; latency "
        "percentiles (nearest rank) of the successful requests, from sending to the whole reply; "
        "an error is an exception, a status other than 200 or an empty reply list; peak RSS is "
        "the highest `VmRSS` of the server process, sampled every 0.5 s during the level.",
        "",
    ]


def busy_warning(load_average: float) -> list[str]:
    """A warning when other work was running as the benchmark started."""
    if load_average < BUSY_LOAD_AVERAGE:
        return []
    return [
        f"**The machine was busy** when this run started (load average {load_average:.2f} on "
        f"{os.cpu_count()} cores): other work competed for the CPU, so these figures are noisier "
        "and worse than on a quiet machine.",
        "",
    ]


@dataclass(frozen=True)
class RunInfo:
    """How and when the benchmark was run."""

    command: str
    when: datetime
    load_average: float
    seconds: float
    levels: Sequence[int]


def report(ours: BotResult, stock: BotResult, run: RunInfo) -> str:
    """docs/benchmarks.md."""
    lines = [
        "# Benchmark: our bot and Rasa's stock bot",
        "",
        "Generated by `scripts/benchmark.py` (`make bench`); rerun it rather than editing this "
        "file. A benchmark, not a test.",
        "",
        f"- **Command**: `{run.command}`",
        f"- **Date**: {run.when.strftime('%Y-%m-%d %H:%M:%S UTC')}",
        f"- **Machine**: {machine_summary()}; Rasa {rasa_version()}",
        f"- **Load average** (1 min) at the start: {run.load_average:.2f}",
        "",
        *busy_warning(run.load_average),
        *method_section(run.seconds, run.levels),
        *results_section(ours, stock),
    ]
    return "\n".join(lines).rstrip() + "\n"


def raw_figures(ours: BotResult, stock: BotResult, run: RunInfo) -> dict[str, Any]:
    """docs/benchmarks.json: the same figures, unrounded where it matters."""

    def bot(result: BotResult) -> dict[str, Any]:
        return {
            "cold_start_s": round(result.cold_start_s, 2),
            "training_s": result.training_s,
            "levels": [level.summary() for level in result.levels],
        }

    return {
        "command": run.command,
        "date": run.when.isoformat(timespec="seconds"),
        "load_average": round(run.load_average, 2),
        "seconds": run.seconds,
        "levels": list(run.levels),
        "machine": machine_summary(),
        "rasa_version": rasa_version(),
        "ours": bot(ours),
        "stock": bot(stock),
    }


# --- main ---------------------------------------------------------------------------------


def parse_levels(text: str) -> list[int]:
    """Parses "1,10,50" into [1, 10, 50]."""
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from error
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("levels must be positive numbers")
    return levels


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=60, help="per level (default 60)")
    parser.add_argument(
        "--levels", type=parse_levels, default=[1, 10, 50], help="concurrent visitors, 1,10,50"
    )
    parser.add_argument(
        "--measure-training",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="time `rasa train --force` of our bot (~3-4 min; on in `make bench`)",
    )
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--json", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.json")
    return parser.parse_args(argv)


def the_command(argv: Sequence[str]) -> str:
    """The command line as it was typed, relative to the project."""
    return shlex.join([".venv/bin/python", "scripts/benchmark.py", *argv])


def main(argv: Sequence[str] | None = None) -> None:
    """Runs the whole benchmark and writes the report."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_arguments(argv)
    run = RunInfo(
        the_command(argv), datetime.now(timezone.utc), os.getloadavg()[0], args.seconds, args.levels
    )
    ours, stock = BotResult("ours"), BotResult("stock")

    stock_record = ensure_stock_bot()
    stock.training_s = stock_record["training_s"]
    stock.training_note = stock_training_note(stock_record)
    if args.measure_training:
        print("Our bot: training time", flush=True)
        ours.training_s = round(measure_our_training(), 1)
    else:
        ours.training_note = "Our training time not measured (run with `--measure-training`)."

    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        work_dir = Path(temporary)
        print("Starting our bot (scripts/run.sh), then the stock bot (rasa run)", flush=True)
        with serve_ours(work_dir) as our_server:
            time.sleep(SETTLE_SECONDS)
            with serve_stock(work_dir) as stock_server:
                bots = [
                    (ours, our_server, OUR_CONVERSATION),
                    (stock, stock_server, STOCK_CONVERSATION),
                ]
                for result, server, messages in bots:
                    warm(result, server, messages)
                for concurrency in args.levels:
                    benchmark_level(bots, concurrency, args.seconds)

    text = report(ours, stock, run)
    args.output.write_text(text)
    args.json.write_text(json.dumps(raw_figures(ours, stock, run), indent=2) + "\n")
    print()
    print(text)
    print(f"Written to {args.output} and {args.json}.")


if __name__ == "__main__":
    try:
        main()
    except ServerDidNotStart as error:
        sys.exit(str(error))
