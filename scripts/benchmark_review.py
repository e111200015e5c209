"""Benchmark of the staff review app on a realistically sized conversations database.

Fills a fresh database (a SQLite file in a temporary directory, or with
`--postgres` a throw-away PostgreSQL server from devtools/services.py) with Rasa's
`events` table: by default 10,000 made-up conversations of 20 events each,
spread over the last 90 days, with the mix of flags the review app filters on.
Event JSON comes from Rasa's own event classes (`as_dict()`), built once per
template and then given each event's timestamp.

Then it builds the review index, signs a staff member in through Flask's test
client and times the pages staff use. Every response must be 200. Prints a
Markdown table to quote, with the machine and date, in docs/review-benchmark.md:

    .venv/bin/python scripts/benchmark_review.py [--postgres]

This is a benchmark, not a test: nothing here runs in CI. No real personal data:
the questions are made up and already redacted ([PHONE], [NAME]) as the bot
stores them; the only phone number is in the fictional 555-01xx range.
"""

from __future__ import annotations

import argparse
import functools
import heapq
import json
import math
import multiprocessing
import os
import platform
import random
import re
import resource
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import sqlalchemy as sa  # noqa: E402 - after SQLALCHEMY_SILENCE_UBER_WARNING is set

CENTER_TIME = ZoneInfo("America/Chicago")
SECRET_KEY = "benchmark-secret-key-not-for-production-0123456789"
STAFF_EMAIL = "benchmark@example.org"
STAFF_PASSWORD = "benchmark-password-4711"
INSERT_CHUNK = 5_000
DAY = 86_400.0

# Share of conversations with each kind of special turn (drawn independently).
EMERGENCY_SHARE = 0.02
CRISIS_SHARE = 0.01
INTAKE_SHARE = 0.10
UNANSWERED_SHARE = 0.08
THUMBS_DOWN_SHARE = 0.03
THUMBS_UP_SHARE = 0.05

# How often visitors ask each FAQ topic, relative to the other topics of the registry
# (actions/faq_topics.yml), which are asked DEFAULT_POPULARITY: withdrawal, addiction and
# interactions most. Names a topic the registry lacks, and the benchmark refuses to run.
DEFAULT_POPULARITY = 2
POPULARITY = {
    "addictive": 6,
    "withdrawal_symptoms": 6,
    "side_effects": 5,
    "interactions_overview": 5,
    "stopping_safely": 4,
    "treatment_options": 4,
    "what_is": 3,
    "uses": 3,
    "signs_of_addiction": 3,
    "is_safe": 3,
    "detox": 3,
    "schedule": 1,
    "off_label": 1,
    "misuse_prevalence": 1,
}
PREFIXES = ("", "", "", "hi ", "hello, ", "quick question: ", "sorry to bother you but ")
SUFFIXES = ("", "", "?", "??", " please", " thanks")
CONFIDENCES = (0.62, 0.71, 0.78, 0.84, 0.88, 0.91, 0.94, 0.96, 0.98, 0.99)
FALLBACK_QUESTIONS = (
    "can my dog take clonazepam",
    "what about the purple ones",
    "klonopin and the keto diet",
    "do the pills show up on a hair test",
    "is 2mg a lot for a tall person",
    "my aunt gave me some of hers is that ok",
    "what does the stamp on the pill mean",
    "idk",
)
OUT_OF_SCOPE_QUESTIONS = (
    "what's the weather tomorrow",
    "can you order me a pizza",
    "who won the game last night",
    "how do I reset my patient portal password",
)
EMERGENCY_MESSAGES = (
    "my friend took a whole bottle and won't wake up",
    "my brother is breathing really slowly after taking a bunch of pills",
    "she mixed klonopin and vodka and her lips look blue",
)
CRISIS_MESSAGES = (
    "I don't want to be here anymore",
    "I keep thinking everyone would be better off without me",
)
INTAKE_MESSAGES = (
    "how do I get my brother into treatment",
    "I want to sign up for your program",
    "can someone call me back at [PHONE]",
    "my name is [NAME], how do I start",
)
INTAKE_PHONE = "816-555-0142"


