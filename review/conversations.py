"""Finding and reading conversations: filters, the paginated list, transcripts, tags, notes.

Filters come from the list page's query string (and the export CLI) and are
validated here: a bad date or an unknown flag gives a message, never an error page.
Dates are days in the center's time zone.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from review.indexer import DEFAULT_LANGUAGE, LanguageTrack, visitor_message
from review.schema import conversations, events, messages, notes, tags

PAGE_SIZE = 50
FLAGS: Mapping[str, str] = {
    "emergency": "Emergency (911 guidance)",
    "crisis": "Crisis (988 guidance)",
    "intake": "Intake prompt shown",
    "unanswered": "Unanswered question",
    "thumbs_down": "Thumbs down on an answer",
}
STATUSES: Mapping[str, str] = {"new": "Not reviewed", "reviewed": "Reviewed"}
# The assistant's languages (the `language` slot's values), in the order pages list them.
LANGUAGES: Mapping[str, str] = {"en": "English", "es": "Spanish"}
TAG_PATTERN = re.compile(r"^[\w][\w -]{0,39}$")
MAX_NOTE_LENGTH = 4_000
MAX_SEARCH_LENGTH = 200


def _flag_condition(flag: str) -> sa.sql.ColumnElement[bool]:
    column = {
        "emergency": conversations.c.emergency,
        "crisis": conversations.c.crisis,
        "intake": conversations.c.intake_prompt_shown,
        "unanswered": conversations.c.unanswered > 0,
        "thumbs_down": conversations.c.thumbs_down > 0,
    }[flag]
    return column if flag in ("unanswered", "thumbs_down") else column.is_(True)


def language_name(code: str) -> str:
    """The name of a language code: "English" for "en" (an unknown code in capitals)."""
    return LANGUAGES.get(code, code.upper())


def languages_name(codes: Sequence[str]) -> str:
    """The names of language codes: "English", or "English and Spanish"."""
    names = [language_name(code) for code in codes]
    return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))


@functools.lru_cache(maxsize=64)  # a few distinct values, read on every row of the dashboard
def split_languages(column_value: str | None) -> tuple[str, ...]:
    """The codes of a `languages` column ("en,es"), known ones first, in LANGUAGES' order."""
    codes = set((column_value or DEFAULT_LANGUAGE).split(",")) - {""}
    return tuple([code for code in LANGUAGES if code in codes] + sorted(codes - set(LANGUAGES)))


def _language_condition(code: str) -> sa.sql.ColumnElement[bool]:
    """Conversations with a visitor message answered in this language."""
    column = conversations.c.languages
    return sa.or_(
        column == code,
        column.like(f"{code},%"),
        column.like(f"%,{code}"),
        column.like(f"%,{code},%"),
    )


