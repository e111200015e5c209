"""Runs the staff review app with waitress: `python -m review.serve`.

REVIEW_HOST (127.0.0.1: staff reach it on this machine or through an HTTPS
proxy) and REVIEW_PORT (8100); the other settings are in review/settings.py. It also
announces waiting callback requests (review/callback_notifier.py) when an SMTP server
or webhook is configured (clinic/notifications.py), every CALLBACK_NOTIFY_SECONDS (30).
"""

from __future__ import annotations

import gc
import logging
import os
import sys

from waitress import serve

from clinic.notifications import notification_settings
from review import callback_notifier
from review.app import create_app
from review.indexer import refresh_index
from review.settings import settings_from_environment


def main() -> int:
    """Starts the server; returns an exit status if the settings are unusable."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        settings = settings_from_environment()
        notifications = notification_settings()
        interval = float(os.environ.get("CALLBACK_NOTIFY_SECONDS", "30"))
    except ValueError as error:
        print(f"The review app cannot start: {error}", file=sys.stderr)
        return 1
    host = os.environ.get("REVIEW_HOST", "127.0.0.1")
    port = int(os.environ.get("REVIEW_PORT", "8100"))
    app = create_app(settings)
    indexed = refresh_index(app.extensions["review_engine"])  # not in the first page request
    print(f"Indexed {indexed} new conversation events.")
    callback_notifier.start(app.extensions["review_engine"], notifications, interval)
    gc.freeze()  # the imported modules live as long as the server: keep them out of GC passes
    print(f"Staff review app: http://localhost:{port}/ (create an account: make staff-account)")
    serve(app, host=host, port=port, threads=4, ident="review")
    return 0


if __name__ == "__main__":
    sys.exit(main())
