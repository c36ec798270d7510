"""Terminal charts without colour: the hour x weekday heatmap and the weekly trend bars."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from offline_tracker.formats.units import count
from offline_tracker.i18n import t
from offline_tracker.render import _render, console, hm

# Shades, not colour, carry the value, so the map reads the same under NO_COLOR.
SHADES = ("·", "░", "▒", "▓", "█")
LEVELS = len(SHADES) - 1
CELL = 2  # characters per hour; one below NARROW cells so the grid never wraps
NARROW = 64
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"


class WeekLike(Protocol):
    """A week of the trend: domain.offhours.WeekTotal, or any row with these two fields."""

    @property
    def first(self) -> date: ...
    @property
    def off_hours_s(self) -> int: ...


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _step_minutes(matrix: Sequence[Sequence[int]]) -> int:
    """Minutes per shade level: the busiest hour falls in the top level."""
    top = max((s for row in matrix for s in row), default=0)
    return max(1, _ceil_div(_ceil_div(top, 60), LEVELS))


def _level(seconds: int, step: int) -> int:
    return 0 if seconds <= 0 else min(LEVELS, _ceil_div(_ceil_div(seconds, 60), step))


def _pad(text: str, cells: int) -> str:
    from rich.cells import cell_len

    return text + " " * max(0, cells - cell_len(text))


def _axis(label_cells: int, cell: int) -> str:
    every = 3 if cell > 1 else 6
    marks = "".join(f"{h:02d}".ljust(every * cell) for h in range(0, 24, every))
    return " " * label_cells + marks.rstrip()


def _legend(step: int) -> str:
    parts = [f"{SHADES[0]} 0"]
    for level in range(1, LEVELS + 1):
        low, high = (level - 1) * step + 1, level * step
        parts.append(f"{SHADES[level]} {high}" if low == high else f"{SHADES[level]} {low}-{high}")
    return t("report.heatmap.legend", marks="  ".join(parts))


def heatmap_text(matrix: Sequence[Sequence[int]], *, width: int | None = None) -> str:
    """7 weekday rows x 24 hour columns of shade marks, row totals and a legend in minutes."""
    if not any(any(row) for row in matrix):
        return t("report.heatmap.empty")
    from rich.cells import cell_len

    cell = CELL if width is None or width >= NARROW else 1
    step = _step_minutes(matrix)
    names = [t(f"report.weekday.{w}") for w in range(len(matrix))]
    label = max(cell_len(n) for n in names) + 2
    lines = [_axis(label, cell)]
    for name, row in zip(names, matrix, strict=True):
        marks = "".join(SHADES[_level(s, step)] * cell for s in row)
        total = hm(sum(row)) if any(row) else "-"
        lines.append(f"{_pad(name, label)}{marks}  {total}")
    lines.append(_legend(step))
    return "\n".join(lines)


def _wrap(text: str) -> Any:
    from rich.text import Text

    return Text(text)


def _bar(seconds: int, top: int, cells: int) -> str:
    if seconds <= 0 or top <= 0:
        return SHADES[0]
    eighths = max(1, seconds * cells * 8 // top)
    full, part = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[part] if part else "")


def trend_text(weeks: Sequence[WeekLike], *, width: int | None = None) -> str:
    """One bar per week of off-hours time, scaled to the busiest week and to the width."""
    if not weeks:
        return empty_text()
    width = width or int(console().width)
    top = max(w.off_hours_s for w in weeks)
    values = [hm(w.off_hours_s) if w.off_hours_s else "-" for w in weeks]
    value_cells = max(len(v) for v in values)
    # date (10) + two gaps (4) + value; the bar takes what is left, up to 50 cells.
    cells = max(8, min(50, width - 14 - value_cells))
    lines = [
        _render(_wrap(t("report.trend.title", weeks=count(len(weeks), "week", t))), width=width)
    ]
    for week, value in zip(weeks, values, strict=True):
        bar = _bar(week.off_hours_s, top, cells).ljust(cells)
        lines.append(f"{week.first.isoformat()}  {bar}  {value.rjust(value_cells)}")
    if top == 0:
        lines.append(t("report.trend.empty"))
    return "\n".join(line.rstrip() for line in lines)


def empty_text() -> str:
    """What to say instead of an empty table: what to log, and how."""
    return t("report.empty")