@dataclass(frozen=True)
class ConversationFilter:
    """What the staff member is looking for; every field optional."""

    date_from: date | None = None
    date_to: date | None = None
    flags: frozenset[str] = frozenset()
    topic: str = ""
    status: str = ""
    tag: str = ""
    text: str = ""
    language: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> tuple[ConversationFilter, list[str]]:
        """The filter in a query string (a werkzeug MultiDict or a plain dict) and any problems."""
        problems: list[str] = []

        def day(name: str, label: str) -> date | None:
            value = str(query.get(name) or "").strip()
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                problems.append(f"The {label} date must look like 2026-11-26; it was ignored.")
                return None

        getlist = getattr(query, "getlist", None)
        raw_flags = getlist("flag") if getlist else query.get("flag") or []
        if isinstance(raw_flags, str):
            raw_flags = [raw_flags]
        flags = frozenset(flag for flag in raw_flags if flag in FLAGS)
        if len(flags) != len(set(raw_flags)):
            problems.append("An unknown flag was ignored.")
        status = str(query.get("status") or "")
        if status and status not in STATUSES:
            problems.append("An unknown review status was ignored.")
            status = ""
        language = str(query.get("language") or "")
        if language and language not in LANGUAGES:
            problems.append("An unknown language was ignored.")
            language = ""
        found = cls(
            date_from=day("from", "start"),
            date_to=day("to", "end"),
            flags=flags,
            topic=str(query.get("topic") or "").strip()[:255],
            status=status,
            tag=str(query.get("tag") or "").strip().lower()[:64],
            text=str(query.get("q") or "").strip()[:MAX_SEARCH_LENGTH],
            language=language,
        )
        if found.date_from and found.date_to and found.date_from > found.date_to:
            problems.append("The start date is after the end date, so they were swapped.")
            found = replace(found, date_from=found.date_to, date_to=found.date_from)
        return found, problems

    def to_query(self) -> dict[str, Any]:
        """The query-string parameters that reproduce this filter (for links and export)."""
        query: dict[str, Any] = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "flag": sorted(self.flags),
            "topic": self.topic,
            "status": self.status,
            "language": self.language,
            "tag": self.tag,
            "q": self.text,
        }
        return {name: value for name, value in query.items() if value}

    def describe(self) -> str:
        """A short description for the audit log.

        The search text is left out, only its length is kept: staff may type a visitor's
        words or a name, and a keyed hash of a short name would be guessed by whoever
        holds the key.
        """
        parts = [f"{name}={value}" for name, value in self.to_query().items() if name != "q"]
        if self.text:
            parts.append(f"q=(text search, {len(self.text)} characters)")
        return ", ".join(parts) or "all conversations"

    def conditions(self, timezone: tzinfo) -> list[sa.sql.ColumnElement[bool]]:
        """SQL conditions on review_conversation selecting what the filter asks for."""
        found: list[sa.sql.ColumnElement[bool]] = []
        if self.date_from:
            start = datetime.combine(self.date_from, datetime.min.time(), timezone)
            found.append(conversations.c.started_at >= start.timestamp())
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), datetime.min.time(), timezone)
            found.append(conversations.c.started_at < end.timestamp())
        found.extend(_flag_condition(flag) for flag in sorted(self.flags))
        if self.status:
            found.append(conversations.c.reviewed.is_(self.status == "reviewed"))
        if self.language:
            found.append(_language_condition(self.language))
        if self.tag:
            found.append(
                conversations.c.sender_id.in_(
                    sa.select(tags.c.sender_id).where(tags.c.tag == self.tag)
                )
            )
        if self.topic:
            found.append(
                conversations.c.sender_id.in_(
                    sa.select(messages.c.sender_id).where(messages.c.topic == self.topic)
                )
            )
        if self.text:
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", self.text.lower()) + "%"
            found.append(
                conversations.c.sender_id.in_(
                    sa.select(messages.c.sender_id).where(
                        sa.func.lower(messages.c.text).like(pattern, escape="\\")
                    )
                )
            )
        return found


@dataclass(frozen=True)
class ConversationRow:
    """One line of the conversation list."""

    sender_id: str
    started_at: float
    last_event_at: float
    visitor_messages: int
    flags: tuple[str, ...]
    reviewed: bool
    tags: tuple[str, ...]
    first_message: str
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)  # every language it was answered in


@dataclass(frozen=True)
class ConversationPage:
    """A page of the list, with totals for the pager and the per-flag counts."""

    rows: list[ConversationRow]
    total: int
    page: int
    pages: int
    flag_counts: dict[str, int]


def _flags_of(row: Any) -> tuple[str, ...]:
    present = {
        "emergency": row.emergency,
        "crisis": row.crisis,
        "intake": row.intake_prompt_shown,
        "unanswered": row.unanswered > 0,
        "thumbs_down": row.thumbs_down > 0,
    }
    return tuple(flag for flag in FLAGS if present[flag])


