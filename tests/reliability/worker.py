"""A writer process for the reliability tests and scripts/stress.py: `ot log` N times, ids out.

Run as `python -m tests.reliability.worker --db PATH --count N --name W` from the project root. Each
iteration is one whole command through `cli.root.run` (open the ledger, one write transaction,
close), so it behaves as N separate `ot log` processes without paying N interpreter starts.
"""

from __future__ import annotations

import argparse
import functools
import sys

import typer.main

# Every record lands on a rest day of the fixed clock's week (2025-10-07 is in the National Day
# break), a day that classifies cheaply and identically for every writer.
AT = "2025-10-07 21:00"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--name", default="w")
    parser.add_argument("--attach", default=None, help="a file to attach to every entry")
    args = parser.parse_args(argv)
    # run() rebuilds the click command on each call (~80 ms); a real `ot` process builds it once.
    typer.main.get_command = functools.cache(typer.main.get_command)  # type: ignore[assignment]
    from offline_tracker import i18n
    from offline_tracker.cli.root import run

    i18n.set_language("en")
    failed = 0
    for i in range(args.count):
        extra = ["--attach", args.attach] if args.attach else []
        argv_ = ["--db", args.db, "log", f"{args.name} {i}", "--at", AT, "--minutes", "5", *extra]
        if run(argv_) != 0:
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
