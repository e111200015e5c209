"""Staff accounts: argon2-hashed passwords, sign-in with lock-out, disable/enable.

No account exists until someone creates one with the CLI (`python -m review.cli
create-account`); there is no default password. Passwords are only ever handled
as arguments to these functions: they are hashed with argon2id (argon2-cffi)
and never stored, logged or compared in clear.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from review import sessions
from review.schema import staff

MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 12
# Staff references, as conversations store them (staff_reference).
STAFF_REFERENCE_PREFIX = "staff-"

_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account cannot be created or changed as asked (message safe to show)."""


@dataclass(frozen=True)
class StaffMember:
    """A signed-in (or signing-in) member of staff."""

    id: int
    email: str
    name: str
    is_admin: bool
    session_version: int


class SignInOutcome(Enum):
    """Why a sign-in succeeded or failed (the visitor-facing message never says which)."""

    SIGNED_IN = "signed in"
    WRONG_PASSWORD = "wrong password"
    UNKNOWN_ACCOUNT = "unknown account"
    DISABLED = "account disabled"
    LOCKED = "account locked"


@dataclass(frozen=True)
class SignInResult:
    """The outcome, the member when signed in, and whether this attempt locked the account."""

    outcome: SignInOutcome
    member: StaffMember | None = None
    locked_now: bool = False


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively, without surrounding spaces."""
    return email.strip().lower()


def check_password_policy(password: str, email: str) -> None:
    """Raises AccountError if the password is too weak to protect health information."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if password.strip().lower() == normalise_email(email) or len(set(password)) < 5:
        raise AccountError("The password is too easy to guess; choose another one.")


def _member(row: Any) -> StaffMember:
    return StaffMember(row.id, row.email, row.name, row.is_admin, row.session_version)


def create_account(
    engine: sa.engine.Engine, email: str, name: str, password: str, is_admin: bool = False
) -> StaffMember:
    """Creates an active account; refuses a duplicate e-mail or a weak password."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 255:
        raise AccountError("Give the person's work e-mail address.")
    if not name.strip():
        raise AccountError("Give the person's name.")
    check_password_policy(password, email)
    with engine.begin() as connection:
        if connection.execute(sa.select(staff.c.id).where(staff.c.email == email)).first():
            raise AccountError(f"An account for {email} already exists.")
        connection.execute(
            staff.insert().values(
                email=email,
                name=name.strip(),
                password_hash=_hasher.hash(password),
                is_admin=is_admin,
                is_active=True,
                failed_logins=0,
                locked_until=0.0,
                session_version=1,
                created_at=time.time(),
            )
        )
        row = connection.execute(sa.select(staff).where(staff.c.email == email)).one()
    return _member(row)


def _update(
    engine: sa.engine.Engine, email: str, end_sessions: bool = False, **values: Any
) -> None:
    """Changes the account's row; with end_sessions, also signs it out everywhere."""
    with engine.begin() as connection:
        member_id = connection.execute(
            sa.select(staff.c.id).where(staff.c.email == normalise_email(email))
        ).scalar_one_or_none()
        if member_id is None:
            raise AccountError(f"There is no account for {normalise_email(email)}.")
        connection.execute(staff.update().where(staff.c.id == member_id).values(**values))
        if end_sessions:
            sessions.end_all(connection, member_id)


def disable_account(engine: sa.engine.Engine, email: str) -> None:
    """Disables the account and ends its sessions (the row stays for the audit log)."""
    _update(
        engine,
        email,
        end_sessions=True,
        is_active=False,
        session_version=staff.c.session_version + 1,
    )


def enable_account(engine: sa.engine.Engine, email: str) -> None:
    """Re-enables a disabled account and lifts any lock-out."""
    _update(engine, email, is_active=True, failed_logins=0, locked_until=0.0)


def unlock_account(engine: sa.engine.Engine, email: str) -> None:
    """Lifts a lock-out before it expires."""
    _update(engine, email, failed_logins=0, locked_until=0.0)


def set_password(engine: sa.engine.Engine, email: str, password: str) -> None:
    """Replaces the password and ends the account's existing sessions."""
    check_password_policy(password, email)
    _update(
        engine,
        email,
        end_sessions=True,
        password_hash=_hasher.hash(password),
        failed_logins=0,
        locked_until=0.0,
        session_version=staff.c.session_version + 1,
    )


