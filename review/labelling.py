"""Labelling visitor messages from the transcript page (issue #19): POST /labels, /labels/remove.

Each visitor turn of a transcript has a small form (no JavaScript needed): a choice of what
the message should have been (review.labels), sent with the conversation and the event id
of the message; the route saves it and goes back to the transcript (POST-redirect-GET) with
a message. A choice that is not in the list is refused with a message and changes nothing.

The audit log records "labelled message" and "removed label" with the conversation id and
"event <id>: <kind> <target>", never the message's text.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from review import audit
from review.labels import LabelError, parse_choice, remove_label, set_label
from review.request_context import actor as _actor
from review.request_context import engine as _engine
from review.request_context import now as _now

blueprint = Blueprint("labelling", __name__)


def init_app(app: Flask) -> None:
    """Registers the label routes."""
    app.register_blueprint(blueprint)


def _message() -> tuple[str, int]:
    """The conversation and the visitor message's event id the form names (404 if none)."""
    sender_id = request.form.get("conversation", "")
    event_id = request.form.get("event", "")
    if not sender_id or not event_id.isdigit():
        abort(404)
    return sender_id, int(event_id)


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