@dataclass(frozen=True)
class Plan:
    """What to generate."""

    conversations: int
    events_per_conversation: int
    days: int
    seed: int


@dataclass
class FillSummary:
    """What was stored: totals, per-flag conversation counts and a sample conversation."""

    conversations: int = 0
    events: int = 0
    seconds: float = 0.0
    flags: Counter[str] = field(default_factory=Counter)
    sample_sender_id: str = ""  # a conversation from the middle of the period
    sample_events: int = 0
    peak_rss_mib: float = 0.0  # of the process that filled the database


@dataclass(frozen=True)
class Measurement:
    """Timings of one page, in milliseconds, and the size of its response."""

    name: str
    first_ms: float
    median_ms: float
    p95_ms: float
    kilobytes: float


@functools.cache
def faq_questions() -> dict[str, tuple[str, ...]]:
    """Visitor questions per topic of the registry: its held-out examples and its button question.

    The held-out examples (tests/nlu_test.yml) are made-up visitor questions, one set per
    topic (tests/data_checks/test_topic_registry.py sees to it), so a new topic is in the
    benchmark without touching this script.
    """
    from actions.faq_topics import load_catalogue
    from devtools.project_files import examples_by_intent

    catalogue = load_catalogue()
    unknown = sorted(set(POPULARITY) - set(catalogue))
    if unknown:
        raise SystemExit(f"POPULARITY names topics not in actions/faq_topics.yml: {unknown}")
    held_out = examples_by_intent("tests/nlu_test.yml")
    return {
        key: (*held_out.get(f"faq/{key}", ()), topic.question) for key, topic in catalogue.items()
    }


# --- Events ------------------------------------------------------------------------------


class EventTemplates:
    """Rasa events as dicts (`as_dict()`), built once per distinct event, then re-timed."""

    def __init__(self) -> None:
        from rasa.shared.core import events

        self._events = events
        self._cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def _cached(self, key: tuple[Any, ...], build: Callable[[], Any]) -> dict[str, Any]:
        template = self._cache.get(key)
        if template is None:
            template = self._cache[key] = build().as_dict()
        return template

    def visitor(self, text: str, intent: str, confidence: float) -> dict[str, Any]:
        """A visitor message as Rasa parsed it (`faq/<topic>` carries the response selector)."""
        from devtools.conversation_events import visitor

        def build() -> Any:
            return visitor(text, intent, 0.0, confidence)

        return self._cached(("user", text, intent, confidence), build)

    def bot(self, text: str, response: str, buttons: Sequence[str] = ()) -> dict[str, Any]:
        """A bot message from the response `response`."""
        data = {"buttons": [{"title": title, "payload": f"/{title}"} for title in buttons]}
        return self._cached(
            ("bot", text, response, tuple(buttons)),
            lambda: self._events.BotUttered(
                text, data if buttons else {}, {"utter_action": response}, timestamp=0.0
            ),
        )

    def action(self, name: str) -> dict[str, Any]:
        """An executed action."""
        return self._cached(
            ("action", name), lambda: self._events.ActionExecuted(name, timestamp=0.0)
        )

    def slot(self, name: str, value: Any) -> dict[str, Any]:
        """A slot set (values are made hashable for the cache key through JSON)."""
        return self._cached(
            ("slot", name, json.dumps(value, sort_keys=True)),
            lambda: self._events.SlotSet(name, value, timestamp=0.0),
        )

    def session_started(self) -> dict[str, Any]:
        """The start of a session."""
        return self._cached(("session",), lambda: self._events.SessionStarted(timestamp=0.0))


Block = list[dict[str, Any]]


