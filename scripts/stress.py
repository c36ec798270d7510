"""The reliability stress run of issue 8: concurrent writers, a crash loop, damaged files; a table.

    make stress                                      # or: .venv/bin/python scripts/stress.py
    .venv/bin/python scripts/stress.py --writers 8 --entries 100 --rounds 20
    .venv/bin/python scripts/stress.py --only concurrency --pg postgresql+psycopg://u:p@host/postgres
    OFFLINE_TRACKER_TEST_PG=URL make stress             # pg-verify: verifies while others write

Every scenario runs against a new ledger in a temp folder (or, with --pg, in a new database that
the given role creates and drops). Writers are `python -m tests.reliability.worker`: each runs
`ot log` N times through `cli.root.run`, one whole command per entry. docs/reliability.md explains
the promises these scenarios check and records the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.support import (  # noqa: E402
    KillableWriter,
    env,
    fingerprint,
    logged_ids,
    spawn_writer,
)

SCENARIOS = ("concurrency", "crash", "corruption", "pg-verify")


@dataclass
class Row:
    scenario: str
    ok: bool
    detail: str
    seconds: float


def ot(*args: str) -> subprocess.CompletedProcess[str]:
    """One `ot` command in a fresh process (the entry point's main(), as installed)."""
    argv = [sys.executable, "-c", "from offline_tracker.cli import main; main()", *args]
    return subprocess.run(argv, env=env(), capture_output=True, text=True, check=False)


def init(db: str) -> None:
    done = ot("--db", db, "init", "--timezone", "Asia/Shanghai")
    if done.returncode != 0:
        raise SystemExit(f"cannot create a ledger at {db}: {done.stderr.strip()}")


def verified(db: str) -> tuple[bool, int]:
    import json

    out = ot("--db", db, "verify", "--json")
    data = json.loads(out.stdout) if out.stdout.strip() else {"ok": False, "entries": 0}
    return bool(data["ok"]), int(data["entries"])


@contextmanager
def ledger_at(folder: Path, pg: str | None) -> Iterator[str]:
    """A new, initialised ledger: a file in `folder`, or a fresh database on the --pg server."""
    if pg is None:
        location = str(folder / f"{uuid.uuid4().hex[:8]}.sqlite")
        init(location)
        yield location
        return
    from sqlalchemy import create_engine, make_url, text

    name = f"ot_stress_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        location = make_url(pg).set(database=name).render_as_string(hide_password=False)
        init(location)
        yield location
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def concurrency(folder: Path, args: argparse.Namespace) -> Row:
    """N writers at once, M entries each: all recorded, one chain, no lock error."""
    with ledger_at(folder, args.pg) as db:
        start = time.perf_counter()
        procs = [spawn_writer(db, args.entries, f"w{k}") for k in range(args.writers)]
        results = [p.communicate() for p in procs]
        seconds = time.perf_counter() - start
        ids = [i for out, _ in results for i in logged_ids(out)]
        locked = sum(err.count("locked") for _, err in results)
        failed = sum(p.returncode != 0 for p in procs)
        ok_chain, entries = verified(db)
    expected = args.writers * args.entries
    ok = len(set(ids)) == len(ids) == expected and not locked and not failed and ok_chain
    detail = (
        f"{args.writers}x{args.entries}: {len(set(ids))}/{expected} recorded, chain "
        f"{'intact' if ok_chain else 'BROKEN'} ({entries} entries), {locked} lock errors, "
        f"{expected / seconds:.0f} entries/s"
    )
    return Row("concurrency", ok, detail, seconds)


def crash(folder: Path, args: argparse.Namespace) -> Row:
    """Rounds of two writers SIGKILLed at random moments: nothing reported saved is lost."""
    rng = random.Random(args.seed)
    shot = folder / "shot.png"
    shot.write_bytes(os.urandom(256 * 1024))
    start, promised, lost, broken = time.perf_counter(), set(), 0, 0
    with ledger_at(folder, args.pg) as db:
        for round_ in range(args.rounds):
            writers = [
                KillableWriter(db, 10_000, f"r{round_}a", attach=shot),
                KillableWriter(db, 10_000, f"r{round_}b"),
            ]
            for writer in writers:
                writer.started.wait(timeout=120)
            outs = []
            for writer in writers:
                time.sleep(rng.uniform(0.0, 0.3))
                outs.append(writer.kill())
            promised.update(i for out in outs for i in logged_ids(out))
            lost = len(promised - _record_ids(db))
            broken += not verified(db)[0]
        after = ot("--db", db, "log", "after the crashes", "--at", "21:30").returncode
    ok = lost == 0 and broken == 0 and after == 0
    detail = (
        f"{args.rounds} rounds (seed {args.seed}): {len(promised)} reported saved, {lost} lost, "
        f"{broken} broken chains, next command exit {after}"
    )
    return Row("crash loop", ok, detail, time.perf_counter() - start)


def _record_ids(db: str) -> set[int]:
    import json

    out = ot("--db", db, "list", "--from", "2025-10-01", "--json")
    return {int(r["id"]) for r in json.loads(out.stdout)["records"]}


def _damage(kind: str, path: Path) -> None:
    if kind == "garbage":
        path.write_bytes(os.urandom(path.stat().st_size))
    elif kind == "truncated":
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size // 2)
    elif kind == "smashed pages":
        data = bytearray(path.read_bytes())
        data[4096:] = os.urandom(len(data) - 4096)
        path.write_bytes(bytes(data))
    elif kind == "emptied":
        path.write_bytes(b"")
    elif kind == "broken chain":
        conn = sqlite3.connect(path)
        conn.execute("DROP TRIGGER ledger_no_update")
        conn.execute("UPDATE ledger SET body = replace(body, 'x 1', 'x 9') WHERE seq = 4")
        conn.commit()
        conn.close()


def _backed_up_ledger(case: Path) -> str:
    """A ledger of 5 entries with a backup of it, its WAL folded into the file."""
    from offline_tracker.storage.schema import backup_sqlite

    case.mkdir()
    db = str(case / "ledger.sqlite")
    init(db)
    for i in range(3):
        ot("--db", db, "log", f"x {i}", "--at", f"2025-10-07 2{i}:00")
    backup_sqlite(Path(db), case / "backups" / "ledger-stress.sqlite")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


def _restore_as_told(db: str, doctor_says: str) -> bool:
    """Run the exact command `ot doctor` printed; does the ledger verify with its 5 entries?"""
    marker = "keeping the damaged files beside it: "
    if marker not in doctor_says:
        return False
    command = doctor_says.split(marker, 1)[1].splitlines()[0]
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    subprocess.run(command, shell=True, env=env(PATH=path), capture_output=True, check=False)
    return verified(db) == (True, 5)


def corruption_case(folder: Path, kind: str) -> Row:
    """Damage a ledger with a backup beside it; check the refusal, the doctor and the restore."""
    start = time.perf_counter()
    case = folder / kind.replace(" ", "-")
    db = _backed_up_ledger(case)
    _damage(kind, Path(db))
    before = fingerprint(Path(db))
    # Writes do not walk the whole chain (that is `ot verify`'s job, O(entries)): a broken chain
    # is refused by verify; a damaged file by any command.
    check = ("verify",) if kind == "broken chain" else ("log", "more", "--at", "21:00")
    refused = ot("--db", db, *check)
    one_line = len(refused.stderr.strip().splitlines()) <= 1
    doctor = ot("--db", db, "doctor")
    # An emptied file is a valid empty SQLite file: opening it writes its first page.
    untouched = fingerprint(Path(db)) == before or kind == "emptied"
    restored = _restore_as_told(db, doctor.stdout)
    ok = refused.returncode != 0 and one_line and untouched and doctor.returncode == 1 and restored
    said = (refused.stderr.strip() or refused.stdout.strip() or "-").splitlines()[0]
    first = said.replace(str(case), "…")
    detail = (
        f"{check[0]} exit {refused.returncode} ({first[:60]}), file untouched: {untouched}, "
        f"doctor exit {doctor.returncode}, restored: {restored}"
    )
    return Row(f"corruption: {kind}", ok, detail, time.perf_counter() - start)


def corruption(folder: Path, _args: argparse.Namespace) -> list[Row]:
    kinds = ("garbage", "truncated", "smashed pages", "emptied", "broken chain")
    return [corruption_case(folder, kind) for kind in kinds]


def pg_verify(folder: Path, args: argparse.Namespace) -> Row:
    """`ot verify` on PostgreSQL again and again while writers log: never a false problem
    (one REPEATABLE READ snapshot; issue 13). Needs --pg or OFFLINE_TRACKER_TEST_PG."""
    url = args.pg or os.environ.get("OFFLINE_TRACKER_TEST_PG")
    if not url:
        return Row("pg-verify", True, "skipped: no PostgreSQL URL (--pg)", 0.0)
    with ledger_at(folder, url) as db:
        start = time.perf_counter()
        procs = [spawn_writer(db, args.entries, f"w{k}") for k in range(4)]
        runs, false = 0, 0
        while any(p.poll() is None for p in procs):
            ok_chain, _ = verified(db)
            runs, false = runs + 1, false + (not ok_chain)
        for p in procs:
            p.communicate()
        final, entries = verified(db)
        seconds = time.perf_counter() - start
    ok = runs > 0 and false == 0 and final
    detail = f"4 writers x {args.entries}, {runs} verifies alongside: {false} false failures"
    return Row("pg-verify", ok, f"{detail}; then {entries} entries, chain {final}", seconds)


def print_table(rows: list[Row]) -> None:
    width = max(len(r.scenario) for r in rows)
    print(f"{'scenario':<{width}}  result  {'seconds':>7}  detail")
    for r in rows:
        verdict = "ok" if r.ok else "FAIL"
        print(f"{r.scenario:<{width}}  {verdict:<6}  {r.seconds:7.1f}  {r.detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers (8)")
    parser.add_argument("--entries", type=int, default=100, help="entries per writer (100)")
    parser.add_argument("--rounds", type=int, default=20, help="crash-loop rounds (20)")
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--pg", help="PostgreSQL URL of a role that may create databases")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(
            f"unknown scenario {', '.join(sorted(unknown))}; known: {', '.join(SCENARIOS)}"
        )
    if args.pg and "corruption" in chosen:
        chosen.remove("corruption")  # damaged files are a SQLite matter; a server has its own
    runners: dict[str, Callable[[Path, argparse.Namespace], Row | list[Row]]] = {
        "concurrency": concurrency,
        "crash": crash,
        "corruption": corruption,
        "pg-verify": pg_verify,
    }
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ot-stress-") as tmp:
        # A server ledger keeps attachments in the user data folder: keep them in the temp one.
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "home")
        for name in chosen:
            result = runners[name](Path(tmp), args)
            rows += result if isinstance(result, list) else [result]
    print_table(rows)
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
