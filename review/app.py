"""The staff review web app (Flask, server-rendered; one small script, on Live now only).

Every page but the sign-in page needs a signed-in, active staff account whose
session is still open server-side (review.sessions: signing out ends it, and it
ends anyway REVIEW_SESSION_HOURS after signing in); the audit log and bulk export
are for administrators. Sign-in attempts are limited per client address
(review.login_limit). Every form carries a CSRF token; the audit log records
sign-ins, every page read (dashboard, list and searches, transcripts, reports, the
log itself, callback requests: review.callbacks, live conversations: review.live),
changes and exports. Pages are sent with a strict Content-Security-Policy (scripts only
from this app's own files: review/static/live.js, which keeps the Live now pages current;
no inline script) and never cached, and all stored text is escaped by Jinja's
autoescaping. Referrer-Policy is same-origin: behind HTTPS,
Flask-WTF also requires a same-origin Referer on every form, and other sites are
never told our URLs (which may hold conversation ids). Behind HTTPS, every response
also carries HSTS.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from review import (
    accounts,
    audit,
    callbacks,
    charts,
    conversation_tests,
    dashboard,
    export,
    labelling,
    labels,
    live,
    login_limit,
    marking,
    sessions,
    similarity,
    teaching,
)
from review.conversations import (
    FLAGS,
    LANGUAGES,
    STATUSES,
    ConversationFilter,
    ReviewInputError,
    add_note,
    add_tag,
    all_tags,
    language_name,
    languages_name,
    list_conversations,
    matching_ids,
    remove_tag,
    set_reviewed,
    topics,
    transcript,
)
from review.indexer import refresh_index
from review.request_context import actor as _actor
from review.request_context import app_extension as _app_extension
from review.request_context import engine as _engine
from review.request_context import now as _now
from review.schema import create_tables, messages
from review.settings import ReviewSettings
from review.story_export import story_problem
from review.takeover_client import Takeover

logger = logging.getLogger(__name__)

# Endpoints reachable without signing in. Everything else refuses (tests enumerate the routes).
PUBLIC_ENDPOINTS = frozenset({"login", "static"})
# Requests the Live now pages' script makes by itself (review/static/live.js): they do not
# count as activity, so a page left open still signs its member out after
# REVIEW_IDLE_MINUTES, which also ends their availability for live chats.
PASSIVE_ENDPOINTS = frozenset({"live.live_list", "live.live_events", "live.heartbeat"})
# Endpoints for administrators only, and what a refusal is written to the audit log as.
ADMIN_ENDPOINTS = {
    "audit_log": "refused audit log",
    "export_conversations": "refused export",
    "teaching.export_training_data": "refused training data export",
}
UNANSWERED_LIMIT = 2_000
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not no-referrer: behind HTTPS, Flask-WTF refuses a form without a same-origin Referer.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
# Only with REVIEW_HTTPS=true: browsers then refuse plain HTTP to the staff host for a year.
HSTS = "max-age=31536000"

csrf = CSRFProtect()


def create_app(
    settings: ReviewSettings,
    engine: sa.engine.Engine | None = None,
    clock: Callable[[], float] = time.time,
    callback_cipher: MultiFernet | None = None,
    takeover_client: Takeover | None = None,
) -> Flask:
    """The app for these settings; creates its review_* tables if missing.

    `clock` gives the time sessions are measured by (tests pass a fake one).
    `callback_cipher` opens the callback requests; by default the deployment's keys
    (CALLBACK_KEYS or CALLBACK_KEY_FILE), and none: the Callbacks page says they are off.
    `takeover_client` calls the Rasa server's takeover endpoints (review.live); by default
    the one RASA_URL and TAKEOVER_TOKEN describe (tests pass a fake one).
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="review_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.https,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    if settings.https:
        # nginx's X-Forwarded-Proto and -Host: the scheme and host the browser used, which
        # Flask-WTF's strict check compares the Referer with; and the last X-Forwarded-For
        # address, the one nginx saw (the sign-in limit's client address).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=1, x_proto=1, x_host=1
        )
    engine = engine or sa.create_engine(settings.database_url, pool_pre_ping=True)
    create_tables(engine)
    app.extensions["review_engine"] = engine
    app.extensions["review_settings"] = settings
    app.extensions["review_clock"] = clock

    app.before_request(_require_signed_in_staff)  # before CSRF: strangers get the sign-in page
    csrf.init_app(app)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(403, _forbidden)
    app.register_error_handler(500, _server_error)
    app.jinja_env.filters["localtime"] = lambda timestamp: _localtime(settings, timestamp)
    app.jinja_env.filters.update(language_name=language_name, languages_name=languages_name)
    app.jinja_env.globals.update(FLAGS=FLAGS, STATUSES=STATUSES, LANGUAGES=LANGUAGES)
    _register_routes(app)
    callbacks.init_app(app, callback_cipher)
    live.init_app(app, takeover_client)
    labelling.init_app(app)
    marking.init_app(app)
    teaching.init_app(app)
    return app


