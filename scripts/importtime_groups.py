"""`python -X importtime` of one `ot` command line, summed by group, for this checkout and, with
`--before DIR`, for an export of older code (issue 19's before/after table).

    git archive 91d39c3 offline_tracker | tar -x -C /tmp/before    # the code before issue 19
    .venv/bin/python scripts/importtime_groups.py --before /tmp/before -- --db LEDGER \\
        log "bench: reply" --at "2025-11-26 19:30" --minutes 1 --channel wechat

Each module's self time is the minimum over `--runs` runs (after one that writes the bytecode),
which keeps most of a shared machine's noise out; a module that `python -c pass` loads too is
left out. The groups: typer and click, msgspec, platformdirs, dataclasses with inspect (and the
ast, dis and tokenize it loads), our modules, the rest of the standard library.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUPS = (
    ("typer, click (and shellingham, rich)", ("typer", "click", "shellingham", "rich")),
    ("msgspec (and typing_extensions)", ("msgspec", "typing_extensions")),
    ("platformdirs", ("platformdirs",)),
    (
        "dataclasses, inspect (ast, dis, tokenize, copy)",
        ("dataclasses", "inspect", "ast", "_ast", "dis", "opcode", "tokenize", "linecache", "copy"),
    ),
    ("our modules", ("offline_tracker",)),
)
OTHER = "other standard library"


def environment(tree: str | None) -> dict[str, str]:
    skip = ("OFFLINE_TRACKER_NOW", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(OFFLINE_TRACKER_NOW="2025-11-26T20:00:00+08:00", OFFLINE_TRACKER_LANG="en")
    env.update(NO_COLOR="1", PYTHONPYCACHEPREFIX=str(ROOT / ".bench" / "pycache"))
    env.setdefault("XDG_CACHE_HOME", str(ROOT / ".bench" / "cache"))
    env["PYTHONPATH"] = tree or ""  # before the editable install's finder on sys.meta_path
    return env


def self_times(argv: list[str], tree: str | None, runs: int) -> dict[str, int]:
    """Each module's self time (us), the least of `runs` runs after a first one."""
    best: dict[str, int] = {}
    for i in range(runs + 1):
        proc = subprocess.run(
            argv, env=environment(tree), capture_output=True, text=True, cwd="/", check=False
        )
        if proc.returncode:
            raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.strip()[-400:]}")
        for line in proc.stderr.splitlines() if i else ():
            if line.startswith("import time:") and "self [us]" not in line:
                own, _total, name = line.removeprefix("import time:").split("|")
                best[name.strip()] = min(best.get(name.strip(), 10**9), int(own))
    return best


def group(name: str) -> str:
    top = name.split(".")[0]
    return next((label for label, tops in GROUPS if top in tops), OTHER)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before", help="a folder holding an export of older code")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("words", nargs=argparse.REMAINDER, help="the command line after `ot`")
    args = parser.parse_args(argv)
    python = sys.executable
    base = self_times([python, "-X", "importtime", "-c", "pass"], None, args.runs)
    trees = {"before": args.before, "after": str(ROOT)} if args.before else {"now": str(ROOT)}
    words = args.words[1:] if args.words[:1] == ["--"] else args.words
    command = [python, "-X", "importtime", "-m", "offline_tracker", *words]
    found = {label: self_times(command, tree, args.runs) for label, tree in trees.items()}
    print("| self time of the imports (min of runs) | " + " | ".join(trees) + " |")
    print("| --- |" + " ---: |" * len(trees))
    counts = " | ".join(str(len(times)) for times in found.values())
    print(f"| modules loaded (`python -c pass`: {len(base)}) | {counts} |")
    sums = {}
    for label, times in found.items():
        sums[label] = collections.Counter()
        for name, us in times.items():
            if name not in base:
                sums[label][group(name)] += us
    for name in [label for label, _ in GROUPS] + [OTHER, None]:
        cells = [sum(s.values()) if name is None else s[name] for s in sums.values()]
        shown = name or "**all beyond `python -c pass`**"
        print(f"| {shown} | " + " | ".join(f"{us / 1000:.1f} ms" for us in cells) + " |")
    for label, times in found.items():
        ours = sorted(((us, n) for n, us in times.items() if n.startswith("offline_tracker")))
        heaviest = ", ".join(
            f"{n.removeprefix('offline_tracker.')} {us / 1000:.1f}" for us, n in ours[::-1][:10]
        )
        print(f"\n{label}: our heaviest modules, self ms: {heaviest}")
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
