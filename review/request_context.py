"""What every page of the staff app reads from the app and the request it serves.

The app factory (review/app.py `create_app`) puts the database engine, the settings and the
clock in `app.extensions`; the sign-in hook puts the signed-in member in `g.member`. The
app's routes and its blueprints (review/callbacks.py, review/live.py) read them here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app, g


def app_extension(name: str) -> Any:
    """One of the objects create_app keeps in `app.extensions`."""
    return current_app.extensions[name]


def engine() -> sa.engine.Engine:
    """The conversations database."""
    found: sa.engine.Engine = app_extension("review_engine")
    return found


def now() -> float:
    """The time as the app sees it (tests pass a fake clock)."""
    clock: Callable[[], float] = app_extension("review_clock")
    return clock()


def actor() -> str:
    """The signed-in member as the audit log names them: their e-mail address."""
    email: str = g.member.email
    return email
