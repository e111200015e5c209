"""The Callbacks pages: the intake team's list of callback requests, one request, its status.

Every signed-in staff member may use them (the app's sign-in hook guards the blueprint
like any other page). Requests are stored encrypted (storage/callbacks.py): the pages
decrypt them with the deployment's keys (storage/callback_keys.py), loaded once at
start-up. Without keys the section explains how to turn callbacks on; with keys that do
not open the stored requests it says what to do, and never shows a stack trace.

The audit log records every view and change by request id and status only: never a
name, phone number or note.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from review import audit
from review.database_errors import error_summary
from review.request_context import actor as _actor
from review.request_context import engine as _engine
from review.request_context import now as _now
from storage import callbacks as store
from storage.callback_keys import CallbackKeyError, load_cipher

logger = logging.getLogger(__name__)

OFF_MESSAGE = (
    "Callback requests are off: set CALLBACK_KEYS or CALLBACK_KEY_FILE, see docs/callbacks.md."
)
# The statuses staff move a request between, as the pages name them.
STATUS_LABELS = {store.NEW: "New", store.CONTACTED: "Contacted", store.CLOSED: "Closed"}

blueprint = Blueprint("callbacks", __name__)


def init_app(app: Flask, cipher: MultiFernet | None = None) -> None:
    """Registers the pages with the cipher given, else the deployment's keys (if any).

    Keys that cannot be loaded leave callbacks off: the error (which holds no key) is
    logged and shown on the Callbacks page.
    """
    key_error = ""
    if cipher is None:
        try:
            cipher = load_cipher()
        except CallbackKeyError as error:
            key_error = str(error)
            logger.error("Callback requests are off: %s", key_error)
    app.extensions["callback_cipher"] = cipher
    app.extensions["callback_key_error"] = key_error
    app.jinja_env.globals["CALLBACK_STATUSES"] = STATUS_LABELS
    app.jinja_env.filters["voicemail"] = voicemail_wish
    app.register_blueprint(blueprint)


def voicemail_wish(may_name_center: bool | None) -> str:
    """What the caller may say in a voicemail; discreet unless the visitor said otherwise."""
    if may_name_center is None:
        return "not asked: be discreet, do not name the center"
    return "may name the center" if may_name_center else "discreet: do not name the center"


def _cipher() -> MultiFernet | None:
    cipher: MultiFernet | None = current_app.extensions["callback_cipher"]
    return cipher


def _off_page(status: int) -> tuple[str, int]:
    """The explanation shown instead of any request while callbacks are not configured."""
    return render_template(
        "callbacks.html",
        off_message=OFF_MESSAGE,
        key_error=current_app.extensions["callback_key_error"],
    ), status


def _status_of(request_id: int) -> str | None:
    """A submitted request's status; None for a draft or an unknown id."""
    with _engine().connect() as connection:
        status: str | None = connection.execute(
            sa.select(store.callbacks.c.status).where(
                store.callbacks.c.id == request_id, store.callbacks.c.status != store.DRAFT
            )
        ).scalar()
    return status


def _back_to(request_id: int) -> BaseResponse:
    return redirect(url_for("callbacks.callback_page", request_id=request_id))


@blueprint.app_context_processor
def _waiting_count() -> dict[str, int | None]:
    """`callbacks_waiting`: new requests, for the nav link (None when off or signed out)."""
    if g.get("member") is None or current_app.extensions.get("callback_cipher") is None:
        return {"callbacks_waiting": None}
    try:
        waiting = store.counts(_engine())[store.NEW]
    except sa.exc.SQLAlchemyError as error:  # the page itself still renders (or reports it)
        logger.warning("Could not count callback requests: %s", error_summary(error))
        return {"callbacks_waiting": None}
    return {"callbacks_waiting": waiting}


@blueprint.errorhandler(CallbackKeyError)
def _keys_do_not_open(error: CallbackKeyError) -> tuple[str, int]:
    """The stored requests cannot be decrypted: say what to do (the message holds no data)."""
    logger.error("Callback requests cannot be shown: %s", error)
    return render_template(
        "error.html", title="Callback requests cannot be opened", message=str(error)
    ), 503


@blueprint.route("/callbacks")
def callback_list() -> str | tuple[str, int]:
    """The requests of one status (?status=new, contacted or closed; new by default)."""
    cipher = _cipher()
    if cipher is None:
        audit.record(_engine(), _actor(), "viewed callbacks", detail="off: not configured")
        return _off_page(200)
    status = request.args.get("status", store.NEW)
    if status not in store.STAFF_STATUSES:
        status = store.NEW
    found = store.list_requests(_engine(), cipher, status)
    audit.record(
        _engine(),
        _actor(),
        "viewed callbacks",
        detail=f"{status}, {len(found)} request{'' if len(found) == 1 else 's'}",
    )
    return render_template(
        "callbacks.html",
        status=status,
        counts=store.counts(_engine()),
        requests=found,
    )


@blueprint.route("/callbacks/<int:request_id>")
def callback_page(request_id: int) -> str | tuple[str, int]:
    """One request, decrypted, with its status and note forms."""
    cipher = _cipher()
    if cipher is None:
        return _off_page(404)
    found = store.get_request(_engine(), cipher, request_id)
    if found is None:
        abort(404)
    audit.record(_engine(), _actor(), "viewed callback", target=str(request_id))
    return render_template("callback.html", callback=found, note_limit=store.NOTE_LIMIT)


@blueprint.route("/callbacks/<int:request_id>/status", methods=["POST"])
def change_status(request_id: int) -> BaseResponse:
    """Moves a request to new, contacted or closed."""
    if _cipher() is None:
        abort(404)
    before = _status_of(request_id)
    if before is None:
        abort(404)
    status = request.form.get("status", "")
    if not store.change_status(_engine(), request_id, status, _actor(), _now()):
        flash("Choose New, Contacted or Closed for this request.")
        return _back_to(request_id)
    audit.record(
        _engine(),
        _actor(),
        "changed callback status",
        target=str(request_id),
        detail=f"{before} -> {status}",
    )
    flash(f"Marked {STATUS_LABELS[status].lower()}.")
    return _back_to(request_id)


@blueprint.route("/callbacks/<int:request_id>/note", methods=["POST"])
def change_note(request_id: int) -> BaseResponse:
    """Replaces the request's private note (an empty note clears it)."""
    cipher = _cipher()
    if cipher is None:
        abort(404)
    note = request.form.get("note", "")
    if not store.set_note(_engine(), cipher, request_id, note, _actor(), _now()):
        abort(404)
    cleared = not note.strip()
    audit.record(
        _engine(),
        _actor(),
        "changed callback note",
        target=str(request_id),
        detail="cleared" if cleared else "",
    )
    if len(note.strip()) > store.NOTE_LIMIT:
        flash(f"Note saved, cut to its first {store.NOTE_LIMIT:,} characters.")
    else:
        flash("Note cleared." if cleared else "Note saved.")
    return _back_to(request_id)
