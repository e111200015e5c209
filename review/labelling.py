"""Labelling visitor messages (issue #19): one in a transcript, or a whole unanswered group.

POST /labels, /labels/remove: each visitor turn of a transcript has a small form (no
JavaScript needed): a choice of what the message should have been (review.labels), sent with
the conversation and the event id of the message; the route saves it and goes back to the
transcript (POST-redirect-GET) with a message. A choice that is not in the list is refused
with a message and changes nothing.

POST /unanswered/label: each group of the unanswered report has the same choice, sent with
the event ids of every message of the group; all of them get that label in one transaction
(a message labelled before is relabelled: newest wins) and the report comes back with a
message. The ids come from the browser, so each must be a visitor message the report lists
(indexed as unanswered, review_message); if one is not, nothing is labelled (400).

The audit log records "labelled message" and "removed label" with the conversation id and
"event <id>: <kind> <target>", and "labelled messages" (a group) once, with the kind and
target, the count and the event ids; never a message's text.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from review import audit
from review.dashboard import PERIODS
from review.labels import (
    LabelError,
    check_label,
    describe_label,
    parse_choice,
    remove_label,
    set_label,
    set_labels,
)
from review.request_context import actor as _actor
from review.request_context import engine as _engine
from review.request_context import now as _now
from review.schema import messages

blueprint = Blueprint("labelling", __name__)

# The most messages one group form may name: the unanswered report lists at most this many
# (review.app.UNANSWERED_LIMIT).
MAX_GROUP_MESSAGES = 2_000
# An event id as a form sends it: ASCII digits that fit the `events.id` column (32 bits).
_EVENT_ID = re.compile(r"[0-9]{1,10}")
_MAX_EVENT_ID = 2**31 - 1


def init_app(app: Flask) -> None:
    """Registers the label routes."""
    app.register_blueprint(blueprint)


def _event_id(value: str) -> int | None:
    """The event id of a form field; None if it is not one."""
    if not _EVENT_ID.fullmatch(value) or int(value) > _MAX_EVENT_ID:
        return None
    return int(value)


def _message() -> tuple[str, int]:
    """The conversation and the visitor message's event id the form names (404 if none)."""
    sender_id = request.form.get("conversation", "")
    event_id = _event_id(request.form.get("event", ""))
    if not sender_id or event_id is None:
        abort(404)
    return sender_id, event_id


def _back_to(sender_id: str, event_id: int) -> BaseResponse:
    anchor = f"turn-{event_id}"
    return redirect(url_for("conversation", sender_id=sender_id, _anchor=anchor))


@blueprint.route("/labels", methods=["POST"])
def label_message() -> BaseResponse:
    """Labels (or relabels) a visitor message: `choice` "<kind>:<target>", or `kind`, `target`."""
    sender_id, event_id = _message()
    if "choice" in request.form:
        kind, target = parse_choice(request.form.get("choice", ""))
    else:
        kind, target = request.form.get("kind", ""), request.form.get("target", "")
    try:
        label = set_label(_engine(), sender_id, event_id, kind, target, _actor(), _now())
    except LabelError as error:
        flash(f"The label was not saved: {error}")
        return _back_to(sender_id, event_id)
    if label is None:
        abort(404)
    audit.record(
        _engine(),
        _actor(),
        "labelled message",
        target=sender_id,
        detail=f"event {event_id}: {label.kind} {label.target}".rstrip(),
    )
    flash("Label saved.")
    return _back_to(sender_id, event_id)


@blueprint.route("/labels/remove", methods=["POST"])
def unlabel_message() -> BaseResponse:
    """Removes a visitor message's label."""
    sender_id, event_id = _message()
    if remove_label(_engine(), sender_id, event_id):
        audit.record(
            _engine(), _actor(), "removed label", target=sender_id, detail=f"event {event_id}"
        )
        flash("Label removed.")
    return _back_to(sender_id, event_id)


def _group_events() -> list[int] | None:
    """The event ids the group form names, in its order, once each; None if malformed."""
    parts = request.form.get("events", "").split()
    ids = [_event_id(part) for part in parts]
    if not ids or len(ids) > MAX_GROUP_MESSAGES:
        return None
    found = [event_id for event_id in ids if event_id is not None]
    return list(dict.fromkeys(found)) if len(found) == len(ids) else None


def _all_unanswered(event_ids: list[int]) -> bool:
    """Whether every one of these is a visitor message the unanswered report lists."""
    listed = 0
    with _engine().connect() as connection:
        for start in range(0, len(event_ids), 500):
            listed += connection.execute(
                sa.select(sa.func.count())
                .select_from(messages)
                .where(
                    messages.c.event_id.in_(event_ids[start : start + 500]),
                    messages.c.unanswered.is_(True),
                )
            ).scalar_one()
    return listed == len(event_ids)


def _not_in_report() -> tuple[str, int]:
    return render_template(
        "error.html",
        title="Nothing was labelled",
        message="These are not all messages of the unanswered report (a conversation may have "
        "been deleted since the page was loaded). Open the unanswered report again and label "
        "the group from there.",
    ), 400


@blueprint.route("/unanswered/label", methods=["POST"])
def label_group() -> BaseResponse | tuple[str, int]:
    """Labels every message of an unanswered group: `events` (ids), `choice`, `days`."""
    days = request.form.get("days", type=int)
    days = days if days in PERIODS else PERIODS[0]
    event_ids = _group_events()
    if event_ids is None:
        return _not_in_report()
    back = redirect(url_for("unanswered_report", days=days, _anchor=f"group-{event_ids[0]}"))
    kind, target = parse_choice(request.form.get("choice", ""))
    try:
        target = check_label(kind, target)
    except LabelError as error:
        flash(f"The labels were not saved: {error}")
        return back
    if not _all_unanswered(event_ids):
        return _not_in_report()
    count = set_labels(_engine(), event_ids, kind, target, _actor(), _now())
    if count is None:  # gone since (retention), or not a visitor message after all
        return _not_in_report()
    audit.record(
        _engine(),
        _actor(),
        "labelled messages",
        target=f"{kind} {target}".rstrip(),
        detail=f"{count} message{'' if count == 1 else 's'} of the unanswered report: events "
        + ", ".join(str(event_id) for event_id in sorted(event_ids)),
    )
    flash(f"Labelled {count} message{'' if count == 1 else 's'}: {describe_label(kind, target)}")
    return back