def list_conversations(
    engine: sa.engine.Engine, chosen: ConversationFilter, timezone: tzinfo, page: int = 1
) -> ConversationPage:
    """The conversations matching the filter, newest first, one page of them.

    The flag counts are for the filter without its own flags, so each count says
    how many of the otherwise-filtered conversations a click on that flag shows.
    """
    conditions = chosen.conditions(timezone)
    without_flags = replace(chosen, flags=frozenset()).conditions(timezone)
    with engine.connect() as connection:
        total = int(
            connection.execute(
                sa.select(sa.func.count()).select_from(conversations).where(*conditions)
            ).scalar_one()
        )
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = connection.execute(
            sa.select(conversations)
            .where(*conditions)
            .order_by(conversations.c.started_at.desc(), conversations.c.sender_id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).all()
        counts = connection.execute(
            sa.select(
                *(
                    sa.func.coalesce(
                        sa.func.sum(sa.case((_flag_condition(flag), 1), else_=0)), 0
                    ).label(flag)
                    for flag in FLAGS
                )
            ).where(*without_flags)
        ).one()
        ids = [row.sender_id for row in rows]
        tags_by_id: dict[str, list[str]] = {}
        for sender_id, tag in connection.execute(
            sa.select(tags.c.sender_id, tags.c.tag)
            .where(tags.c.sender_id.in_(ids))
            .order_by(tags.c.tag)
        ):
            tags_by_id.setdefault(sender_id, []).append(tag)
        first_ids = (
            sa.select(sa.func.min(messages.c.event_id))
            .where(messages.c.sender_id.in_(ids))
            .group_by(messages.c.sender_id)
        )
        first_messages = dict(
            connection.execute(
                sa.select(messages.c.sender_id, messages.c.text).where(
                    messages.c.event_id.in_(first_ids)
                )
            ).all()
        )
    return ConversationPage(
        rows=[
            ConversationRow(
                sender_id=row.sender_id,
                started_at=row.started_at,
                last_event_at=row.last_event_at,
                visitor_messages=row.visitor_messages,
                flags=_flags_of(row),
                reviewed=row.reviewed,
                tags=tuple(tags_by_id.get(row.sender_id, [])),
                first_message=first_messages.get(row.sender_id, ""),
                languages=split_languages(row.languages),
            )
            for row in rows
        ],
        total=total,
        page=page,
        pages=pages,
        flag_counts={flag: int(counts._mapping[flag]) for flag in FLAGS},
    )


def matching_ids(
    engine: sa.engine.Engine, chosen: ConversationFilter, timezone: tzinfo
) -> list[str]:
    """Every conversation id the filter matches, newest first (for export)."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(conversations.c.sender_id)
                .where(*chosen.conditions(timezone))
                .order_by(conversations.c.started_at.desc(), conversations.c.sender_id)
            ).scalars()
        )


def topics(engine: sa.engine.Engine) -> list[str]:
    """Every topic a visitor message was understood as, for the filter's choices."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(messages.c.topic).distinct().order_by(messages.c.topic)
            ).scalars()
        )


@dataclass(frozen=True)
class Turn:
    """One line of a transcript: a visitor message, a bot message, an action or a slot."""

    kind: str  # "visitor", "bot", "staff", "takeover", "action", "slot", "session"
    at: float
    text: str = ""
    name: str = ""  # intent/topic, action, slot or response name; staff: who (staff-<id>)
    confidence: float | None = None
    value: str = ""
    buttons: tuple[str, ...] = ()
    language: str = ""  # visitor and bot turns: the language the turn was answered in
    caution: bool = False  # visitor turns: 911 and 988 were put before the answer
    event_id: int | None = None  # the `events` row it comes from (labels name visitor turns by it)


@dataclass(frozen=True)
class Note:
    """A private staff note on a conversation."""

    author: str
    at: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """Everything the transcript page shows about one conversation."""

    sender_id: str
    turns: list[Turn]
    flags: tuple[str, ...]
    reviewed: bool
    reviewed_by: str | None
    reviewed_at: float | None
    tags: tuple[str, ...]
    notes: list[Note] = field(default_factory=list)
    language: str = DEFAULT_LANGUAGE  # the `language` slot now
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)  # every language it was answered in


def transcript_turn(event: Mapping[str, Any], at: float) -> Turn | None:
    """The transcript's line for a stored event (None: not shown)."""
    kind = event.get("event")
    if kind == "user":
        message = visitor_message(event)
        return Turn(
            "visitor",
            at,
            text=message.text,
            name=message.topic,
            confidence=message.confidence,
            caution=message.caution,
        )
    found = event.get("metadata")
    metadata: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    staff_member = str(metadata.get("staff") or "")
    if kind == "bot" and staff_member:
        # A staff member's message, or the notice that they joined or left (live takeover).
        takeover = str(metadata.get("takeover") or "message")
        text = str(event.get("text") or "")
        return Turn("staff", at, text=text, name=staff_member, value=takeover)
    if kind in ("pause", "resume"):
        return Turn("takeover", at, name=staff_member, value=str(kind))
    if kind == "bot":
        data = event.get("data") or {}
        buttons = tuple(str(button.get("title", "")) for button in data.get("buttons") or [])
        response = (event.get("metadata") or {}).get("utter_action") or ""
        return Turn(
            "bot", at, text=str(event.get("text") or ""), name=str(response), buttons=buttons
        )
    if kind == "action" and event.get("name") not in (None, "action_listen"):
        return Turn("action", at, name=str(event.get("name")))
    if kind == "slot":
        value = event.get("value")
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return Turn("slot", at, name=str(event.get("name")), value=shown)
    if kind == "session_started":
        return Turn("session", at)
    return None


