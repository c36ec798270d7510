"""Issue 19: the two-process paths against one process while another program keeps a core busy.

`ot verify` and `ot export csv` fork a child for the second half of a long job (app/parallel.py).
Here each runs on the 100k ledger both ways, interleaved, while a busy loop pinned to the last
processor competes with them; "one process" is the same program with `parallel.can_fork`
answering no. The target: two processes are not slower (median ratio <= 1.0).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

_RUN = (
    "import sys\n"
    "from offline_tracker.app import parallel\n"
    "if sys.argv[1] == 'one': parallel.can_fork = lambda: False\n"
    "sys.argv = ['ot', *sys.argv[2:]]\n"
    "from offline_tracker.cli import main\n"
    "main()\n"
)
CASES = (("ot verify", ["verify"]), ("ot export csv", ["export", "csv", "--force", "-o"]))


def busy_loop() -> subprocess.Popen[bytes] | None:
    """A Python busy loop pinned to the last processor (None where affinity is not available)."""
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return None
    last = (os.cpu_count() or 1) - 1
    code = f"import os\nos.sched_setaffinity(0, {{{last}}})\nwhile True: pass\n"
    return subprocess.Popen([sys.executable, "-c", code])


def measure(ledger: Path, work: Path, env: dict[str, str], runs: int) -> list[str]:
    loop = busy_loop()
    time.sleep(0.5)
    try:
        found = {}
        for name, args in CASES:
            extra = [str(work / "busy.csv")] if name.endswith("csv") else []
            walls: dict[str, list[float]] = {"one": [], "two": []}
            for i in range(runs + 1):
                for mode in ("one", "two"):
                    argv = [sys.executable, "-c", _RUN, mode, "--db", str(ledger), *args, *extra]
                    began = time.perf_counter()
                    subprocess.run(argv, env=env, capture_output=True, check=True)
                    if i:
                        walls[mode].append(time.perf_counter() - began)
            found[name] = walls
    finally:
        if loop is not None:
            loop.kill()
            loop.wait()
    return table(found, loop is not None)


def table(found: dict[str, dict[str, list[float]]], busy: bool) -> list[str]:
    load = "a busy loop on the last core" if busy else "no busy loop (no affinity here)"
    lines = [f"Issue 19: one process or two, with {load} (100k ledger, interleaved runs)", ""]
    lines += ["| command | one process | two processes | ratio | target | |"]
    lines += ["| --- | ---: | ---: | ---: | --- | --- |"]
    for name, walls in found.items():
        one, two = statistics.median(walls["one"]), statistics.median(walls["two"])
        verdict = "PASS" if two <= one else "MISS"
        lines.append(
            f"| {name} | {one * 1000:,.0f} ms | {two * 1000:,.0f} ms | {two / one:.2f}x "
            f"| <= 1.00x | {verdict} |"
        )
    return lines
