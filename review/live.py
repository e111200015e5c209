"""The Live now pages: the conversations going on now, and the staff side of the takeover.

`/live` lists the conversations with a visitor message in the last REVIEW_LIVE_MINUTES
and those a staff member holds (no message text there); it is where staff switch their
availability for live chats on and off (storage/live_chat.py, read by the action server).
`/live/<conversation>` shows one conversation as it goes on, and its holder's buttons:
Take over, Hand back, and a message box. The takeover itself happens on the Rasa server
(review/takeover_client.py), which names the staff member by their account reference
(`staff-<id>`); what it stores is read by review/live_data.py.

Every form works without JavaScript (POST, flash, redirect); review/static/live.js polls
the JSON routes and submits the forms with fetch (asking for JSON). The audit log records
each page view (not the polls), every takeover, message (never its text), hand-back,
availability change and failed takeover call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from review import audit
from review.accounts import staff_names, staff_reference
from review.conversations import language_name
from review.live_data import (
    ALERTS,
    BADGES,
    LiveConversation,
    LiveRow,
    LiveTurn,
    holder_of,
    live_conversation,
    live_conversations,
    switched_on,
)
from review.request_context import actor as _actor
from review.request_context import engine as _engine
from review.request_context import now as _now
from review.takeover_client import MAX_MESSAGE_LENGTH, Takeover, TakeoverClient, TakeoverError
from storage import live_chat

logger = logging.getLogger(__name__)

blueprint = Blueprint("live", __name__)


def init_app(app: Flask, client: Takeover | None = None) -> None:
    """Registers the pages with this takeover client (by default: RASA_URL, TAKEOVER_TOKEN)."""
    app.extensions["takeover_client"] = client or TakeoverClient.from_environment()
    app.register_blueprint(blueprint)


# ------------------------------------------------------------------------------ views


def _minutes() -> int:
    minutes: int = current_app.extensions["review_settings"].live_minutes
    return minutes


def _client() -> Takeover:
    client: Takeover = current_app.extensions["takeover_client"]
    return client


def _me() -> str:
    """The member as the conversation stores them: their account reference."""
    return staff_reference(g.member.id)


def _localtime(timestamp: float | None) -> str:
    shown: str = current_app.jinja_env.filters["localtime"](timestamp)
    return shown


def _who(holder: str | None, names: Mapping[str, str]) -> str:
    """How the pages name a holder: "you", else the account's name."""
    if holder is None:
        return "bot"
    if holder == _me():
        return "you"
    return names.get(holder) or "another member of staff"


def _row_view(row: LiveRow, names: Mapping[str, str]) -> dict[str, Any]:
    """A list row for the page and list.json: times, labels, the link; no message text."""
    return {
        "conversation": row.sender_id,
        "url": url_for("live.live_page", sender_id=row.sender_id),
        "last_message": _localtime(row.last_visitor_at) or "—",
        "language": language_name(row.language),
        "held": row.holder is not None,
        "holder": _who(row.holder, names),
        "badges": [{"key": badge, "label": BADGES[badge]} for badge in row.badges],
    }


def _turn_view(turn: LiveTurn, names: Mapping[str, str]) -> dict[str, Any]:
    """A transcript line for the page and events.json (live.js builds the same markup)."""
    who = {"visitor": "Visitor", "bot": "Bot"}.get(turn.kind, "")
    meta = f"Understood as {turn.topic}" if turn.kind == "visitor" else ""
    text = turn.text
    if turn.kind == "staff":
        who = f"Intake team ({names.get(turn.staff) or turn.staff or 'unknown'})"
    elif turn.kind == "notice":
        name = names.get(turn.staff) or turn.staff
        text = (
            f"{name} joined the chat; the bot stays silent but for safety replies."
            if turn.takeover == "joined"
            else f"{name} left the chat; the bot answers again."
            if turn.takeover == "left"
            else f"Notice from {name}: {turn.text}"
        )
    return {
        "id": turn.event_id,
        "kind": turn.kind,
        "at": _localtime(turn.at),
        "who": who,
        "text": text,
        "meta": meta,
        "alert": turn.alert,
        "alert_text": ALERTS.get(turn.alert, ""),
    }


