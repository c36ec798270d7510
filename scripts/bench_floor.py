"""Issue 19's targets: `ot` against the floor script, measured in the same run (scripts/bench.py).

Each target is a ratio of medians: `ot log` and `ot add` <= 2.5x scripts/floor.py, `ot report
week` <= 3x and its `--json` <= 2.5x, `ot --version` <= 1.5x `python -c pass` + 10 ms. The
commands run interleaved (one run of each in turn, N times after a warm-up round), so a burst of
other work on the machine falls on all of them alike; the ratios are what is judged.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
OT = str(Path(sys.executable).parent / "ot")


def log_args(i: int) -> list[str]:
    """The bench's message, one minute later each run (none overlaps the last)."""
    at = f"2025-11-26 19:{i % 60:02d}"
    message = ["--channel", "wechat", "--counterpart", "Manager Li", "--kind", "instruction"]
    return ["log", "bench: reply to the manager", "--at", at, "--minutes", "1", *message]


def add_args(i: int) -> list[str]:
    """A session logged after the fact, early in the morning of a day of the last month."""
    day = f"2025-11-{1 + i % 25:02d}"
    return ["add", "bench: fixed the release", "--from", f"{day} 06:00", "--to", f"{day} 06:40"]


@dataclass(frozen=True)
class Timed:
    """A command timed in the ratio table; `writes`: it runs on its own copy of the ledger."""

    name: str
    argv: Callable[[int, Path], list[str]]
    writes: bool = False


def _ot(words: Callable[[int], list[str]]) -> Callable[[int, Path], list[str]]:
    return lambda i, db: [OT, "--db", str(db), *words(i)]


TIMED = (
    Timed(
        "floor script", lambda _i, db: [sys.executable, str(SCRIPTS / "floor.py"), str(db)], True
    ),
    Timed("python -c pass", lambda _i, _db: [sys.executable, "-c", "pass"]),
    Timed("ot log", _ot(log_args), True),
    Timed("ot add", _ot(add_args), True),
    Timed("ot --version", _ot(lambda _i: ["--version"])),
    Timed("ot report week", _ot(lambda _i: ["report", "week"])),
    Timed("ot report week --json", _ot(lambda _i: ["report", "week", "--json"])),
)


@dataclass(frozen=True)
class Ratio:
    """`over` <= factor x `base` + plus_ms (medians)."""

    over: str
    base: str
    factor: float
    plus_ms: float = 0.0

    def text(self) -> str:
        plus = f" + {self.plus_ms:.0f} ms" if self.plus_ms else ""
        return f"<= {self.factor}x {self.base}{plus}"


RATIOS = (
    Ratio("ot log", "floor script", 2.5),
    Ratio("ot add", "floor script", 2.5),
    Ratio("ot --version", "python -c pass", 1.5, 10.0),
    Ratio("ot report week", "floor script", 3.0),
    Ratio("ot report week --json", "floor script", 2.5),
)


@dataclass
class Series:
    timed: Timed
    wall: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall) * 1000


def measure(ledger: Path, work: Path, env: dict[str, str], runs: int) -> dict[str, Series]:
    """Every TIMED command, interleaved, `runs` times after one warm-up round."""
    read_copy = work / "floor-read.sqlite"
    shutil.copyfile(ledger, read_copy)
    dbs = {}
    for timed in TIMED:
        dbs[timed.name] = read_copy
        if timed.writes:
            dbs[timed.name] = work / f"floor-{timed.name.replace(' ', '_')}.sqlite"
            shutil.copyfile(ledger, dbs[timed.name])
    series = {timed.name: Series(timed) for timed in TIMED}
    for i in range(runs + 1):
        for timed in TIMED:
            argv = timed.argv(i, dbs[timed.name])
            began = time.perf_counter()
            proc = subprocess.run(argv, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - began
            if proc.returncode != 0:
                raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.strip()}")
            if i:
                series[timed.name].wall.append(wall)
    return series


def table(series: dict[str, Series]) -> str:
    lines = ["| command | median ms | min | max |", "| --- | ---: | ---: | ---: |"]
    for s in series.values():
        lines.append(
            f"| {s.timed.name} | {s.median_ms:.0f} | {min(s.wall) * 1000:.0f} "
            f"| {max(s.wall) * 1000:.0f} |"
        )
    lines += ["", "| target | ratio | bound | |", "| --- | ---: | --- | --- |"]
    for ratio in RATIOS:
        over, base = series[ratio.over].median_ms, series[ratio.base].median_ms
        bound = ratio.factor * base + ratio.plus_ms
        verdict = "PASS" if over <= bound else "MISS"
        shown = over / base
        lines.append(
            f"| {ratio.over} | {shown:.2f}x ({over:.0f} ms) | {ratio.text()} "
            f"(= {bound:.0f} ms) | {verdict} |"
        )
    return "\n".join(lines)
