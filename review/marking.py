"""Marking a conversation "make this a test" in its transcript (issue #19).

POST /tests/mark, /tests/unmark: the transcript's review panel has a small form (no
JavaScript needed) sent with the conversation's id; the route marks or unmarks it
(review.conversation_tests) and goes back to the transcript (POST-redirect-GET) with a
message. Any signed-in member of staff may mark; the export that writes the marked
conversations as test stories stays the admins' and the command line's (review.teaching,
review.cli). A conversation that does not exist is a 404.

The audit log records "marked conversation as a test" and "unmarked conversation as a test"
with the conversation id, nothing else: never a message's text.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from review import audit
from review.conversation_tests import mark_as_test, unmark_as_test
from review.request_context import actor as _actor
from review.request_context import engine as _engine
from review.request_context import now as _now

blueprint = Blueprint("marking", __name__)

STORIES_FILE = "tests/test_stories_reviewed.yml"


def init_app(app: Flask) -> None:
    """Registers the routes that mark and unmark a conversation as a test."""
    app.register_blueprint(blueprint)


def _conversation() -> str:
    sender_id = request.form.get("conversation", "")
    if not sender_id:
        abort(404)
    return sender_id


def _back_to(sender_id: str) -> BaseResponse:
    return redirect(url_for("conversation", sender_id=sender_id, _anchor="test"))


@blueprint.route("/tests/mark", methods=["POST"])
def mark_test() -> BaseResponse:
    """Marks the conversation "make this a test" (once; marking again changes nothing)."""
    sender_id = _conversation()
    marked = mark_as_test(_engine(), sender_id, _actor(), _now())
    if marked is None:
        abort(404)
    _, new = marked
    if new:
        audit.record(_engine(), _actor(), "marked conversation as a test", target=sender_id)
        flash(
            f"Marked as a test: the next training data export writes it to {STORIES_FILE} "
            "as a test story."
        )
    else:
        flash("This conversation is already marked as a test.")
    return _back_to(sender_id)


@blueprint.route("/tests/unmark", methods=["POST"])
def unmark_test() -> BaseResponse:
    """Removes the conversation's "make this a test" mark."""
    sender_id = _conversation()
    if unmark_as_test(_engine(), sender_id):
        audit.record(_engine(), _actor(), "unmarked conversation as a test", target=sender_id)
        flash("No longer marked as a test.")
    return _back_to(sender_id)