def _state(holder: str | None, names: Mapping[str, str]) -> dict[str, Any]:
    """Who holds the conversation, as the page and the JSON answers show it."""
    held_by_me = holder == _me()
    if held_by_me:
        text = (
            "You are talking with this visitor: the bot stays silent, except that it still "
            "answers an emergency, a crisis or an extra dose at once."
        )
    elif holder is not None:
        text = f"{_who(holder, names)} is talking with this visitor."
    else:
        text = "The bot is answering this visitor."
    return {
        "held": holder is not None,
        "held_by_me": held_by_me,
        "holder": _who(holder, names),
        "holder_text": text,
    }


def _wants_json() -> bool:
    """live.js asks for JSON (Accept: application/json); a plain form post gets HTML."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _conversation_or_404(sender_id: str, after: int = 0) -> LiveConversation:
    found = live_conversation(_engine(), sender_id, after)
    if found is None:
        abort(404)
    return found


def _render_conversation(sender_id: str, draft: str = "", status: int = 200) -> Any:
    found = _conversation_or_404(sender_id)
    names = staff_names(_engine(), [found.holder, *(turn.staff for turn in found.turns)])
    page = render_template(
        "live_conversation.html",
        conversation=found,
        turns=[_turn_view(turn, names) for turn in found.turns],
        state=_state(found.holder, names),
        draft=draft,
        max_length=MAX_MESSAGE_LENGTH,
    )
    return page, status


def _answer(sender_id: str, message: str, status: int = 200, draft: str = "") -> Any:
    """The answer to a takeover form: JSON for live.js, else flash and back to the page.

    A refused message keeps its text in the box (the page is shown again, not redirected).
    """
    if _wants_json():
        holder = holder_of(_engine(), sender_id)
        response = jsonify(
            ok=status < 400, message=message, **_state(holder, staff_names(_engine(), [holder]))
        )
        response.status_code = status
        return response
    flash(message)
    if draft:
        return _render_conversation(sender_id, draft, status)
    return redirect(url_for("live.live_page", sender_id=sender_id))


def _failed(action: str, sender_id: str, error: TakeoverError) -> tuple[str, int]:
    """Audits a failed takeover call; the message for staff and the HTTP status to answer."""
    detail = f"{action}: {error}" + (f" (held by {error.staff})" if error.staff else "")
    audit.record(_engine(), _actor(), "takeover failed", target=sender_id, detail=detail)
    if error.status == 409 and error.staff is not None:
        name = _who(error.staff, staff_names(_engine(), [error.staff]))
        return f"{name[:1].upper()}{name[1:]} is already talking with this visitor.", 409
    return str(error), 409 if error.status == 409 else 502


def _not_holder(holder: str | None, doing: str) -> str:
    """Why someone who does not hold the conversation may not do this."""
    if holder is None:
        return f"Take over first: only the staff member talking with the visitor can {doing}."
    name = _who(holder, staff_names(_engine(), [holder]))
    return f"{name[:1].upper()}{name[1:]} is talking with this visitor; only they can {doing}."


@blueprint.route("/live")
def live_now() -> str:
    """The Live now list, and the availability switch."""
    rows = live_conversations(_engine(), _now(), _minutes())
    names = staff_names(_engine(), [row.holder for row in rows])
    audit.record(_engine(), _actor(), "viewed live conversations", detail=f"{len(rows)} shown")
    return render_template(
        "live.html",
        rows=[_row_view(row, names) for row in rows],
        minutes=_minutes(),
        available=live_chat.is_available(_engine(), _actor(), _now()),
    )


@blueprint.route("/live/list.json")
def live_list() -> BaseResponse:
    """The list's rows for live.js (not audited: the page view was)."""
    rows = live_conversations(_engine(), _now(), _minutes())
    names = staff_names(_engine(), [row.holder for row in rows])
    return jsonify(rows=[_row_view(row, names) for row in rows], minutes=_minutes())


@blueprint.route("/live/availability", methods=["POST"])
def change_availability() -> BaseResponse:
    """Switches the member's availability for live chats on ("available"=yes) or off."""
    available = request.form.get("available") == "yes"
    if available:
        live_chat.mark_available(_engine(), _actor(), _now())
    else:
        live_chat.mark_unavailable(_engine(), _actor())
    audit.record(
        _engine(),
        _actor(),
        "changed live availability",
        detail="available" if available else "unavailable",
    )
    message = (
        "You are available for live chats while this page is open."
        if available
        else "You no longer take live chats."
    )
    if _wants_json():
        return jsonify(ok=True, available=available, message=message)
    flash(message)
    return redirect(url_for("live.live_now"))


