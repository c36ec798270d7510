"""Bytes per record (issue 19: at most 800 at 100k; 1,300 before schema 0002): a size, not a time.

Two ledgers of the benchmark's generator (scripts/genledger.py, the same seed and ten years), of
2,000 and 6,000 entries: the pages the second needs beyond the first, per record it has beyond
the first, are what each record costs in a long ledger (the small tables and the schema, the
same in both, fall out). Measured as the file's pages in use, as `dbstat` sums them
(docs/performance.md, "Storage").
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

BOUND = 800  # bytes per record, the target at 100k
SMALL, LARGE = 2_000, 6_000
GENLEDGER = Path(__file__).resolve().parents[2] / "scripts" / "genledger.py"


def _pages_and_records(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()
    return (pages - free) * size, int(records)


def test_each_record_costs_at_most_the_bound(tmp_path: Path) -> None:
    measured = []
    for entries in (SMALL, LARGE):
        path = tmp_path / f"ledger-{entries}.sqlite"
        made = [sys.executable, str(GENLEDGER), "--entries", str(entries), "--out", str(path)]
        subprocess.run(made, check=True, capture_output=True)
        measured.append(_pages_and_records(path))
    (small_bytes, small_records), (large_bytes, large_records) = measured
    per_record = (large_bytes - small_bytes) / (large_records - small_records)
    assert per_record <= BOUND, f"{per_record:.0f} bytes per record"
    # Whole files too, fixed pages included: under the bound already at 6,000 entries.
    assert large_bytes / large_records <= BOUND, f"{large_bytes / large_records:.0f} per record"