@dataclass
class ConversationBuilder:
    """Turns of one made-up conversation (templates; timestamps are added later)."""

    templates: EventTemplates
    rng: random.Random

    def header(self) -> Block:
        """The session start Rasa writes before the first message."""
        t = self.templates
        return [t.action("action_session_start"), t.session_started(), t.action("action_listen")]

    def _question(self, text: str) -> str:
        rng = self.rng
        question = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
        return question.capitalize() if rng.random() < 0.3 else question

    def faq(self) -> tuple[Block, str]:
        """A question on a FAQ topic and its answer; returns the block and the response name."""
        t, rng = self.templates, self.rng
        questions = faq_questions()
        topics = list(questions)
        weights = [POPULARITY.get(topic, DEFAULT_POPULARITY) for topic in topics]
        topic = rng.choices(topics, weights)[0]
        response = f"utter_faq/{topic}"
        text = self._question(rng.choice(questions[topic]))
        block = [
            t.visitor(text, f"faq/{topic}", rng.choice(CONFIDENCES)),
            t.action("utter_faq"),
            t.bot(f"Here is what we can tell you about {topic.replace('_', ' ')}.", response),
        ]
        if rng.random() < 0.5:
            block += [t.action("action_offer_intake"), t.slot("intake_offer_due", False)]
        return [*block, t.action("action_listen")], response

    def feedback(self, rating: str, response: str) -> Block:
        """The 👍/👎 the widget stores as a slot event after an answer."""
        value = {"rating": rating, "response": response, "text": "Here is what we can tell you"}
        return [self.templates.slot("answer_feedback", value)]

    def emergency(self) -> Block:
        """An emergency report and the 911 guidance."""
        t = self.templates
        return [
            t.visitor(self.rng.choice(EMERGENCY_MESSAGES), "report_emergency", 0.99),
            t.slot("safety_mode", "emergency"),
            t.action("action_emergency_guidance"),
            t.slot("safety_reason", "pattern: unresponsive"),
            t.bot("Call 911 now. Stay with them.", "utter_emergency_911"),
            t.action("action_listen"),
        ]

    def crisis(self) -> Block:
        """A crisis message and the 988 guidance."""
        t = self.templates
        return [
            t.visitor(self.rng.choice(CRISIS_MESSAGES), "express_crisis", 0.97),
            t.slot("safety_mode", "crisis"),
            t.action("action_crisis_support"),
            t.bot("You can call or text 988, any time.", "utter_crisis_988"),
            t.action("action_listen"),
        ]

    def intake(self) -> Block:
        """A request for treatment and the intake prompt."""
        t = self.templates
        return [
            t.visitor(self._question(self.rng.choice(INTAKE_MESSAGES)), "request_intake", 0.93),
            t.action("action_intake_prompt"),
            t.slot("intake_phone", INTAKE_PHONE),
            t.slot("intake_prompt_shown", True),
            t.bot(f"Call our intake team at {INTAKE_PHONE}.", "utter_intake_prompt"),
            t.action("action_listen"),
        ]

    def unanswered(self) -> Block:
        """A message the bot was unsure about (suggestions) or that is out of scope."""
        t, rng = self.templates, self.rng
        if rng.random() < 0.6:
            return [
                t.visitor(rng.choice(FALLBACK_QUESTIONS), "nlu_fallback", rng.choice((0.21, 0.34))),
                t.action("action_suggest_topics"),
                t.slot("has_topic_suggestions", True),
                t.bot(
                    "Sorry, I'm not sure. Did you mean:",
                    "utter_suggest_topics",
                    ("Is it addictive?", "Withdrawal symptoms"),
                ),
                t.action("action_listen"),
            ]
        return [
            t.visitor(rng.choice(OUT_OF_SCOPE_QUESTIONS), "out_of_scope", 0.88),
            t.action("utter_out_of_scope"),
            t.bot("I can only answer questions about clonazepam.", "utter_out_of_scope"),
            t.action("action_listen"),
        ]

    def conversation(self, length: int, flags: Counter[str]) -> Block:
        """`length` events: a first question, special turns that fit, more questions.

        Counts the conversation's flags; only a plain question at the end is cut short.
        """
        rng = self.rng
        first, response = self.faq()
        rating_draw = rng.random()
        if rating_draw < THUMBS_DOWN_SHARE + THUMBS_UP_SHARE:
            rating = "down" if rating_draw < THUMBS_DOWN_SHARE else "up"
            first = first + self.feedback(rating, response)
        blocks = [self.header(), first]
        size = sum(map(len, blocks))
        if size <= length and rating_draw < THUMBS_DOWN_SHARE + THUMBS_UP_SHARE:
            flags[f"thumbs_{rating}"] += 1
        middle: list[Block] = []
        draws = (
            ("emergency", EMERGENCY_SHARE, self.emergency),
            ("crisis", CRISIS_SHARE, self.crisis),
            ("intake", INTAKE_SHARE, self.intake),
            ("unanswered", UNANSWERED_SHARE, self.unanswered),
        )
        for flag, share, make in draws:
            if rng.random() < share:
                special = make()
                if size + len(special) <= length:
                    middle.append(special)
                    size += len(special)
                    flags[flag] += 1
        while size < length:
            middle.append(self.faq()[0])
            size += len(middle[-1])
        last = middle.pop() if size > length and middle else None  # a question cut short
        rng.shuffle(middle)
        if last:
            middle.append(last)
        return [event for block in blocks + middle for event in block][:length]


