"""Backend fixtures: the same tests on a SQLite file and on a fresh PostgreSQL database.

OFFLINE_TRACKER_TEST_PG is a SQLAlchemy URL of a role that may create databases (`.ci/run` starts
a server on loopback and sets it). Without it the PostgreSQL cases are skipped, except under CI
(CI=true), where a missing server must fail the run rather than pass it silently.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Ot, Result

ENV_PG = "OFFLINE_TRACKER_TEST_PG"
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get(ENV_PG)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{ENV_PG} is not set: CI must run the PostgreSQL tests (see .ci/run)")
    pytest.skip(f"{ENV_PG} is not set (a PostgreSQL server for these tests; see .ci/run)")


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    name = f"ot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class BackendOt(Ot):
    """`ot` against a SQLite file or a database URL; the evidence store stays in the tmp dir."""

    def __init__(self, location: str, home: Path) -> None:
        super().__init__(location)  # type: ignore[arg-type]
        self.home = home

    @property
    def backend(self) -> str:
        return "sqlite" if "://" not in str(self.db) else "postgresql"

    def __call__(self, *args: str, lang: str = "en", env: dict[str, str] | None = None) -> Result:
        return super().__call__(
            *args, lang=lang, env={"XDG_DATA_HOME": str(self.home), **(env or {})}
        )

    def sql(self, *statements: str, put_back: bool = True) -> None:
        """Run SQL on the ledger behind the program's back, append-only triggers removed and,
        with `put_back`, created again as they were (a missing one is a finding of its own)."""
        if self.backend == "sqlite":
            conn = sqlite3.connect(self.db)
            triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            created = triggers.fetchall()
            for name, _ in created:
                conn.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                conn.execute(statement)
            for _, create in created if put_back else ():
                conn.execute(create)
            conn.commit()
            conn.close()
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(str(self.db))
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE ledger DISABLE TRIGGER ledger_no_update"))
            for statement in statements:
                conn.execute(text(statement))
            if put_back:
                conn.execute(text("ALTER TABLE ledger ENABLE TRIGGER ledger_no_update"))
            else:
                conn.execute(text("DROP TRIGGER ledger_no_update ON ledger"))
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A ledger location on each backend: a file path, or a fresh PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def any_ot(location: str, tmp_path: Path) -> BackendOt:
    return BackendOt(location, tmp_path / "home")


@pytest.fixture
def any_ledger(any_ot: BackendOt) -> BackendOt:
    """An initialised ledger on each backend."""
    any_ot.init()
    return any_ot
