"""Writers killed with SIGKILL at random moments: every entry reported saved is there afterwards.

A writer prints a record's id only after its transaction committed (WAL, synchronous=FULL), so an
id on stdout is a promise. Each round starts two writers (one attaching a file, to cover the
evidence store), kills them at random moments after their first save, then checks every promise,
the chain, and that the next command works. The seed is in the failure message, for a replay.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from tests.conftest import Ot
from tests.reliability.support import KillableWriter, logged_ids, ot_process

ROUNDS = int(os.environ.get("OT_RELIABILITY_ROUNDS", "3"))


def _kill_at_random(writers: list[KillableWriter], rng: random.Random) -> list[str]:
    """Wait for each writer's first save, then SIGKILL them one by one at random moments."""
    for writer in writers:
        assert writer.started.wait(timeout=120)
    outs = []
    for writer in writers:
        time.sleep(rng.uniform(0.0, 0.3))
        out = writer.kill()
        assert writer.proc.returncode == -signal.SIGKILL, out
        assert "Traceback" not in out and "error" not in out, out
        outs.append(out)
    return outs


def test_killed_writers_lose_no_reported_entry(ledger: Ot, tmp_path: Path) -> None:
    seed = int(os.environ.get("OT_RELIABILITY_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    screenshot = tmp_path / "screenshot.png"
    screenshot.write_bytes(os.urandom(256 * 1024))
    promised: set[int] = set()
    for round_ in range(ROUNDS):
        writers = [
            KillableWriter(str(ledger.db), 10_000, f"r{round_}a", attach=screenshot),
            KillableWriter(str(ledger.db), 10_000, f"r{round_}b"),
        ]
        outs = _kill_at_random(writers, rng)
        promised.update(i for out in outs for i in logged_ids(out))
        listed = ledger("list", "--json").json()["records"]
        missing = promised - {r["id"] for r in listed}
        assert not missing, f"seed {seed}: reported saved but gone: {sorted(missing)}"
        verified = ledger("verify", "--json").json()
        assert verified["ok"], f"seed {seed}: {verified['problems']}"
    # The next command, a fresh process through the installed entry point, works.
    after = ot_process("--db", str(ledger.db), "log", "after the crashes", "--at", "21:30")
    assert after.returncode == 0, after.stderr
    assert ledger("doctor").code == 0
