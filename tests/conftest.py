"""Shared fixtures: a fixed clock, a ledger file in a tmp dir, and the `ot` command in-process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from offline_tracker import i18n

# Wednesday 2025-10-08, 09:30 in Shanghai: the day after the 2025 National Day break.
FIXED_NOW = "2025-10-08T09:30:00+08:00"
SCHEDULE = "mon-fri 09:00-12:00,13:00-18:00"
# A record's payload in SQL, for tests that forge a projection behind the program's back: its
# copy, else (schema 0002: no copy until a correction) the data of its record.add entry.
_OWN_ENTRY = "FROM ledger WHERE ledger.seq = records.id"
PAYLOAD_SQL = f"COALESCE(data, (SELECT json_extract(body, '$.data') {_OWN_ENTRY}))"
PAYLOAD_SQL_PG = f"COALESCE(data, (SELECT (body::json -> 'data')::text {_OWN_ENTRY}))"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Ot:
    """Runs `ot ARGS` in-process against one ledger file, the way a user would type it."""

    def __init__(self, db: Path, now: str = FIXED_NOW) -> None:
        self.db = db
        self.now = now

    def __call__(
        self,
        *args: str,
        lang: str = "en",
        env: dict[str, str] | None = None,
        input: str | None = None,
    ) -> Result:
        from offline_tracker.cli import dispatch  # the fast path of log/add/report week too

        runner = CliRunner()
        full_env = {
            "OFFLINE_TRACKER_NOW": self.now,
            "OFFLINE_TRACKER_DB": str(self.db),
            "NO_COLOR": "1",
            "COLUMNS": "120",
            **(env or {}),
        }
        i18n.set_language(lang)
        with runner.isolation(input=input, env=full_env) as (out, err, _):
            code = dispatch(list(args))
        i18n.set_language("en")
        return Result(code, out.getvalue().decode(), err.getvalue().decode())

    def init(self, *extra: str) -> Result:
        result = self(
            "init",
            "--timezone",
            "Asia/Shanghai",
            "--schedule",
            SCHEDULE,
            "--monthly-wage",
            "10000",
            *extra,
        )
        assert result.code == 0, result.err
        return result


@pytest.fixture(autouse=True, scope="session")
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The holidays cache (app/holiday_cache.py) of the tests, never the user's own folder."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield


@pytest.fixture(params=["one process", "two processes"])
def walks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """`ot verify` walking the ledger in one process, then in two (app/parallel.py, used for
    long ledgers, here for every size): both must find the same problems."""
    from offline_tracker.app import parallel

    if request.param == "one process":
        monkeypatch.setattr(parallel, "can_fork", lambda: False)
    elif not parallel.can_fork():
        pytest.skip("needs Linux and two processors")
    else:
        monkeypatch.setattr(parallel, "MINIMUM_ITEMS", 2)
    return str(request.param)


@pytest.fixture
def ot(tmp_path: Path) -> Ot:
    return Ot(tmp_path / "ledger.sqlite")


@pytest.fixture
def ledger(ot: Ot) -> Ot:
    """An initialised ledger."""
    ot.init()
    return ot


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A local time-stamp authority (tests/tsa.py): RSA, its replies carry the TSA certificate."""
    from tests.tsa import Authority, need_openssl

    need_openssl()
    return Authority.make(tmp_path_factory.mktemp("tsa") / "good", "Good")


@pytest.fixture(scope="session")
def other_tsa(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Another authority (ECDSA), whose replies also carry its own root certificate."""
    from tests.tsa import Authority, need_openssl

    need_openssl()
    return Authority.make(tmp_path_factory.mktemp("tsa") / "other", "Other", "ec", True)


def said(problem: Any) -> str:
    """An importer's problem (or error) as the user reads it (English)."""
    from offline_tracker.domain.problems import Problem
    from offline_tracker.render import message

    return message(problem.message() if isinstance(problem, Problem) else problem.message)


@contextmanager
def refused(pattern: str) -> Iterator[None]:
    """Like pytest.raises(ImportFormatError, match=pattern), matched on the English text."""
    from offline_tracker.formats.importers import ImportFormatError

    with pytest.raises(ImportFormatError) as caught:
        yield
    assert re.search(pattern, said(caught.value)), said(caught.value)