def _timed_rows(
    sender_id: str, start: float, templates: Block, rng: random.Random
) -> Iterator[tuple[float, dict[str, Any]]]:
    """The `events` rows of a conversation, as Rasa's SQLTrackerStore.save writes them."""
    timestamp = start
    for template in templates:
        kind = template["event"]
        if kind == "user" and timestamp > start:
            timestamp += rng.uniform(4.0, 120.0)  # the visitor reads and types
        else:
            timestamp += rng.uniform(0.005, 0.4)  # the bot answers
        data = dict(template, timestamp=timestamp)
        intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
        row = {
            "sender_id": sender_id,
            "type_name": kind,
            "timestamp": timestamp,
            "intent_name": intent,
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
        yield timestamp, row


def generate_rows(plan: Plan, summary: FillSummary) -> Iterator[dict[str, Any]]:
    """Every conversation's rows in timestamp order (overlapping conversations interleave)."""
    rng = random.Random(plan.seed)
    builder = ConversationBuilder(EventTemplates(), rng)
    now = time.time()
    starts = sorted(now - rng.uniform(600.0, plan.days * DAY) for _ in range(plan.conversations))
    pending: list[tuple[float, int, dict[str, Any]]] = []
    sequence = 0
    for number, start in enumerate(starts):
        while pending and pending[0][0] < start:
            yield heapq.heappop(pending)[2]
        sender_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        templates = builder.conversation(plan.events_per_conversation, summary.flags)
        if number == plan.conversations // 2:
            summary.sample_sender_id, summary.sample_events = sender_id, len(templates)
        for timestamp, row in _timed_rows(sender_id, start, templates, rng):
            heapq.heappush(pending, (timestamp, sequence, row))
            sequence += 1
        summary.conversations += 1
    while pending:
        yield heapq.heappop(pending)[2]


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def fill_events(engine: sa.engine.Engine, plan: Plan) -> FillSummary:
    """Creates Rasa's `events` table and bulk-inserts the generated conversations."""
    from rasa.core.tracker_store import SQLTrackerStore

    started = time.perf_counter()
    SQLTrackerStore.Base.metadata.create_all(engine)
    table = SQLTrackerStore.SQLEvent.__table__
    summary = FillSummary()
    with engine.begin() as connection:
        for chunk in _chunks(generate_rows(plan, summary), INSERT_CHUNK):
            connection.execute(table.insert(), chunk)
            summary.events += len(chunk)
    summary.seconds = time.perf_counter() - started
    return summary


# --- Databases -----------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    """The URL of a SQLite file in a temporary directory (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="review-benchmark-") as directory:
        yield f"sqlite:///{Path(directory) / 'conversations.db'}"


def database_version(engine: sa.engine.Engine) -> str:
    """The database's kind and version, e.g. "SQLite 3.40.1" or "PostgreSQL 15.8"."""
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as connection:
        version = connection.execute(sa.text("SHOW server_version")).scalar_one()
    return f"PostgreSQL {str(version).split()[0]}"


# --- The app -------------------------------------------------------------------------------


def signed_in_client(app: Any) -> Any:
    """A test client signed in as the benchmark's staff account (created here)."""
    from review.accounts import create_account

    create_account(app.extensions["review_engine"], STAFF_EMAIL, "Benchmark Staff", STAFF_PASSWORD)
    client = app.test_client()
    page = client.get("/login")
    _require(page.status_code == 200, f"GET /login gave {page.status_code}")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    token = found.group(1) if found else ""
    _require(token, "no CSRF token on the sign-in page")
    form = {"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": token}
    signed_in = client.post("/login", data=form)
    _require(signed_in.status_code == 302, f"sign-in gave {signed_in.status_code}")
    return client


def _require(condition: object, problem: str) -> None:
    """Stops the benchmark (also under `python -O`, unlike assert): it must not time errors."""
    if not condition:
        raise SystemExit(f"Benchmark stopped: {problem}")


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` between 0 and 1)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(
    client: Any,
    name: str,
    url: str,
    repeats: int,
    check: Callable[[bytes], None] | None = None,
) -> Measurement:
    """Times the first request of `url` and `repeats` more; every response must be 200."""
    timings: list[float] = []
    size = 0
    for _ in range(repeats + 1):
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        timings.append((time.perf_counter() - started) * 1000)
        _require(response.status_code == 200, f"{url} gave {response.status_code}")
        size = len(body)
        if check and len(timings) == 1:
            check(body)
    repeated = timings[1:]
    return Measurement(
        name=name,
        first_ms=timings[0],
        median_ms=statistics.median(repeated),
        p95_ms=percentile(repeated, 0.95),
        kilobytes=size / 1024,
    )


def _contains(text: str) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        _require(text.encode() in body, f"the page does not say {text!r}")

    return check


def _export_of(expected: int) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        exported = json.loads(body)
        _require(len(exported) == expected, f"exported {len(exported)}, expected {expected}")

    return check


def measure_pages(client: Any, summary: FillSummary, repeats: int) -> list[Measurement]:
    """Times every page in the table, in order."""
    from review.conversations import PAGE_SIZE

    emergencies = summary.flags["emergency"]
    listed = '<table class="conversations">'
    page = min(100, math.ceil(summary.conversations / PAGE_SIZE))
    pages: list[tuple[str, str, Callable[[bytes], None] | None]] = [
        ("List, page 1, no filter", "/conversations", _contains(f"{summary.conversations} conv")),
        ("List, flag=emergency", "/conversations?flag=emergency", _contains(f"{emergencies} conv")),
        ("List, text search q=withdrawal", "/conversations?q=withdrawal", _contains(listed)),
        (f"List, page {page}", f"/conversations?page={page}", _contains(f"Page {page} of")),
        (
            f"Transcript ({summary.sample_events} events)",
            f"/conversations/{summary.sample_sender_id}",
            _contains(summary.sample_sender_id),
        ),
        ("Dashboard `/` (30 days)", "/", _contains("<h1>Dashboard</h1>")),
        ("Dashboard `/?days=90`", "/?days=90", _contains("<h1>Dashboard</h1>")),
        ("Unanswered report (30 days)", "/unanswered", _contains(" groups")),
        ("Unanswered report (90 days)", "/unanswered?days=90", _contains(" groups")),
        (
            "JSON export, flag=emergency",
            "/export?format=json&flag=emergency",
            _export_of(emergencies),
        ),
    ]
    return [measure(client, name, url, repeats, check) for name, url, check in pages]


# --- Report --------------------------------------------------------------------------------


def _proc_value(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine_line(database: str) -> str:
    """Cores, memory, CPU, Python, database and the UTC date, as `date -u` prints it."""
    memory_kb = _proc_value("/proc/meminfo", "MemTotal").split()[0]
    memory = f"{int(memory_kb) / 1024**2:.1f} GiB" if memory_kb.isdigit() else "unknown"
    stamp = datetime.now(timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")
    return (
        f"Machine: {os.cpu_count()} cores, {memory} RAM, "
        f"{_proc_value('/proc/cpuinfo', 'model name')}; Python {platform.python_version()}; "
        f"{database}; {stamp}; load average {os.getloadavg()[0]:.2f} at the end"
    )


def peak_rss_mib() -> float:
    """The peak resident set size of this process so far (Linux counts KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Results:
    """Everything the report prints."""

    database: str
    plan: Plan
    summary: FillSummary
    app_import_seconds: float
    index_seconds: float
    measurements: list[Measurement]
    repeats: int


def print_report(results: Results) -> None:
    """The header lines and the Markdown table."""
    summary, plan = results.summary, results.plan
    flags = ", ".join(f"{name} {count:,}" for name, count in sorted(summary.flags.items()))
    flags = flags or "no flags"
    print(f"## Review app benchmark ({results.database})")
    print()
    print(machine_line(results.database))
    print()
    print(
        f"Data: {summary.conversations:,} conversations, {summary.events:,} events over the "
        f"last {plan.days} days (conversations with {flags}); filled in {summary.seconds:.1f} s."
    )
    print(
        f"Importing review.app: {results.app_import_seconds:.1f} s. Initial index build "
        f"(refresh_index on all {summary.events:,} events): {results.index_seconds:.1f} s."
    )
    print(
        f"Peak RSS: {peak_rss_mib():.0f} MiB in the benchmark process (the app and the test "
        f"client); {summary.peak_rss_mib:.0f} MiB in the child process that filled the "
        "database (it imports Rasa)."
    )
    print()
    print(
        f"| Page | first call (ms) | median of next {results.repeats} (ms) "
        f"| p95 of next {results.repeats} (ms) | response (KiB) |"
    )
    print("|---|---:|---:|---:|---:|")
    for m in results.measurements:
        print(
            f"| {m.name} | {m.first_ms:,.1f} | {m.median_ms:,.1f} | {m.p95_ms:,.1f} "
            f"| {m.kilobytes:,.1f} |"
        )


# --- Main ----------------------------------------------------------------------------------


def fill_database(database_url: str, plan: Plan) -> FillSummary:
    """Fills the database in a child process, so Rasa's memory is not counted as the app's."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        summary: FillSummary = pool.apply(_fill_events_at, (database_url, plan))
    return summary


def _fill_events_at(database_url: str, plan: Plan) -> FillSummary:
    engine = sa.create_engine(database_url)
    try:
        summary = fill_events(engine, plan)
    finally:
        engine.dispose()
    summary.peak_rss_mib = peak_rss_mib()
    return summary


def run(database_url: str, plan: Plan, repeats: int) -> Results:
    """Fills the database, builds the index and times the pages."""
    summary = fill_database(database_url, plan)
    started = time.perf_counter()
    from review.app import create_app
    from review.indexer import refresh_index
    from review.settings import ReviewSettings

    app_import_seconds = time.perf_counter() - started
    app = create_app(ReviewSettings(database_url, SECRET_KEY, CENTER_TIME))
    engine: sa.engine.Engine = app.extensions["review_engine"]
    started = time.perf_counter()
    indexed = refresh_index(engine)
    index_seconds = time.perf_counter() - started
    _require(indexed == summary.events, f"indexed {indexed} of {summary.events} events")
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # what autovacuum does soon after a bulk load
            connection.execute(sa.text("ANALYZE"))

    client = signed_in_client(app)
    measurements = measure_pages(client, summary, repeats)
    database = database_version(engine)
    engine.dispose()
    return Results(
        database, plan, summary, app_import_seconds, index_seconds, measurements, repeats
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the options and runs the benchmark on SQLite or PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL server")
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--events-per-conversation", type=int, default=20)
    parser.add_argument("--days", type=int, default=90, help="spread over the last N days")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls after the first")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args(argv)
    for option in ("conversations", "events_per_conversation", "days", "repeats"):
        if getattr(arguments, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be at least 1")
    plan = Plan(
        arguments.conversations, arguments.events_per_conversation, arguments.days, arguments.seed
    )
    faq_questions()  # a POPULARITY topic missing from the registry stops it here, not in the fill
    started = time.perf_counter()
    database: AbstractContextManager[str]
    if arguments.postgres:
        from devtools.services import temporary_postgres

        database = temporary_postgres()
    else:
        database = sqlite_database()
    with database as database_url:
        results = run(database_url, plan, arguments.repeats)
    print_report(results)
    print()
    print(f"Benchmark run time: {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
