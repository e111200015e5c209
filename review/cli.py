"""Staff accounts and exports from the shell.

    .venv/bin/python -m review.cli create-account --email ana@center.org --name "Ana" [--admin]
    .venv/bin/python -m review.cli disable-account --email ana@center.org
    .venv/bin/python -m review.cli enable-account|unlock-account|set-password --email ...
    .venv/bin/python -m review.cli list-accounts
    .venv/bin/python -m review.cli export --format csv --flag emergency --from 2026-11-01 -o out.csv
    .venv/bin/python -m review.cli export --format json --language es -o spanish.json
    .venv/bin/python -m review.cli export-training-data [--dry-run]  # labels to data and test files
    .venv/bin/python -m review.cli verify-audit-log   # exit status 1 if the chain is broken
    .venv/bin/python -m review.cli rotate-callback-key  # re-encrypt callbacks with the newest key

Passwords are asked for twice without echo, or read from standard input with
--password-stdin (scripts); never given as an argument (it would stay in the
shell history and the process list). Exports are written to the audit log as
`cli:<user>`. `export-training-data` writes the staff's labels as Rasa NLU training data,
safety test cases and the content team's list of new questions, and the conversations marked
"make this a test" as Rasa test stories (review.training_export), and prints counts only.
The database is REVIEW_DATABASE_URL / CONVERSATIONS_DB_URL.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from clinic.settings import load_settings
from content.yaml_schema import InvalidYamlFile
from review import accounts, audit, export, training_export
from review.conversations import FLAGS, LANGUAGES, ConversationFilter, matching_ids
from review.indexer import refresh_index
from review.schema import create_tables
from review.settings import database_url
from storage import callbacks
from storage.callback_keys import CallbackKeyError, load_cipher

ACCOUNT_COMMANDS = (
    "create-account",
    "disable-account",
    "enable-account",
    "unlock-account",
    "set-password",
)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise accounts.AccountError("The two passwords differ.")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m review.cli", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL of the conversations database"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ACCOUNT_COMMANDS:
        command = commands.add_parser(name)
        command.add_argument("--email", required=True)
        if name == "create-account":
            command.add_argument("--name", required=True, help="the person's full name")
            command.add_argument("--admin", action="store_true", help="may read the audit log")
        if name in ("create-account", "set-password"):
            command.add_argument("--password-stdin", action="store_true")
    commands.add_parser("list-accounts")
    commands.add_parser(
        "verify-audit-log", help="check the audit log's hash chain; report the first broken link"
    )
    commands.add_parser(
        "rotate-callback-key",
        help="re-encrypt every callback request with the first key of CALLBACK_KEYS / "
        "CALLBACK_KEY_FILE (docs/callbacks.md)",
    )
    exporting = commands.add_parser(
        "export", help="export conversations (written to the audit log)"
    )
    exporting.add_argument("--format", choices=export.FORMATS, required=True)
    exporting.add_argument("--from", dest="from_", metavar="YYYY-MM-DD")
    exporting.add_argument("--to", metavar="YYYY-MM-DD")
    exporting.add_argument("--flag", action="append", choices=list(FLAGS), default=[])
    exporting.add_argument("--topic")
    exporting.add_argument("--status", choices=["new", "reviewed"])
    exporting.add_argument(
        "--language", choices=list(LANGUAGES), help="a visitor message was answered in it"
    )
    exporting.add_argument("--tag")
    exporting.add_argument("--search", help="text the visitor wrote")
    exporting.add_argument("-o", "--output", required=True, help="file to write")
    training = commands.add_parser(
        "export-training-data",
        help="write the staff's labelled messages as Rasa NLU training data, safety test cases "
        "and new questions for the content team, and the conversations marked as tests as test "
        "stories (audited)",
    )
    training.add_argument(
        "--out",
        type=Path,
        default=training_export.DEFAULT_OUTPUT,
        help="the NLU YAML file to merge into (default data/nlu_reviewed.yml)",
    )
    training.add_argument(
        "--safety-out",
        type=Path,
        default=None,
        help="the safety cases of English conversations to merge into (default "
        "tests/safety_reviewed.yml); Spanish ones go to the same name ending in _es",
    )
    training.add_argument(
        "--questions-out",
        type=Path,
        default=None,
        help="the new questions to merge into (default content/new_questions.yml)",
    )
    training.add_argument(
        "--stories-out",
        type=Path,
        default=None,
        help="the test stories of the conversations marked as tests to merge into (default "
        "tests/test_stories_reviewed.yml)",
    )
    training.add_argument(
        "--dry-run", action="store_true", help="count what would be exported; write nothing"
    )
    return parser


def _export_training_data(engine: sa.engine.Engine, arguments: argparse.Namespace) -> int:
    try:
        report = training_export.export_training_data(
            engine,
            arguments.out,
            dry_run=arguments.dry_run,
            now=time.time(),
            timezone=load_settings().hours.timezone,
            safety_output=arguments.safety_out,
            questions_output=arguments.questions_out,
            stories_output=arguments.stories_out,
        )
    except (InvalidYamlFile, training_export.NotACheckout) as error:  # no file content
        print(error, file=sys.stderr)
        return 1
    training_export.record_export(engine, f"cli:{getpass.getuser()}", report)
    print(report.summary())
    return 0


def _export(engine: sa.engine.Engine, arguments: argparse.Namespace) -> int:
    query = {
        "from": arguments.from_,
        "to": arguments.to,
        "flag": arguments.flag,
        "topic": arguments.topic,
        "status": arguments.status,
        "language": arguments.language,
        "tag": arguments.tag,
        "q": arguments.search,
    }
    chosen, problems = ConversationFilter.from_query(query)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    timezone = load_settings().hours.timezone
    refresh_index(engine)
    sender_ids = matching_ids(engine, chosen, timezone)
    body = export.export(engine, sender_ids, timezone, arguments.format)
    descriptor = os.open(arguments.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
        file.write(body)
    audit.record(
        engine,
        f"cli:{getpass.getuser()}",
        "exported",
        target=chosen.describe()[:255],
        detail=f"{arguments.format.upper()}, {len(sender_ids)} conversations",
    )
    print(f"Exported {len(sender_ids)} conversations to {arguments.output}.")
    return 0


def _rotate_callback_key(engine: sa.engine.Engine) -> int:
    try:
        cipher = load_cipher()
        if cipher is None:
            print("No callback key: set CALLBACK_KEYS or CALLBACK_KEY_FILE.", file=sys.stderr)
            return 1
        rotated = callbacks.rotate_keys(engine, cipher)
    except CallbackKeyError as error:
        print(error, file=sys.stderr)
        return 1
    audit.record(
        engine, f"cli:{getpass.getuser()}", "rotated callback key", detail=f"{rotated} requests"
    )
    print(f"Re-encrypted {rotated} callback requests with the newest key.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    arguments = _parser().parse_args(argv)
    engine = sa.create_engine(arguments.database_url or database_url(os.environ))
    try:
        create_tables(engine)
        if arguments.command == "export":
            return _export(engine, arguments)
        if arguments.command == "export-training-data":
            return _export_training_data(engine, arguments)
        if arguments.command == "verify-audit-log":
            check = audit.verify(engine)
            print(check.summary(), file=sys.stdout if check.intact else sys.stderr)
            outcome = "intact" if check.intact else f"broken at entry #{check.broken_at}"
            audit.record(engine, f"cli:{getpass.getuser()}", "verified audit log", detail=outcome)
            return 0 if check.intact else 1
        if arguments.command == "rotate-callback-key":
            return _rotate_callback_key(engine)
        if arguments.command == "list-accounts":
            for account in accounts.list_accounts(engine):
                state = "active" if account["is_active"] else "disabled"
                role = "admin" if account["is_admin"] else "staff"
                print(f"{account['email']}\t{account['name']}\t{role}\t{state}")
            return 0
        email = arguments.email
        if arguments.command == "create-account":
            password = _read_password(arguments.password_stdin)
            accounts.create_account(engine, email, arguments.name, password, arguments.admin)
            print(f"Created {'an admin' if arguments.admin else 'a staff'} account for {email}.")
        elif arguments.command == "set-password":
            accounts.set_password(engine, email, _read_password(arguments.password_stdin))
            print(f"Password changed for {email}; their open sessions are signed out.")
        else:
            action, done = {
                "disable-account": (accounts.disable_account, "Disabled"),
                "enable-account": (accounts.enable_account, "Enabled"),
                "unlock-account": (accounts.unlock_account, "Unlocked"),
            }[arguments.command]
            action(engine, email)
            print(f"{done} {email}.")
        audit.record(engine, f"cli:{getpass.getuser()}", arguments.command, target=email)
        return 0
    except accounts.AccountError as error:
        print(error, file=sys.stderr)
        return 1
    except sa.exc.SQLAlchemyError as error:
        print(f"Database error: {type(error).__name__}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
