"""Wrong passwords sent in parallel all count towards the lock-out (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import sqlalchemy as sa

from review import accounts
from review.schema import create_tables
from tests.support.review_client import PASSWORD
from tests.support.review_data import reset_database

EMAIL = "ana@center.example"
PARALLEL = 24


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = reset_database(database_url)
    engine.dispose()
    pool = {} if database_url.startswith("sqlite") else {"pool_size": PARALLEL}  # one each
    engine = sa.create_engine(database_url, **pool)
    create_tables(engine)
    accounts.create_account(engine, EMAIL, "Ana Test", PASSWORD)
    yield engine
    engine.dispose()


def test_parallel_wrong_passwords_lock_the_account(engine: sa.engine.Engine) -> None:
    start = Barrier(PARALLEL)

    def guess(number: int) -> accounts.SignInResult:
        start.wait()
        return accounts.sign_in(engine, EMAIL, f"wrong guess number {number}")

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(guess, range(PARALLEL)))

    assert {result.outcome for result in results} <= {
        accounts.SignInOutcome.WRONG_PASSWORD,
        accounts.SignInOutcome.LOCKED,
    }
    assert any(result.locked_now for result in results)
    assert accounts.sign_in(engine, EMAIL, PASSWORD).outcome is accounts.SignInOutcome.LOCKED
