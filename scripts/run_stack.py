"""The multi-instance deployment on one machine, from Debian packages (`make stack`).

nginx in front serving the website's demo page, the widget's files and the chat
channels, proxied to several Rasa instances that share a PostgreSQL tracker store
and a Redis lock store; one action server; the staff review app on its own port
(devtools/stack.py). Everything listens on 127.0.0.1 and lives in a work directory
that is removed at the end. PostgreSQL has the deployment's least-privilege roles
(review/database_roles.py): it prints the staff app's and the retention job's URLs.

    .venv/bin/python scripts/run_stack.py [--instances 2] [--port 8080] [--staff-port 8180]
    .venv/bin/python scripts/run_stack.py --write-error-pages DIR   # for other nginx set-ups
"""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from devtools.stack import running_stack, write_error_pages


def main() -> None:
    """Runs the stack until Ctrl-C, or writes nginx's error pages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=2, help="Rasa instances (2)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STACK_PORT", 8080)))
    parser.add_argument(
        "--staff-port", type=int, default=int(os.environ.get("STACK_STAFF_PORT", 8180))
    )
    parser.add_argument("--write-error-pages", type=Path, metavar="DIR")
    arguments = parser.parse_args()
    if arguments.write_error_pages:
        write_error_pages(arguments.write_error_pages)
        return
    print(f"Starting PostgreSQL, Redis, {arguments.instances} Rasa instances and nginx…")
    with running_stack(
        instances=arguments.instances, port=arguments.port, staff_port=arguments.staff_port
    ) as stack:
        print(f"Website with the chat widget: {stack.url}/")
        print(f"Staff review app:             {stack.staff_url}/  (make staff-account first,")
        print(f"  with REVIEW_DATABASE_URL={stack.review_database_url})")
        print(f"Retention: CONVERSATIONS_DB_URL={stack.retention_database_url} \\")
        print("  .venv/bin/python -m storage.retention --dry-run")
        print(f"Logs: {stack.logs}   Ctrl-C stops everything.")
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
