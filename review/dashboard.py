"""The numbers behind the dashboard's charts, for a period ending today.

Days and weeks are the center's (its time zone); weeks start on Monday. Each
conversation counts once per language split: in the language its visitor messages
were answered in, or as "English and Spanish" if it switched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import sqlalchemy as sa

from review.conversations import LANGUAGES, languages_name, split_languages
from review.indexer import UNANSWERED_INTENTS
from review.schema import conversations, feedback, messages

PERIODS = (30, 90, 365)
TOP_TOPICS = 10


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page draws."""

    first_day: date
    last_day: date
    conversations_per_day: list[tuple[str, int]]
    top_topics: list[tuple[str, int]]
    weeks: list[str]
    fallback_rate_per_week: list[tuple[str, float]]
    emergencies_per_week: list[int]
    crises_per_week: list[int]
    feedback_per_answer: list[tuple[str, int, int]]  # response, 👍, 👎
    total_conversations: int
    total_messages: int
    total_unanswered: int
    # ("English", 12), ("Spanish", 3), ("English and Spanish", 1): every language, then mixes
    conversations_by_language: list[tuple[str, int]]
    conversations_per_week_by_language: dict[str, list[int]]  # same order, one count a week


def _day(timestamp: float, timezone: tzinfo) -> date:
    return datetime.fromtimestamp(timestamp, timezone).date()


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_dashboard(
    engine: sa.engine.Engine, timezone: tzinfo, days: int, today: date | None = None
) -> Dashboard:
    """The chart data for the `days` days up to and including `today`."""
    last_day = today or datetime.now(timezone).date()
    first_day = last_day - timedelta(days=days - 1)
    start = datetime.combine(first_day, datetime.min.time(), timezone).timestamp()
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), timezone).timestamp()
    with engine.connect() as connection:
        conversation_rows = connection.execute(
            sa.select(
                conversations.c.started_at,
                conversations.c.emergency,
                conversations.c.crisis,
                conversations.c.languages,
            ).where(conversations.c.started_at >= start, conversations.c.started_at < end)
        ).all()
        message_rows = connection.execute(
            sa.select(messages.c.at, messages.c.topic).where(
                messages.c.at >= start, messages.c.at < end
            )
        ).all()
        feedback_rows = connection.execute(
            sa.select(feedback.c.response, feedback.c.rating, sa.func.count())
            .where(feedback.c.at >= start, feedback.c.at < end)
            .group_by(feedback.c.response, feedback.c.rating)
        ).all()

    per_day = Counter(_day(row.started_at, timezone) for row in conversation_rows)
    all_days = [first_day + timedelta(days=offset) for offset in range(days)]
    weeks = sorted({_week(day) for day in all_days})
    emergencies = Counter(
        _week(_day(row.started_at, timezone)) for row in conversation_rows if row.emergency
    )
    crises = Counter(
        _week(_day(row.started_at, timezone)) for row in conversation_rows if row.crisis
    )
    messages_per_week: Counter[date] = Counter()
    unanswered_per_week: Counter[date] = Counter()
    answered_topics: Counter[str] = Counter()
    for row in message_rows:
        week = _week(_day(row.at, timezone))
        messages_per_week[week] += 1
        if row.topic in UNANSWERED_INTENTS:
            unanswered_per_week[week] += 1
        else:
            answered_topics[row.topic] += 1
    per_language: dict[tuple[str, ...], Counter[date]] = {(code,): Counter() for code in LANGUAGES}
    for row in conversation_rows:
        codes = split_languages(row.languages)
        per_language.setdefault(codes, Counter())[_week(_day(row.started_at, timezone))] += 1
    rank = {code: index for index, code in enumerate(LANGUAGES)}  # unknown codes after
    splits = sorted(
        per_language,
        key=lambda codes: (len(codes), [rank.get(code, len(rank)) for code in codes], codes),
    )
    ratings: dict[str, Counter[str]] = {}
    for response, rating, count in feedback_rows:
        ratings.setdefault(response, Counter())[rating] += int(count)
    return Dashboard(
        first_day=first_day,
        last_day=last_day,
        conversations_per_day=[(day.isoformat(), per_day[day]) for day in all_days],
        top_topics=answered_topics.most_common(TOP_TOPICS),
        weeks=[week.isoformat() for week in weeks],
        fallback_rate_per_week=[
            (week.isoformat(), unanswered_per_week[week] / messages_per_week[week])
            for week in weeks
            if messages_per_week[week]
        ],
        emergencies_per_week=[emergencies[week] for week in weeks],
        crises_per_week=[crises[week] for week in weeks],
        feedback_per_answer=sorted(
            ((response, counts["up"], counts["down"]) for response, counts in ratings.items()),
            key=lambda item: (-item[2], -item[1], item[0]),
        ),
        total_conversations=len(conversation_rows),
        total_messages=len(message_rows),
        total_unanswered=sum(unanswered_per_week.values()),
        conversations_by_language=[
            (languages_name(codes), sum(per_language[codes].values())) for codes in splits
        ],
        conversations_per_week_by_language={
            languages_name(codes): [per_language[codes][week] for week in weeks] for codes in splits
        },
    )
