"""The floor of `ot log` (issue 19): the same append in plain Python, standard library only.

    .venv/bin/python scripts/floor.py LEDGER.sqlite

One work message of ten minutes, appended the way `ot log` appends it (docs/ledger-format.md):
open the file with the ledger's settings (WAL, synchronous FULL, a busy timeout, foreign keys),
take the write lock, read the head of the chain and check its hash against the row before, make
the entry's canonical body (sorted keys, no white space, UTF-8), chain it with SHA-256, insert
the ledger row and the `records` projection row, and commit durably. No classification, no
messages, no checks of the input: what is left when a program does only the data work.
scripts/bench.py times `ot log`, `ot add` and the reports against it in the same run, so the
ratios do not depend on the machine. `ot verify` accepts the entries it writes
(tests/scripts/test_floor.py).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import uuid
from datetime import UTC, datetime, timedelta

NOW = "2025-11-26T12:00:00Z"  # the bench's OFFLINE_TRACKER_NOW, 20:00 +08:00, in UTC
MINUTES = 10


def canonical(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def payload(now: str) -> dict[str, object]:
    """The record.add data of `ot log "bench: reply" --minutes 10` ending at `now`."""
    end = datetime.fromisoformat(now)
    start = end - timedelta(minutes=MINUTES)
    return {
        "attachments": [],
        "channel": "wechat",
        "counterpart": "Manager Li",
        "direction": None,
        "emergency": False,
        "end": now,
        "kind": "instruction",
        "offset": "+08:00",
        "role": None,
        "start": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tags": [],
        "text": "bench: reply to the manager",
        "type": "event",
        "zone": "Asia/Shanghai",
    }


def append(path: str, now: str = NOW) -> int:
    """Append one record.add entry and its projection row; returns its sequence number."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    # The head and the row before it, whose stored hash the head's hash must follow from.
    rows = conn.execute("SELECT seq, body, hash FROM ledger ORDER BY seq DESC LIMIT 2").fetchall()
    last, prev = (0, "0" * 64) if not rows else (int(rows[0][0]), str(rows[0][2]))
    before = str(rows[1][2]) if len(rows) > 1 else "0" * 64
    if rows and hashlib.sha256((before + rows[0][1]).encode()).hexdigest() != prev:
        raise SystemExit(f"the head entry {last} does not verify")
    seq, entry_id, data = last + 1, str(uuid.uuid4()), payload(now)
    fields = {"at": now, "data": data, "id": entry_id, "kind": "record.add", "seq": seq, "v": 1}
    fields["clock"] = "simulated"  # as `ot` marks a time from OFFLINE_TRACKER_NOW
    body = canonical(fields)
    digest = hashlib.sha256(prev.encode() + body).hexdigest()
    conn.execute(
        "INSERT INTO ledger (seq, entry_id, recorded_at, kind, ref, body, hash) "
        "VALUES (?, ?, ?, 'record.add', NULL, ?, ?)",
        (seq, entry_id, now, body.decode(), digest),
    )
    # A new record's payload is its entry's data: `data` stays NULL until a correction.
    epoch = [int(datetime.fromisoformat(str(data[k])).timestamp()) for k in ("start", "end")]
    conn.execute(
        "INSERT INTO records (id, type, start_utc, end_utc, voided, source_id, last_seq, data) "
        "VALUES (?, 'event', ?, ?, 0, NULL, ?, NULL)",
        (seq, *epoch, seq),
    )
    conn.execute("COMMIT")
    conn.close()
    return seq


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[1].strip())
    print(f"appended entry {append(sys.argv[1])}")
