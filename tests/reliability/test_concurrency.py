"""Eight writers at once: every entry is recorded, the chain is one line, nobody sees a lock error.

The counts are kept small enough for a shared 2-core machine (a few seconds); scripts/stress.py
runs the same scenario at 8 x 100 (docs/reliability.md has the figures). OT_RELIABILITY_ENTRIES
raises them here too.
"""

from __future__ import annotations

import os
import subprocess

from tests.conftest import Ot
from tests.reliability.support import OT, env, logged_ids, spawn_writer

WRITERS = 8
PER_WRITER = int(os.environ.get("OT_RELIABILITY_ENTRIES", "20"))


def test_eight_processes_log_at_once(ledger: Ot) -> None:
    procs = [spawn_writer(str(ledger.db), PER_WRITER, f"w{k}") for k in range(WRITERS)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and not err.strip(), err
    ids = [i for out, _ in results for i in logged_ids(out)]
    assert len(ids) == len(set(ids)) == WRITERS * PER_WRITER
    verified = ledger("verify", "--json").json()
    assert verified["ok"], verified["problems"]
    assert verified["entries"] == 2 + WRITERS * PER_WRITER  # init + contract + the records
    listed = ledger("list", "--json").json()["records"]
    assert sorted(r["id"] for r in listed) == sorted(ids)
    # Each writer's entries keep its own order inside the one chain.
    for k in range(WRITERS):
        mine = [r for r in sorted(listed, key=lambda r: r["id"]) if r["text"].startswith(f"w{k} ")]
        assert [r["text"] for r in mine] == [f"w{k} {i}" for i in range(PER_WRITER)]


def test_installed_entry_point_side_by_side(ledger: Ot) -> None:
    argv = [str(OT), "--db", str(ledger.db), "log", "--at", "2025-10-07 22:00"]
    procs = [
        subprocess.Popen([*argv, f"p{k}"], env=env(), stdout=subprocess.PIPE, text=True)
        for k in range(4)
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    assert sorted(i for out in outs for i in logged_ids(out)) == [3, 4, 5, 6]
    assert ledger("verify").code == 0
