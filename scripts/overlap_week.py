"""A week with N mutually overlapping records (issue 19): the worst case for overlap findings.

    .venv/bin/python scripts/overlap_week.py --records 400 --out .bench/overlap400.sqlite
    OFFLINE_TRACKER_NOW=2025-11-26T20:00:00+08:00 \
        .venv/bin/ot --db .bench/overlap400.sqlite report week --date 2025-11-19 --json

Every record is an evening session of 8 h starting one minute after the one before, so each
overlaps every other: the report must say so once per cluster (RULES T3), not once per pair.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from genledger import local, open_ledger, record_fact, write_chunk


def build(path: Path, records: int, day: date) -> None:
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_ledger(path, local(day - timedelta(days=30), 8 * 60).astimezone(UTC))
    try:
        chunk = [
            record_fact(local(day, 20 * 60 + i), 8 * 60, type="session", text=f"s{i}")
            for i in range(records)
        ]
        write_chunk(db, chunk)
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--day", default="2025-11-19")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    build(args.out, args.records, date.fromisoformat(args.day))
    print(f"{args.out}: {args.records} overlapping records on {args.day}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
