"""The review app's tables, next to Rasa's `events` table in the conversations database.

The callback requests' table, `review_callback`, is declared by storage/callbacks.py (the
action server writes it without this package) and created here too; so is the live-chat
availability table, `review_live_staff`, declared by storage/live_chat.py (the action
server reads it; the Live now page writes it).

Rasa's tracker store owns `events` (one row per event, redacted before insert);
the review app only reads it. Everything the app writes lives in `review_*`
tables: staff accounts and their signed-in sessions, the audit log,
per-conversation summaries built by the indexer, and the staff's own review
status, tags, notes, labels on visitor messages and the conversations marked as tests.

`create_tables` creates what is missing: whole tables, and the columns added to
existing tables since the first release (`ADDED_COLUMNS`, by `ALTER TABLE ... ADD
COLUMN` with the column's server default, on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.callbacks import callback_metadata
from storage.live_chat import live_chat_metadata

metadata = sa.MetaData()

# Rasa's SQLTrackerStore table, as Rasa declares it (same columns and index). The app only
# reads it; on PostgreSQL with least-privilege roles the schema owner creates it
# (review.database_roles), since the Rasa role may not create tables.
rasa_metadata = sa.MetaData()
events = sa.Table(
    "events",
    rasa_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
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

# One row per signed-in browser (review.sessions): the session cookie carries a random
# token, this table only its SHA-256. Signing out deletes the row, so a copied cookie
# stops working; a password change or disabling the account deletes all of its rows.
staff_sessions = sa.Table(
    "review_staff_session",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("staff_id", sa.Integer, nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
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
    # The hash chain (review.audit): the previous entry's `hash`, and the SHA-256 of this
    # entry's content and `prev_hash`. NULL only in entries written before the chain
    # existed, until create_tables chains them.
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
)

# One row per sign-in attempt on /login that is under way or failed, by client address
# (review.login_limit): the per-address limit is counted here so that every app worker
# shares it. Successful attempts are deleted; rows older than the window are deleted on
# the way.
login_attempts = sa.Table(
    "review_login_attempt",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Index("ix_review_login_attempt_address_at", "address", "at"),
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
    # The `language` slot at the last indexed event ("en" or "es"), and every language a
    # visitor message was answered in, sorted and comma-separated ("en", "es", "en,es").
    sa.Column("language", sa.String(8), nullable=False, default="en", server_default="en"),
    sa.Column("languages", sa.String(32), nullable=False, default="en", server_default="en"),
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
    # The `language` slot once the message was answered (after its turn's slot events).
    sa.Column("language", sa.String(8), nullable=False, default="en", server_default="en"),
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

# Staff labels on visitor messages (review.labels): what a message should have been
# understood as. One current label per message (`event_id`, the `events` row of the visitor
# message); `exported_at`: when `export-training-data` put it into the training data.
labels = sa.Table(
    "review_label",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("target", sa.String(255), nullable=False, default=""),
    sa.Column("author", sa.String(255), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("exported_at", sa.Float, index=True),
)

# Conversations staff marked "make this a test" (review.conversation_tests): one row per
# conversation, who marked it and when; `exported_at`: when `export-training-data` wrote it
# as a test story (tests/test_stories_reviewed.yml). Unmarking deletes the row.
marked_tests = sa.Table(
    "review_test_case",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("author", sa.String(255), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("exported_at", sa.Float, index=True),
)

# Tables holding a conversation's data, deleted with it by the retention command.
CONVERSATION_TABLES = (
    "review_message",
    "review_feedback",
    "review_tag",
    "review_note",
    "review_label",
    "review_test_case",
    "review_conversation",
)


# Columns added after their table was first released: a database created before them
# gets them from create_tables (each has a server default or may be NULL, so existing rows
# are valid).
ADDED_COLUMNS = (
    (conversations, "language"),
    (conversations, "languages"),
    (messages, "language"),
    (audit_log, "prev_hash"),
    (audit_log, "hash"),
)


def create_tables(engine: sa.engine.Engine) -> None:
    """Creates the review_* tables and columns that do not exist yet (Rasa creates `events`).

    Then fills the language columns of conversations indexed before those columns
    existed (once; review.indexer.index_languages_once), and chains the audit entries
    written before the hash chain existed (review.audit.chain_earlier_entries).
    """
    metadata.create_all(engine)
    callback_metadata.create_all(engine)
    live_chat_metadata.create_all(engine)
    for table, name in ADDED_COLUMNS:
        _add_column(engine, table, name)
    # Both modules import this one.
    from review.audit import chain_earlier_entries
    from review.indexer import index_languages_once

    index_languages_once(engine)
    chain_earlier_entries(engine)


def _has_column(engine: sa.engine.Engine, table: sa.Table, name: str) -> bool:
    with engine.connect() as connection:
        return name in {column["name"] for column in sa.inspect(connection).get_columns(table.name)}


def _add_column(engine: sa.engine.Engine, table: sa.Table, name: str) -> None:
    """Adds the column to an older table that lacks it (another process may do it too)."""
    if _has_column(engine, table, name):
        return
    preparer = engine.dialect.identifier_preparer
    definition = sa.schema.CreateColumn(table.c[name]).compile(dialect=engine.dialect)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {definition}")
            )
    except sa.exc.DBAPIError:
        if not _has_column(engine, table, name):  # not a concurrent start that added it first
            raise
