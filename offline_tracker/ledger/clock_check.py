"""What the recorded times of a chain say about the clock that wrote them (RULES E5).

A chain proves the order of its entries, not their times. Two things a reader should be told:
an entry recorded well before the entry it follows (a clock set back, or an entry made up and
given an earlier time), and entries whose time came from a simulated clock (OFFLINE_TRACKER_NOW,
marked `"clock": "simulated"` in their bodies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from offline_tracker.ledger.canonical import SIMULATED

# Clocks drift and get corrected by NTP; five minutes back is more than a correction.
CLOCK_BACK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class ClockBack:
    """Entry `seq` was recorded at `at`, more than the tolerance before entry `before_seq`."""

    seq: int
    at: str
    before_seq: int
    before_at: str
    minutes: int


@dataclass
class ClockWatch:
    """Fed each entry in chain order (`visit`); a later part of the chain can be `merge`d.

    `ot verify` calls `visit` 100k times a second: the recorded times are compared as text (the
    canonical `YYYY-MM-DDTHH:MM:SSZ` sorts as time does) and parsed only when one goes back.
    """

    first: tuple[int, str] | None = None
    last: tuple[int, str] | None = None
    back: list[ClockBack] = field(default_factory=list)
    simulated: list[list[int]] = field(default_factory=list)  # [first, last] runs of seqs

    def visit(self, seq: int, fields: dict[str, Any]) -> None:
        at = fields.get("at")
        if fields.get("clock") == SIMULATED:
            self._mark_simulated(seq, seq)
        if type(at) is not str:
            return  # not a time: the chain check names a malformed entry
        last = self.last
        if last is None:
            self.first = (seq, at)
        elif at < last[1]:
            self._went_back(last, (seq, at))
        self.last = (seq, at)

    def merge(self, later: ClockWatch) -> None:
        """Append what a watch over the entries right after these found."""
        if later.first is not None:
            if self.first is None:
                self.first = later.first
            elif self.last is not None and later.first[1] < self.last[1]:
                self._went_back(self.last, later.first)
        self.back.extend(later.back)
        for lo, hi in later.simulated:
            self._mark_simulated(lo, hi)
        if later.last is not None:
            self.last = later.last

    def _went_back(self, before: tuple[int, str], entry: tuple[int, str]) -> None:
        earlier, later = _moment(entry[1]), _moment(before[1])
        if earlier is None or later is None:
            return
        if later - earlier > CLOCK_BACK_TOLERANCE:
            minutes = int((later - earlier).total_seconds() // 60)
            self.back.append(ClockBack(entry[0], entry[1], before[0], before[1], minutes))

    def _mark_simulated(self, lo: int, hi: int) -> None:
        if self.simulated and self.simulated[-1][1] + 1 >= lo:
            self.simulated[-1][1] = max(self.simulated[-1][1], hi)
        else:
            self.simulated.append([lo, hi])

    @property
    def simulated_count(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self.simulated)

    def simulated_text(self, most: int = 10) -> str:
        """The simulated seqs as runs: "1-57, 60" (the first `most` runs, then "...")."""
        runs = [f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in self.simulated[:most]]
        return ", ".join(runs) + (", ..." if len(self.simulated) > most else "")


def _moment(at: Any) -> datetime | None:
    if not isinstance(at, str):
        return None
    try:
        return datetime.fromisoformat(at)
    except ValueError:
        return None
