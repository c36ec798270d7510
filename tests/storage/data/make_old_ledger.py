"""Make `ledger-0001.sqlite` and `ledger-0001.json`: a ledger written by the program at schema
0001 (before issue 19's migration 0002), and what that program said about it.

    git archive COMMIT offline_tracker | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python tests/storage/data/make_old_ledger.py

The file was made so from commit 91d39c3 (main, 2 December 2026). tests/storage/test_migration.py
upgrades a copy with today's code and compares what it says with the JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from offline_tracker.cli.root import run
from offline_tracker.storage.schema import HEAD_REVISION

HERE = Path(__file__).parent
NOW = "2025-10-10T09:30:00+08:00"
WATSON = HERE.parents[1] / "formats" / "data" / "watson_frames.json"


def ot(db: Path, *args: str) -> str:
    env = {"OFFLINE_TRACKER_NOW": NOW, "OFFLINE_TRACKER_DB": str(db), "NO_COLOR": "1"}
    runner = CliRunner()
    with runner.isolation(env=env) as (out, err, _):
        code = run(list(args))
    if code != 0:
        raise SystemExit(f"ot {' '.join(args)}: {err.getvalue().decode()}")
    return str(out.getvalue().decode())


STEPS = [
    (
        "init",
        "--timezone",
        "Asia/Shanghai",
        "--schedule",
        "mon-fri 09:00-12:00,13:00-18:00",
        "--monthly-wage",
        "10000",
    ),
    (
        "log",
        '改一下方案 "终稿"',
        "--at",
        "2025-10-06 21:00",
        "--minutes",
        "25",
        "--channel",
        "wechat",
        "--counterpart",
        "王经理",
        "--role",
        "supervisor",
    ),
    ("log", "ok", "--at", "2025-10-06 22:10", "--minutes", "2", "--kind", "ack"),
    ("add", "release", "--from", "2025-10-04 10:00", "--to", "2025-10-04 13:30"),
    ("log", "send the slides", "--at", "2025-10-07 23:10", "--minutes", "40"),
    ("amend", "6", "--minutes", "55", "--reason", "it took longer"),
    ("log", "twice", "--at", "2025-10-08 21:00", "--minutes", "10"),
    ("void", "8", "--reason", "logged twice"),
    ("start", "on call", "--at", "2025-10-08 22:00"),
    ("stop", "--at", "2025-10-09 00:30"),
    ("calendar", "set", "2025-10-11", "--as", "workday", "--note", "make-up day"),
    ("comp-time", "2025-10-09", "--hours", "2", "--for", "2025-10-04"),
    ("import", "watson", str(WATSON)),
    ("anchor",),
    ("start", "still going", "--at", "2025-10-10 08:00"),
]
SAID = {
    "verify": ("verify", "--json"),
    "list": ("list", "--json", "--from", "2025-09-01", "--to", "2025-10-12"),
    "week": ("report", "week", "--week", "2025-W41", "--json"),
    "month": ("report", "month", "2025-10", "--json"),
    "csv": ("export", "csv", "--from", "2025-09-01", "--to", "2025-10-12", "--include-voided"),
}


def main() -> None:
    if HEAD_REVISION != "0001":
        raise SystemExit("run this with the program at schema 0001 (see the docstring)")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "ledger.sqlite"
        for step in STEPS:
            ot(db, *step)
        said = {name: ot(db, *args) for name, args in SAID.items()}
        shutil.copyfile(db, HERE / "ledger-0001.sqlite")
    os.chmod(HERE / "ledger-0001.sqlite", 0o644)
    (HERE / "ledger-0001.json").write_text(
        json.dumps({"now": NOW, "commands": SAID, "said": said}, indent=1, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    print("wrote", HERE / "ledger-0001.sqlite", file=sys.stderr)


if __name__ == "__main__":
    main()