def list_accounts(engine: sa.engine.Engine) -> list[dict[str, Any]]:
    """Every account, without password hashes."""
    columns = [column for column in staff.c if column.name != "password_hash"]
    with engine.connect() as connection:
        rows = connection.execute(sa.select(*columns).order_by(staff.c.email))
        return [dict(row._mapping) for row in rows]


@functools.lru_cache(maxsize=1)
def _unknown_account_hash() -> str:
    """Verified against when the account can't sign in, so every refusal takes as long."""
    return _hasher.hash("not the password of anyone")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in(
    engine: sa.engine.Engine, email: str, password: str, now: float | None = None
) -> SignInResult:
    """Checks the password, counting failures; the fifth failure in a row locks the account.

    A locked account is refused even with the right password until the lock-out
    expires (LOCKOUT_SECONDS) or an administrator unlocks it.
    """
    now = time.time() if now is None else now
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(staff).where(staff.c.email == normalise_email(email))
        ).first()
        if row is None:
            _verify(_unknown_account_hash(), password)
            return SignInResult(SignInOutcome.UNKNOWN_ACCOUNT)
        if not row.is_active:
            _verify(_unknown_account_hash(), password)
            return SignInResult(SignInOutcome.DISABLED)
        if row.locked_until > now:
            _verify(_unknown_account_hash(), password)
            return SignInResult(SignInOutcome.LOCKED)
        if not _verify(row.password_hash, password):
            locked_now = _count_failure(connection, row.id, now)
            return SignInResult(SignInOutcome.WRONG_PASSWORD, locked_now=locked_now)
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": 0.0, "last_login_at": now}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        signed_in = connection.execute(
            staff.update()
            .where(staff.c.id == row.id, staff.c.locked_until <= now)  # not locked meanwhile
            .values(**values)
        )
        if signed_in.rowcount == 0:
            return SignInResult(SignInOutcome.LOCKED)
    return SignInResult(SignInOutcome.SIGNED_IN, _member(row))


def _count_failure(connection: sa.engine.Connection, member_id: int, now: float) -> bool:
    """Counts a wrong password; True if it locked the account.

    The count is incremented in the database, not read then written, so wrong
    passwords sent in parallel all count (the first UPDATE holds the row until commit).
    """
    where = staff.c.id == member_id
    connection.execute(staff.update().where(where).values(failed_logins=staff.c.failed_logins + 1))
    locked = connection.execute(
        staff.update()
        .where(where, staff.c.failed_logins >= MAX_FAILED_LOGINS)
        .values(failed_logins=0, locked_until=now + LOCKOUT_SECONDS)
    )
    return bool(locked.rowcount)


def active_member(
    engine: sa.engine.Engine, member_id: int, session_version: int
) -> StaffMember | None:
    """The member behind a session, or None if disabled or the session is outdated."""
    with engine.connect() as connection:
        row = connection.execute(sa.select(staff).where(staff.c.id == member_id)).first()
    if row is None or not row.is_active or row.session_version != session_version:
        return None
    return _member(row)


def staff_reference(member_id: int) -> str:
    """How a conversation names the staff member who wrote in it: `staff-<account id>`.

    Not the e-mail address: the tracker store redacts e-mail addresses in everything it
    stores (storage/redaction/), and the conversation needs no staff contact details.
    """
    return f"{STAFF_REFERENCE_PREFIX}{member_id}"


def staff_names(engine: sa.engine.Engine, references: Iterable[str | None]) -> dict[str, str]:
    """The account names of these staff references (those of existing accounts)."""
    ids = {
        int(reference.removeprefix(STAFF_REFERENCE_PREFIX))
        for reference in references
        if reference
        and reference.startswith(STAFF_REFERENCE_PREFIX)
        and reference.removeprefix(STAFF_REFERENCE_PREFIX).isdigit()
    }
    if not ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(sa.select(staff.c.id, staff.c.name).where(staff.c.id.in_(ids)))
        return {staff_reference(row.id): row.name for row in rows}


def names_by_email(engine: sa.engine.Engine, emails: Iterable[str]) -> dict[str, str]:
    """The account names of these e-mail addresses (those of existing accounts)."""
    wanted = set(emails)
    if not wanted:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(staff.c.email, staff.c.name).where(staff.c.email.in_(wanted))
        ).all()
    return {row.email: row.name for row in rows}
