"""Export of a filtered set of conversations as CSV (one row per turn) or JSON.

Staff notes are not exported (they are internal); tags, review status and
languages are (each visitor and bot turn's language, the conversation's).
CSV cells that a spreadsheet would run as a formula are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa

from review.conversations import FLAGS, Transcript, transcript

FORMATS = ("csv", "json")
CSV_COLUMNS = (
    "conversation",
    "time",
    "speaker",
    "text",
    "topic",
    "confidence",
    "conversation_flags",
    "tags",
    "reviewed",
    "language",
    "conversation_languages",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _iso(timestamp: float, timezone: tzinfo) -> str:
    return datetime.fromtimestamp(timestamp, timezone).isoformat(timespec="seconds")


def spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would evaluate (=, +, -, @ ...) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _transcripts(engine: sa.engine.Engine, sender_ids: Sequence[str]) -> Iterator[Transcript]:
    for sender_id in sender_ids:
        found = transcript(engine, sender_id)
        if found is not None:
            yield found


def _turn_rows(found: Transcript, timezone: tzinfo) -> Iterator[dict[str, Any]]:
    for turn in found.turns:
        if turn.kind not in ("visitor", "bot"):
            continue
        yield {
            "conversation": found.sender_id,
            "time": _iso(turn.at, timezone),
            "speaker": turn.kind,
            "text": turn.text,
            "topic": turn.name if turn.kind == "visitor" else "",
            "confidence": "" if turn.confidence is None else round(turn.confidence, 3),
            "conversation_flags": " ".join(found.flags),
            "tags": " ".join(found.tags),
            "reviewed": "yes" if found.reviewed else "no",
            "language": turn.language,
            "conversation_languages": " ".join(found.languages),
        }


def export_csv(engine: sa.engine.Engine, sender_ids: Sequence[str], timezone: tzinfo) -> str:
    """The conversations' visitor and bot turns, one CSV row each."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for found in _transcripts(engine, sender_ids):
        for row in _turn_rows(found, timezone):
            writer.writerow({name: spreadsheet_safe(value) for name, value in row.items()})
    return output.getvalue()


def export_json(engine: sa.engine.Engine, sender_ids: Sequence[str], timezone: tzinfo) -> str:
    """The conversations as a JSON list, each with its flags, tags, status, languages, turns."""
    exported = []
    for found in _transcripts(engine, sender_ids):
        exported.append(
            {
                "conversation": found.sender_id,
                "flags": {flag: flag in found.flags for flag in FLAGS},
                "tags": list(found.tags),
                "reviewed": found.reviewed,
                "language": found.language,
                "languages": list(found.languages),
                "turns": [
                    {
                        key: value
                        for key, value in row.items()
                        if key in ("time", "speaker", "text", "topic", "confidence", "language")
                    }
                    for row in _turn_rows(found, timezone)
                ],
            }
        )
    return json.dumps(exported, ensure_ascii=False, indent=2)


def export(
    engine: sa.engine.Engine, sender_ids: Sequence[str], timezone: tzinfo, file_format: str
) -> str:
    """The export in `file_format` ("csv" or "json")."""
    if file_format == "csv":
        return export_csv(engine, sender_ids, timezone)
    if file_format == "json":
        return export_json(engine, sender_ids, timezone)
    raise ValueError(f"Export format must be one of {', '.join(FORMATS)}.")
