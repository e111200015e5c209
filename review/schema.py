"""The review app's tables, next to Rasa's `events` table in the conversations database.

Rasa's tracker store owns `events` (one row per event, redacted before insert);
the review app only reads it. Everything the app writes lives in `review_*`
tables: staff accounts, the audit log, per-conversation summaries built by the
indexer, and the staff's own review status, tags and notes.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Rasa's SQLTrackerStore table, declared here only to be read (never created by us).
rasa_metadata = sa.MetaData()
events = sa.Table(
    "events",
    rasa_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

staff = sa.Table(
    "review_staff",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(255), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, default=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
    # Changes with the password or when the account is disabled: older sessions end.
    sa.Column("session_version", sa.Integer, nullable=False, default=1),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_login_at", sa.Float),
)

audit_log = sa.Table(
    "review_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("actor", sa.String(255), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(255), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

# One row per conversation (Rasa sender_id), kept up to date by review.indexer.
conversations = sa.Table(
    "review_conversation",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("started_at", sa.Float, nullable=False, index=True),
    sa.Column("last_event_at", sa.Float, nullable=False),
    sa.Column("visitor_messages", sa.Integer, nullable=False, default=0),
    sa.Column("emergency", sa.Boolean, nullable=False, default=False),
    sa.Column("crisis", sa.Boolean, nullable=False, default=False),
    sa.Column("intake_prompt_shown", sa.Boolean, nullable=False, default=False),
    sa.Column("unanswered", sa.Integer, nullable=False, default=0),
    sa.Column("thumbs_up", sa.Integer, nullable=False, default=0),
    sa.Column("thumbs_down", sa.Integer, nullable=False, default=0),
    sa.Column("reviewed", sa.Boolean, nullable=False, default=False),
    sa.Column("reviewed_by", sa.String(255)),
    sa.Column("reviewed_at", sa.Float),
)

# One row per visitor message: what the bot understood, for topics, search and reports.
messages = sa.Table(
    "review_message",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("topic", sa.String(255), nullable=False, index=True),
    sa.Column("confidence", sa.Float),
    sa.Column("unanswered", sa.Boolean, nullable=False, default=False),
    sa.Column("text", sa.Text, nullable=False, default=""),
)

# One row per 👍/👎 a visitor gave an answer in the widget.
feedback = sa.Table(
    "review_feedback",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("response", sa.String(255), nullable=False),
    sa.Column("rating", sa.String(8), nullable=False),
)

tags = sa.Table(
    "review_tag",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("tag", sa.String(64), primary_key=True),
    sa.Index("ix_review_tag_tag", "tag"),
)

notes = sa.Table(
    "review_note",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("author", sa.String(255), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

index_state = sa.Table(
    "review_index_state",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)

# Tables holding a conversation's data, deleted with it by the retention command.
CONVERSATION_TABLES = (
    "review_message",
    "review_feedback",
    "review_tag",
    "review_note",
    "review_conversation",
)


def create_tables(engine: sa.engine.Engine) -> None:
    """Creates the review_* tables that do not exist yet (Rasa creates `events`)."""
    metadata.create_all(engine)
