"""A database error in words an operator can act on, without the statement or its parameters.

SQLAlchemy's message quotes the SQL and its bound values: conversation ids, or the
password of an `ALTER ROLE`. Command lines print this instead.
"""

from __future__ import annotations

import sqlalchemy as sa


def error_summary(error: sa.exc.SQLAlchemyError) -> str:
    """The error's class and the first line of the driver's message (the reason)."""
    reason = str(getattr(error, "orig", None) or "").strip().splitlines()
    return f"{type(error).__name__}: {reason[0]}" if reason else type(error).__name__
