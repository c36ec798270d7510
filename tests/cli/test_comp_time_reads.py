"""RULES P3 in the report pipeline: what app/reports reads for time off in lieu (only the
rest-day work that can change a period's offsets, by stretches) gives the same report as
classifying the whole ledger at once (issue 19)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import Ot

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
NOW = "2025-11-26T20:00:00+08:00"


def _genledger() -> ModuleType:
    spec = importlib.util.spec_from_file_location("genledger", SCRIPTS / "genledger.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("genledger", module)  # its dataclasses look their module up
    spec.loader.exec_module(sys.modules["genledger"])
    return sys.modules["genledger"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Ot:
    """Three years of generated work (weekend bursts, sessions across midnight, time off each
    3 March), then pooled time off every four weeks for two years and two entries with --for."""
    path = tmp_path_factory.mktemp("p3") / "ledger.sqlite"
    _genledger().build(path, 4000, 3, 11, date(2025, 11, 25))
    ot = Ot(path, now=NOW)
    monday = date(2023, 12, 4)
    while monday < date(2025, 11, 20):
        result = ot("comp-time", monday.isoformat(), "--hours", "6")
        assert result.code == 0, result.err
        monday += timedelta(days=28)
    for taken, day in (("2025-06-03", "2025-05-31"), ("2024-10-09", "2024-09-29")):
        assert ot("comp-time", taken, "--hours", "3", "--for", day).code == 0
    return ot


def test_p3_each_period_is_bound_as_the_whole_ledger_binds_it(history: Ot) -> None:
    from offline_tracker.app import open_app, reports, terms
    from offline_tracker.domain.classify import classify
    from offline_tracker.storage import queries

    now = datetime.fromisoformat(NOW)
    periods = [(date(2023, 2, 6) + timedelta(days=37 * i), 6) for i in range(28)]
    periods += [(date(2024, 3, 1), 30), (date(2025, 11, 24), 6), (date(2025, 2, 24), 13)]
    applied = 0
    with open_app(str(history.db), lambda: now) as app:
        with app.db.read() as tx:
            snap = terms.snapshot(tx)
            everything = list(
                queries.records_between(tx, datetime(2020, 1, 1), datetime(2027, 1, 1))
            )
        for first, length in periods:
            last = first + timedelta(days=length)
            got = reports.report(app, first, last).result
            whole = classify(
                everything,
                snap.history,
                date_from=first,
                date_to=last,
                now=now,
                calendars=snap.calendars,
                comp_time=snap.comp_time,
            )
            assert got.comp_offsets == whole.comp_offsets, first
            assert got.totals == whole.totals, first
            assert [d.comp_time_s for d in got.days] == [d.comp_time_s for d in whole.days]
            applied += got.totals.comp_time_applied_s
    assert applied > 0  # the periods do hold rest days that time off offsets