def _settings() -> ReviewSettings:
    settings: ReviewSettings = _app_extension("review_settings")
    return settings


def _session_seconds() -> float:
    return _settings().session_hours * 3600.0


def _localtime(settings: ReviewSettings, timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, settings.timezone).strftime("%Y-%m-%d %H:%M:%S")


def _require_signed_in_staff() -> BaseResponse | None:
    """Refuses every non-public endpoint unless an active account is signed in.

    The session must be open server-side (not signed out, not older than
    REVIEW_SESSION_HOURS) and used within the last REVIEW_IDLE_MINUTES.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    member = None
    now = _now()
    if "staff_id" in session:
        idle = now - float(session.get("last_seen", 0))
        if idle <= _settings().idle_minutes * 60:
            member = accounts.active_member(
                _engine(), int(session["staff_id"]), int(session.get("session_version", -1))
            )
        if member is not None and not sessions.is_live(
            _engine(), str(session.get("token", "")), member.id, now, _session_seconds()
        ):
            member = None
        if member is None:
            sessions.end(_engine(), str(session.get("token", "")))  # and any copy of the cookie
            session.clear()
            flash("You were signed out. Please sign in again.")
    if member is None:
        if request.method == "GET" and request.endpoint is not None:
            return redirect(url_for("login", next=request.full_path.rstrip("?")))
        return Response("Sign-in required.", status=401, mimetype="text/plain")
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["last_seen"] = now
    g.member = member
    if request.endpoint in ADMIN_ENDPOINTS and not member.is_admin:
        audit.record(
            _engine(), member.email, ADMIN_ENDPOINTS[request.endpoint], target=request.path
        )
        abort(403)
    return None


def _security_headers(response: Response) -> Response:
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    if _settings().https:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template(
        "error.html",
        title="The form expired",
        message="For your security the form could not be sent. Reload the page and try again.",
    ), 400


def _not_found(error: Exception) -> tuple[str, int]:
    return render_template("error.html", title="Not found", message="There is nothing here."), 404


def _forbidden(error: Exception) -> tuple[str, int]:
    return render_template(
        "error.html", title="Not allowed", message="This page is for administrators."
    ), 403


def _server_error(error: Exception) -> tuple[str, int]:
    logger.error("Review app error: %s", type(error).__name__)
    return render_template(
        "error.html", title="Something went wrong", message="Please try again in a moment."
    ), 500


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard_page")
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _period_days() -> int:
    """The period asked for (?days=30, 90 or 365), 30 if none or another."""
    days = request.args.get("days", type=int)
    return days if days in dashboard.PERIODS else dashboard.PERIODS[0]


@dataclass(frozen=True)
class UnansweredSection:
    """The unanswered report's messages in one language, grouped by similar wording."""

    language: str
    messages: int
    groups: list[similarity.MessageGroup]


