"""Simulated website visitors for scripts/benchmark.py: concurrent REST conversations.

Each visitor is a coroutine that holds one conversation after another, each with
a fresh sender id, sending the conversation's messages one by one to Rasa's REST
channel (`POST /webhooks/rest/webhook`) with no think time: the next message
goes as soon as the previous reply has arrived. While the visitors run, the
resident memory (VmRSS) of the given server processes is sampled every 0.5 s.

A request is an error when it raises (connection error, timeout), answers with
a status other than 200, or answers with an empty reply list. Nothing here logs
or prints what the visitors say or what the bot answers.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

REST_PATH = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_SECONDS = 60.0
RSS_SAMPLE_INTERVAL_SECONDS = 0.5


@dataclass(frozen=True)
class Sample:
    """One request: how long it took and, if it failed, how."""

    latency_s: float
    error: str | None = None


@dataclass
class LevelResult:
    """What one load level measured."""

    concurrency: int
    seconds: float
    elapsed_s: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    conversations: int = 0
    peak_rss_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        """Requests sent, answered or not."""
        return len(self.samples)

    @property
    def errors(self) -> int:
        """Requests that failed (exception, status other than 200, empty reply list)."""
        return sum(1 for sample in self.samples if sample.error)

    @property
    def error_kinds(self) -> Counter[str]:
        """How the failed requests failed, e.g. {"HTTP 500": 3}."""
        return Counter(sample.error for sample in self.samples if sample.error)

    @property
    def throughput(self) -> float:
        """Successful requests per second of wall time."""
        return (self.requests - self.errors) / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def conversations_per_second(self) -> float:
        """Conversations whose every message was sent, per second of wall time."""
        return self.conversations / self.elapsed_s if self.elapsed_s else 0.0

    def latency_ms(self, percent: float) -> float | None:
        """The latency percentile of the successful requests (nearest rank), in ms."""
        latencies = sorted(sample.latency_s for sample in self.samples if not sample.error)
        if not latencies:
            return None
        rank = max(1, math.ceil(percent / 100 * len(latencies)))
        return latencies[rank - 1] * 1000

    def summary(self) -> dict[str, object]:
        """The level's figures as plain JSON values."""
        return {
            "concurrency": self.concurrency,
            "seconds": self.seconds,
            "elapsed_s": round(self.elapsed_s, 3),
            "requests": self.requests,
            "errors": self.errors,
            "error_kinds": dict(self.error_kinds),
            "conversations": self.conversations,
            "throughput_rps": round(self.throughput, 3),
            "conversations_per_s": round(self.conversations_per_second, 3),
            "p50_ms": _rounded(self.latency_ms(50)),
            "p95_ms": _rounded(self.latency_ms(95)),
            "p99_ms": _rounded(self.latency_ms(99)),
            "peak_rss_bytes": dict(self.peak_rss_bytes),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def vm_rss_bytes(pid: int) -> int | None:
    """The process's resident set size from /proc/<pid>/status, or None if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


async def sample_peak_rss(pids: Mapping[str, int], stop: asyncio.Event) -> dict[str, int]:
    """The highest VmRSS of each named process, sampled every 0.5 s until `stop` is set."""
    peaks = dict.fromkeys(pids, 0)
    while True:
        for name, pid in pids.items():
            peaks[name] = max(peaks[name], vm_rss_bytes(pid) or 0)
        try:
            await asyncio.wait_for(stop.wait(), RSS_SAMPLE_INTERVAL_SECONDS)
        except asyncio.TimeoutError:
            continue
        return peaks


async def send(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> Sample:
    """Sends one message and times it until the whole reply body has arrived."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return Sample(time.perf_counter() - started, type(error).__name__)
    latency = time.perf_counter() - started
    if status != 200:
        return Sample(latency, f"HTTP {status}")
    try:
        replies = json.loads(body)
    except ValueError:
        return Sample(latency, "invalid JSON")
    if not isinstance(replies, list) or not replies:
        return Sample(latency, "empty reply")
    return Sample(latency)


def new_sender() -> str:
    """A fresh conversation id, as the widget makes one per visitor."""
    return f"bench-{uuid.uuid4().hex}"


async def visitor(
    session: aiohttp.ClientSession,
    url: str,
    messages: Sequence[str],
    deadline: float,
    result: LevelResult,
) -> None:
    """Holds conversations until the deadline; a conversation cut off by it is not counted."""
    while time.monotonic() < deadline:
        sender = new_sender()
        for message in messages:
            if time.monotonic() >= deadline:
                return
            result.samples.append(await send(session, url, sender, message))
        result.conversations += 1


def client_session(concurrency: int) -> aiohttp.ClientSession:
    """A session with one keep-alive connection per visitor at most."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
    )


async def run_level(
    base_url: str,
    messages: Sequence[str],
    concurrency: int,
    seconds: float,
    pids: Mapping[str, int],
) -> LevelResult:
    """`concurrency` visitors talking to the bot for `seconds`, with the peak RSS of `pids`."""
    result = LevelResult(concurrency=concurrency, seconds=seconds)
    url = base_url + REST_PATH
    async with client_session(concurrency) as session:
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_peak_rss(pids, stop))
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(visitor(session, url, messages, deadline, result) for _ in range(concurrency))
        )
        result.elapsed_s = time.monotonic() - started
        stop.set()
        result.peak_rss_bytes = await sampler
    return result


async def warm_up(base_url: str, messages: Sequence[str]) -> list[str]:
    """One conversation before measuring; the failures as "message <n>: <how>"."""
    url = base_url + REST_PATH
    sender = new_sender()
    failures = []
    async with client_session(1) as session:
        for number, message in enumerate(messages, start=1):
            sample = await send(session, url, sender, message)
            if sample.error:
                failures.append(f"message {number}: {sample.error}")
    return failures


def combined(parts: Sequence[LevelResult]) -> LevelResult:
    """One level's result from the slices it was measured in.

    Requests, conversations and time are added up; each process's peak memory is the
    highest of the slices'.
    """
    first = parts[0]
    total = LevelResult(first.concurrency, sum(part.seconds for part in parts))
    for part in parts:
        total.samples.extend(part.samples)
        total.elapsed_s += part.elapsed_s
        total.conversations += part.conversations
        for name, peak in part.peak_rss_bytes.items():
            total.peak_rss_bytes[name] = max(total.peak_rss_bytes.get(name, 0), peak)
    return total