def transcript(engine: sa.engine.Engine, sender_id: str) -> Transcript | None:
    """The conversation's turns in order, with its flags, status, tags and notes."""
    with engine.connect() as connection:
        summary = connection.execute(
            sa.select(conversations).where(conversations.c.sender_id == sender_id)
        ).first()
        if summary is None:
            return None
        rows = connection.execute(
            sa.select(events.c.id, events.c.timestamp, events.c.data)
            .where(events.c.sender_id == sender_id)
            .order_by(events.c.id)
        ).all()
        tag_list = connection.execute(
            sa.select(tags.c.tag).where(tags.c.sender_id == sender_id).order_by(tags.c.tag)
        ).scalars()
        note_rows = connection.execute(
            sa.select(notes).where(notes.c.sender_id == sender_id).order_by(notes.c.id)
        ).all()
        turns: list[tuple[int, Turn]] = []
        language = LanguageTrack()
        for row in rows:
            try:
                event = json.loads(row.data or "{}")
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            language.add(row.id, event)
            turn = transcript_turn(event, float(row.timestamp or 0.0))
            if turn and turn.kind == "bot":
                turn = replace(turn, language=language.language)
            if turn:
                turns.append((row.id, replace(turn, event_id=row.id)))
        return Transcript(
            sender_id=sender_id,
            turns=[
                replace(turn, language=language.of_message[event_id])
                if turn.kind == "visitor"
                else turn
                for event_id, turn in turns
            ],
            flags=_flags_of(summary),
            reviewed=summary.reviewed,
            reviewed_by=summary.reviewed_by,
            reviewed_at=summary.reviewed_at,
            tags=tuple(tag_list),
            notes=[Note(row.author, row.at, row.text) for row in note_rows],
            language=summary.language,
            languages=split_languages(summary.languages),
        )


class ReviewInputError(ValueError):
    """A tag or note staff entered cannot be saved (message safe to show)."""


def _exists(connection: sa.engine.Connection, sender_id: str) -> bool:
    return (
        connection.execute(
            sa.select(conversations.c.sender_id).where(conversations.c.sender_id == sender_id)
        ).first()
        is not None
    )


def set_reviewed(engine: sa.engine.Engine, sender_id: str, reviewed: bool, by: str) -> bool:
    """Marks the conversation reviewed (or not); False if there is no such conversation."""
    with engine.begin() as connection:
        result = connection.execute(
            conversations.update()
            .where(conversations.c.sender_id == sender_id)
            .values(
                reviewed=reviewed,
                reviewed_by=by if reviewed else None,
                reviewed_at=time.time() if reviewed else None,
            )
        )
    return bool(result.rowcount)


def normalise_tag(tag: str) -> str:
    """Tags are short, lower-case words: letters, digits, spaces, '-' and '_'."""
    cleaned = " ".join(tag.strip().lower().split())
    if not TAG_PATTERN.match(cleaned):
        raise ReviewInputError(
            "A tag is 1 to 40 letters, digits, spaces, '-' or '_', starting with a letter or digit."
        )
    return cleaned


def add_tag(engine: sa.engine.Engine, sender_id: str, tag: str) -> bool:
    """Adds a tag (once); False if there is no such conversation."""
    cleaned = normalise_tag(tag)
    with engine.begin() as connection:
        if not _exists(connection, sender_id):
            return False
        already = connection.execute(
            sa.select(tags.c.tag).where(tags.c.sender_id == sender_id, tags.c.tag == cleaned)
        ).first()
        if not already:
            connection.execute(tags.insert().values(sender_id=sender_id, tag=cleaned))
    return True


def remove_tag(engine: sa.engine.Engine, sender_id: str, tag: str) -> None:
    """Removes a tag if present."""
    with engine.begin() as connection:
        connection.execute(
            tags.delete().where(tags.c.sender_id == sender_id, tags.c.tag == tag.strip().lower())
        )


def all_tags(engine: sa.engine.Engine) -> list[str]:
    """Every tag in use, for the filter's choices."""
    with engine.connect() as connection:
        return list(
            connection.execute(sa.select(tags.c.tag).distinct().order_by(tags.c.tag)).scalars()
        )


def add_note(engine: sa.engine.Engine, sender_id: str, author: str, text: str) -> bool:
    """Adds a private staff note; False if there is no such conversation."""
    cleaned = text.strip()
    if not cleaned:
        raise ReviewInputError("The note is empty.")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise ReviewInputError(f"A note can have at most {MAX_NOTE_LENGTH} characters.")
    with engine.begin() as connection:
        if not _exists(connection, sender_id):
            return False
        connection.execute(
            notes.insert().values(sender_id=sender_id, author=author, at=time.time(), text=cleaned)
        )
    return True