def _unanswered_by_language(rows: Sequence[Any]) -> list[UnansweredSection]:
    """A section per language (LANGUAGES' order, then any other), each grouped by wording."""
    by_language: dict[str, list[similarity.UnansweredMessage]] = {code: [] for code in LANGUAGES}
    for row in rows:
        by_language.setdefault(row.language, []).append(
            similarity.UnansweredMessage(row.event_id, row.sender_id, row.text, row.at)
        )
    order = [*LANGUAGES, *sorted(by_language.keys() - LANGUAGES.keys())]
    return [
        UnansweredSection(code, len(by_language[code]), similarity.group_similar(by_language[code]))
        for code in order
        if by_language[code]
    ]


def _login_limit() -> login_limit.LoginLimit:
    settings = _settings()
    return login_limit.LoginLimit(settings.login_attempts, settings.login_window_minutes * 60.0)


def _too_many_attempts(retry_after_seconds: float) -> Response:
    """The polite refusal: says nothing about the account, only when to try again."""
    minutes = max(1, math.ceil(retry_after_seconds / 60))
    logger.info("Staff sign-in refused: too many attempts from this address")
    page = render_template(
        "error.html",
        title="Too many sign-in attempts",
        message=(
            "Too many sign-in attempts from this network; try again in "
            f"{minutes} minute{'' if minutes == 1 else 's'}."
        ),
    )
    return Response(page, status=429, headers={"Retry-After": str(math.ceil(retry_after_seconds))})