@blueprint.route("/live/heartbeat", methods=["POST"])
def heartbeat() -> BaseResponse:
    """The open Live now page keeps its member available (if they did not switch it off)."""
    actor, now = _actor(), _now()
    available = switched_on(_engine(), actor)
    if available:
        live_chat.mark_available(_engine(), actor, now)
    return jsonify(
        available=available, until=now + live_chat.AVAILABLE_SECONDS if available else None
    )


@blueprint.route("/live/<path:sender_id>")
def live_page(sender_id: str) -> Any:
    """One conversation as it goes on, with the takeover buttons and the message box."""
    page = _render_conversation(sender_id)
    audit.record(_engine(), _actor(), "viewed live conversation", target=sender_id)
    return page


@blueprint.route("/live/<path:sender_id>/events.json")
def live_events(sender_id: str) -> BaseResponse:
    """The turns after event `after` and who holds the conversation, for live.js.

    A poll is not audited (the page view was); a read of the whole conversation is.
    """
    after = max(request.args.get("after", 0, type=int) or 0, 0)
    found = live_conversation(_engine(), sender_id, after)
    if found is None:
        abort(404)
    if after == 0:
        audit.record(
            _engine(), _actor(), "viewed live conversation", target=sender_id, detail="JSON"
        )
    names = staff_names(_engine(), [found.holder, *(turn.staff for turn in found.turns)])
    return jsonify(
        turns=[_turn_view(turn, names) for turn in found.turns],
        last=found.last_event_id,
        **_state(found.holder, names),
    )


@blueprint.route("/live/<path:sender_id>/take", methods=["POST"])
def take_over(sender_id: str) -> Any:
    """The member takes the conversation over: the bot goes quiet, bar safety replies."""
    _conversation_or_404(sender_id)
    try:
        _client().start(sender_id, _me())
    except TakeoverError as error:
        return _answer(sender_id, *_failed("take over", sender_id, error))
    audit.record(_engine(), _actor(), "took over conversation", target=sender_id)
    logger.info("A member of staff took over a conversation.")
    return _answer(sender_id, "You are talking with this visitor now; the bot is quiet.")


@blueprint.route("/live/<path:sender_id>/send", methods=["POST"])
def send_message(sender_id: str) -> Any:
    """The holder's message to the visitor (never logged nor audited: only its length)."""
    _conversation_or_404(sender_id)
    text = request.form.get("text", "").strip()
    holder = holder_of(_engine(), sender_id)
    if holder != _me():
        return _answer(sender_id, _not_holder(holder, "send messages"), 409, draft=text)
    if not text:
        return _answer(sender_id, "Write a message first.", 400)
    if len(text) > MAX_MESSAGE_LENGTH:
        return _answer(
            sender_id,
            f"A message can have at most {MAX_MESSAGE_LENGTH:,} characters; it was not sent.",
            400,
            draft=text,
        )
    try:
        _client().message(sender_id, _me(), text)
    except TakeoverError as error:
        message, status = _failed("send message", sender_id, error)
        return _answer(sender_id, message, status, draft=text)
    audit.record(
        _engine(),
        _actor(),
        "sent staff message",
        target=sender_id,
        detail=f"{len(text)} characters",
    )
    return _answer(sender_id, "Message sent.")


@blueprint.route("/live/<path:sender_id>/hand-back", methods=["POST"])
def hand_back(sender_id: str) -> Any:
    """The holder hands the conversation back to the bot."""
    _conversation_or_404(sender_id)
    holder = holder_of(_engine(), sender_id)
    if holder != _me():
        return _answer(sender_id, _not_holder(holder, "hand it back"), 409)
    try:
        _client().end(sender_id, _me())
    except TakeoverError as error:
        return _answer(sender_id, *_failed("hand back", sender_id, error))
    audit.record(_engine(), _actor(), "handed back conversation", target=sender_id)
    logger.info("A member of staff handed a conversation back to the bot.")
    return _answer(sender_id, "You handed the conversation back to the bot.")
