"""SQL statements and Timeline builds per command, and the outputs, on a small demo ledger.

    .venv/bin/python scripts/count_queries.py            # a table: command, statements, timelines
    .venv/bin/python scripts/count_queries.py --dump DIR # also each command's output in DIR

The ledger is the demo's week (National Day 2025) plus a year of evenings, made in a temporary
folder under a fixed clock. Statements are counted with sqlite3's trace callback on every
connection the command opens; Timeline builds by wrapping `Timeline.__init__`. `--dump` writes
what each command printed (and the files it wrote: the pack's report.html, the CSV), so two
runs (before and after a change) can be compared with `diff -r`.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sqlite3
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

NOW = "2025-10-08T09:30:00+08:00"
SCHEDULE = "mon-fri 09:00-12:00,13:00-18:00"
COUNTS = {"sql": 0, "timelines": 0}
_connect = sqlite3.connect


def _traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    conn = _connect(*args, **kwargs)

    def count(_statement: str) -> None:
        COUNTS["sql"] += 1

    conn.set_trace_callback(count)
    return conn


def _wrap_timeline() -> None:
    from offline_tracker.domain import timeline

    original = timeline.Timeline.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        COUNTS["timelines"] += 1
        original(self, *args, **kwargs)

    timeline.Timeline.__init__ = init  # type: ignore[method-assign]


@contextmanager
def counted() -> Iterator[dict[str, int]]:
    COUNTS.update(sql=0, timelines=0)
    found: dict[str, int] = {}
    yield found
    found.update(COUNTS)


def ot(*args: str, lang: str = "en") -> tuple[int, str]:
    from offline_tracker import i18n
    from offline_tracker.cli.root import run

    out, err = io.StringIO(), io.StringIO()
    i18n.set_language(lang)
    with redirect_stdout(out), redirect_stderr(err):
        code = run([*args])
    i18n.set_language("en")
    return code, out.getvalue() + err.getvalue()


def make_ledger() -> None:
    ot("init", "--timezone", "Asia/Shanghai", "--schedule", SCHEDULE, "--monthly-wage", "10000")
    entries: list[tuple[str, ...]] = [
        ("Boss wants slides", "--at", "2025-10-07 23:40", "--minutes", "40", "--channel", "wechat"),
        ("收到", "--at", "2025-10-06 23:41", "--kind", "ack", "--channel", "wechat"),
        ("Holiday hotfix", "--at", "2025-10-03 10:00", "--minutes", "150"),
        ("short", "--at", "2025-10-02 21:00", "--minutes", "1", "--who", "Wang"),
        ("lunch call", "--at", "2025-09-30 12:10", "--minutes", "30", "--channel", "phone"),
    ]
    for month in range(1, 10):
        entries.append(("evening", "--at", f"2025-{month:02d}-15 20:00", "--minutes", "59"))
    for entry in entries:
        code, text = ot("log", *entry)
        assert code == 0, text


COMMANDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("report_week.txt", ("report", "week", "2025-10-08"), "en"),
    ("report_week_zh.txt", ("report", "week", "2025-10-08"), "zh"),
    ("report_week.json", ("report", "week", "2025-10-08", "--json"), "en"),
    ("report_week_zh.json", ("report", "week", "2025-10-08", "--json"), "zh"),
    ("report_month.txt", ("report", "month", "2025-09"), "en"),
    ("report_year.txt", ("report", "range", "--from", "2025-01-01", "--to", "2025-12-31"), "en"),
    ("report_trend.txt", ("report", "trend", "--weeks", "12"), "en"),
    ("calendar_year.txt", ("calendar", "show", "--year", "2025"), "en"),
    ("calendar_month.txt", ("calendar", "show", "--year", "2025", "--month", "10"), "en"),
    ("status.txt", ("status",), "en"),
)


def files(out: Path) -> list[tuple[str, tuple[str, ...], str, Callable[[], bytes]]]:
    pack, csv, book = out / "pack.zip", out / "records.csv", out / "book.xlsx"
    period = ("--from", "2025-09-29", "--to", "2025-10-05")

    def html() -> bytes:
        with zipfile.ZipFile(pack) as zf:
            return zf.read("report.html")

    return [
        ("pack_report.html", ("export", "evidence", *period, "-o", str(pack)), "en", html),
        ("pack_report_zh.html", ("export", "evidence", *period, "-o", str(pack)), "zh", html),
        ("records.csv", ("export", "csv", *period, "-o", str(csv)), "en", csv.read_bytes),
        ("book.xlsx", ("export", "xlsx", *period, "-o", str(book)), "en", lambda: b""),
    ]


def _normal(data: bytes, tmp: str) -> bytes:
    """Hashes and the temporary folder differ from one ledger to the next: blank them."""
    text = data.replace(tmp.encode(), b"TMP")
    return re.sub(rb"\b[0-9a-f]{12,64}\b", b"HASH", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, help="write each command's output in this folder")
    args = parser.parse_args()
    sqlite3.connect = _traced  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            OFFLINE_TRACKER_DB=str(Path(tmp) / "ledger.sqlite"),
            OFFLINE_TRACKER_NOW=NOW,
            NO_COLOR="1",
            COLUMNS="100",
            XDG_CACHE_HOME=str(Path(tmp) / "cache"),
        )
        _wrap_timeline()
        make_ledger()
        print(f"{'command':<60} {'statements':>10} {'timelines':>9}")
        for name, argv, lang, read in [
            *((n, a, g, None) for n, a, g in COMMANDS),
            *files(Path(tmp)),
        ]:
            for path in Path(tmp).glob("*.zip"):
                path.unlink()
            with counted() as found:
                code, text = ot(*argv, lang=lang)
            label = " ".join(argv).replace(tmp, "TMP") + ("" if lang == "en" else f" --lang {lang}")
            print(f"{label[:60]:<60} {found['sql']:>10} {found['timelines']:>9}")
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                data = read() if read is not None and code == 0 else text.encode("utf-8")
                (args.dump / name).write_bytes(_normal(data or text.encode("utf-8"), tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
