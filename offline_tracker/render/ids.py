"""Record ids in a finding, as a reader takes them in: runs of numbers shortened to `3–402`."""

from __future__ import annotations

from typing import Final

SHOWN: Final = 12  # past this many runs the text says how many more (`--json` lists every id)


def id_ranges(ids: str, shown: int = SHOWN) -> str:
    """`"3,4,5,9,10,call"` -> `"3–5, 9, 10, call"`; more than `shown` runs end in `… (+N)`."""
    runs: list[list[str]] = []
    for rid in ids.split(","):
        last = runs[-1][-1] if runs else ""
        if rid.isdigit() and last.isdigit() and int(rid) == int(last) + 1:
            runs[-1].append(rid)
        else:
            runs.append([rid])
    parts = [f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(run) for run in runs]
    hidden = len(parts) - shown
    if hidden > 0:
        return ", ".join(parts[:shown]) + f", … (+{hidden})"
    return ", ".join(parts)
