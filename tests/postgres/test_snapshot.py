"""`ot verify` on PostgreSQL while others write: one snapshot, so no false drift (issue 13).

Under READ COMMITTED each statement of a verify saw the writers' new commits: entries read in
pages, then the records table with rows the walk had not seen (10 of 65 verifies failed).
"""

from __future__ import annotations

import time
from pathlib import Path

from offline_tracker.app import open_app
from offline_tracker.clock import system_now
from tests.postgres.conftest import BackendOt
from tests.reliability.support import spawn_writer


def test_verify_reads_one_snapshot_while_others_write(pg_url: str, tmp_path: Path) -> None:
    BackendOt(pg_url, tmp_path / "home").init()
    writers = [spawn_writer(pg_url, 40, f"w{k}") for k in range(3)]
    results = []
    deadline = time.monotonic() + 120
    try:
        while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
            with open_app(pg_url, system_now) as app:
                found = app.verify()
            results.append(found)
    finally:
        for writer in writers:
            writer.communicate(timeout=120)
    assert len(results) >= 5, "the writers finished before verify could run alongside them"
    failed = [r.problems for r in results if not r.ok]
    assert failed == [], f"{len(failed)} of {len(results)} verifies saw false problems"