def _register_routes(app: Flask) -> None:
    route: Callable[..., Callable[[Callable[..., Any]], Callable[..., Any]]] = app.route

    @route("/login", methods=["GET", "POST"])
    def login() -> str | BaseResponse | tuple[str, int]:
        if request.method == "GET":
            return render_template("login.html")
        email = request.form.get("email", "")
        now = _now()
        admission = login_limit.admit(_engine(), request.remote_addr, now, _login_limit())
        if admission.attempt_id is None:
            return _too_many_attempts(admission.retry_after_seconds)
        result = accounts.sign_in(_engine(), email, request.form.get("password", ""), now)
        actor = accounts.normalise_email(email)[:255] or "(blank)"
        if result.member is None:
            audit.record(_engine(), actor, "sign-in failed", detail=result.outcome.value)
            if result.locked_now:
                audit.record(_engine(), actor, "account locked", detail="too many failed sign-ins")
            if admission.last_allowed:
                audit.record(
                    _engine(),
                    actor,
                    "address limited",
                    target=request.remote_addr or "",
                    detail=f"{_settings().login_attempts} failed sign-ins from this address in "
                    f"{_settings().login_window_minutes} minutes",
                )
            logger.info("Staff sign-in refused: %s", result.outcome.value)
            flash(
                "The e-mail or password is wrong, or the account is locked or disabled. "
                f"After {accounts.MAX_FAILED_LOGINS} failed tries an account is locked for "
                f"{accounts.LOCKOUT_SECONDS // 60} minutes."
            )
            return render_template("login.html", email=email), 401
        login_limit.forget(_engine(), admission.attempt_id)
        sessions.end(_engine(), str(session.get("token", "")))  # this browser's previous one
        session.clear()
        session.permanent = True
        session.update(
            staff_id=result.member.id,
            session_version=result.member.session_version,
            token=sessions.start(_engine(), result.member.id, now, _session_seconds()),
            last_seen=now,
        )
        audit.record(_engine(), result.member.email, "signed in")
        return redirect(_safe_next(request.args.get("next")))

    @route("/logout", methods=["POST"])
    def logout() -> BaseResponse:
        audit.record(_engine(), _actor(), "signed out")
        sessions.end(_engine(), str(session.get("token", "")))
        session.clear()
        flash("You are signed out.")
        return redirect(url_for("login"))

    @route("/")
    def dashboard_page() -> str:
        refresh_index(_engine())
        days = _period_days()
        data = dashboard.build_dashboard(_engine(), _settings().timezone, days)
        audit.record(_engine(), _actor(), "viewed dashboard", detail=f"last {days} days")
        figures = [
            charts.bar_chart(
                [charts.Point(day, count) for day, count in data.conversations_per_day],
                "Conversations per day",
            ),
            charts.stacked_bar_chart(
                data.weeks,
                data.conversations_per_week_by_language,
                "Conversations per week, by language",
            ),
            charts.bar_chart(
                [charts.Point(topic, count) for topic, count in data.top_topics],
                "Top topics (visitor messages)",
                horizontal=True,
            ),
            charts.line_chart(
                [charts.Point(week, rate) for week, rate in data.fallback_rate_per_week],
                "Unanswered rate per week (fallback and out of scope)",
                maximum=1.0,
            ),
            charts.stacked_bar_chart(
                data.weeks,
                {"Emergencies": data.emergencies_per_week, "Crises": data.crises_per_week},
                "Conversations with an emergency or a crisis, per week",
            ),
            charts.stacked_bar_chart(
                [response for response, _, _ in data.feedback_per_answer],
                {
                    "Thumbs up": [up for _, up, _ in data.feedback_per_answer],
                    "Thumbs down": [down for _, _, down in data.feedback_per_answer],
                },
                "Visitors' thumbs up and down per answer",
            ),
        ]
        return render_template(
            "dashboard.html",
            data=data,
            figures=figures,
            days=days,
            periods=dashboard.PERIODS,
            backlog=labels.backlog(_engine()),
            test_backlog=conversation_tests.marks_backlog(_engine()),
        )

    @route("/conversations")
    def conversation_list() -> str:
        refresh_index(_engine())
        chosen, problems = ConversationFilter.from_query(request.args)
        for problem in problems:
            flash(problem)
        page = list_conversations(
            _engine(), chosen, _settings().timezone, request.args.get("page", 1, type=int) or 1
        )
        audit.record(
            _engine(),
            _actor(),
            "viewed conversation list"
            if chosen == ConversationFilter()
            else "searched conversations",
            target=chosen.describe(),
            detail=f"page {page.page} of {page.pages}, {page.total} conversations",
        )
        return render_template(
            "conversations.html",
            chosen=chosen,
            page=page,
            query=chosen.to_query(),
            topics=topics(_engine()),
            tags=all_tags(_engine()),
        )

    @route("/conversations/<path:sender_id>")
    def conversation(sender_id: str) -> str:
        refresh_index(_engine())
        found = transcript(_engine(), sender_id)
        if found is None:
            abort(404)
        audit.record(_engine(), _actor(), "viewed conversation", target=sender_id)
        writers = [turn.name for turn in found.turns if turn.kind in ("staff", "takeover")]
        message_labels = labels.labels_of(_engine(), sender_id)
        test_mark = conversation_tests.mark_of(_engine(), sender_id)
        authors = [label.author for label in message_labels.values()]
        return render_template(
            "transcript.html",
            conversation=found,
            staff_names=accounts.staff_names(_engine(), writers),
            labels=message_labels,
            label_choices=labels.label_choices(),
            label_kinds=labels.KINDS,
            label_authors=accounts.names_by_email(
                _engine(), [*authors, *([test_mark.author] if test_mark else [])]
            ),
            test_mark=test_mark,
            test_problem=(
                story_problem(_engine(), sender_id)
                if test_mark and test_mark.exported_at is None
                else None
            ),
            stories_file=marking.STORIES_FILE,
        )

    def _back_to(sender_id: str) -> BaseResponse:
        return redirect(url_for("conversation", sender_id=sender_id))

    @route("/review/status", methods=["POST"])
    def change_status() -> BaseResponse:
        sender_id = request.form.get("conversation", "")
        reviewed = request.form.get("reviewed") == "yes"
        if not set_reviewed(_engine(), sender_id, reviewed, _actor()):
            abort(404)
        action = "marked reviewed" if reviewed else "marked not reviewed"
        audit.record(_engine(), _actor(), action, target=sender_id)
        return _back_to(sender_id)

    @route("/review/tag", methods=["POST"])
    def tag_conversation() -> BaseResponse:
        sender_id = request.form.get("conversation", "")
        try:
            if not add_tag(_engine(), sender_id, request.form.get("tag", "")):
                abort(404)
        except ReviewInputError as error:
            flash(str(error))
            return _back_to(sender_id)
        audit.record(_engine(), _actor(), "added tag", target=sender_id)
        return _back_to(sender_id)

    @route("/review/untag", methods=["POST"])
    def untag_conversation() -> BaseResponse:
        sender_id = request.form.get("conversation", "")
        remove_tag(_engine(), sender_id, request.form.get("tag", ""))
        audit.record(_engine(), _actor(), "removed tag", target=sender_id)
        return _back_to(sender_id)

    @route("/review/note", methods=["POST"])
    def note_conversation() -> BaseResponse:
        sender_id = request.form.get("conversation", "")
        try:
            if not add_note(_engine(), sender_id, _actor(), request.form.get("note", "")):
                abort(404)
        except ReviewInputError as error:
            flash(str(error))
            return _back_to(sender_id)
        audit.record(_engine(), _actor(), "added note", target=sender_id)
        return _back_to(sender_id)

    @route("/unanswered")
    def unanswered_report() -> str:
        refresh_index(_engine())
        days = _period_days()
        since = time.time() - days * 86_400
        with _engine().connect() as connection:
            rows = connection.execute(
                sa.select(
                    messages.c.event_id,
                    messages.c.sender_id,
                    messages.c.text,
                    messages.c.at,
                    messages.c.language,
                )
                .where(messages.c.unanswered.is_(True), messages.c.at >= since)
                .order_by(messages.c.at.desc())
                .limit(UNANSWERED_LIMIT)
            ).all()
        sections = _unanswered_by_language(rows)
        report_labels = labels.labels_for(_engine(), (row.event_id for row in rows))
        audit.record(_engine(), _actor(), "viewed unanswered report", detail=f"last {days} days")
        return render_template(
            "unanswered.html",
            sections=sections,
            group_count=sum(len(section.groups) for section in sections),
            days=days,
            periods=dashboard.PERIODS,
            total=len(rows),
            limit=UNANSWERED_LIMIT,
            labels=report_labels,
            label_choices=labels.label_choices(),
            label_kinds=labels.KINDS,
        )

    @route("/export")
    def export_conversations() -> Response:
        file_format = request.args.get("format", "")
        if file_format not in export.FORMATS:
            abort(404)
        refresh_index(_engine())
        chosen, _ = ConversationFilter.from_query(request.args)
        sender_ids = matching_ids(_engine(), chosen, _settings().timezone)
        body = export.export(_engine(), sender_ids, _settings().timezone, file_format)
        audit.record(
            _engine(),
            _actor(),
            "exported",
            target=chosen.describe()[:255],
            detail=f"{file_format.upper()}, {len(sender_ids)} conversations",
        )
        stamp = datetime.now(_settings().timezone).strftime("%Y%m%d-%H%M")
        return Response(
            body,
            mimetype="text/csv" if file_format == "csv" else "application/json",
            headers={
                "Content-Disposition": f'attachment; filename="conversations-{stamp}.{file_format}"'
            },
        )

    @route("/audit")
    def audit_log() -> str:
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        entries, total = audit.entries(_engine(), page)
        audit.record(_engine(), _actor(), "viewed audit log", detail=f"page {page}")
        pages = max(1, -(-total // audit.PAGE_SIZE))
        return render_template("audit.html", entries=entries, page=page, pages=pages, total=total)
