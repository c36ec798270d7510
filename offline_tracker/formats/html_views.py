"""Parts of the evidence report's HTML (issue 16): tables, runs of empty days, the month table
and the weekly chart as inline SVG (no JavaScript; it prints on A4)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Final

from offline_tracker.domain.offhours import WeekTotal
from offline_tracker.domain.report_view import MonthTotal
from offline_tracker.domain.results import CATEGORY_NAMES, DayResult
from offline_tracker.formats.units import count, duration

Tr = Callable[..., str]
# The chart's drawing box in SVG units (scaled to the page width; 180 x 60 mm on A4).
WIDTH: Final = 720
HEIGHT: Final = 240
LEFT: Final = 56
BOTTOM: Final = 28


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: set[int],
    classes: Sequence[str] = (),
) -> str:
    """Cells arrive escaped (they may hold markup of ours); headers are escaped here."""

    def cls(name: str) -> str:
        return f' class="{name}"' if name else ""

    head = "".join(
        f"<th{cls('n' * (i in numeric))}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = "\n".join(
        f"<tr{cls(classes[r] if r < len(classes) else '')}>"
        + "".join(_cell(c, i in numeric) for i, c in enumerate(row))
        + "</tr>"
        for r, row in enumerate(rows)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _cell(content: str, numeric: bool) -> str:
    # A cell given as ("colspan", n, text) spans n columns (a run of empty days).
    if content.startswith("\0"):
        span, text = content[1:].split("\0", 1)
        return f'<td colspan="{span}">{text}</td>'
    return f'<td class="n">{content}</td>' if numeric else f"<td>{content}</td>"


def spanning(columns: int, text: str) -> str:
    """A cell of `table` that spans `columns` columns (`text` already escaped)."""
    return f"\0{columns}\0{text}"


def runs(days: Sequence[DayResult]) -> list[DayResult | tuple[DayResult, DayResult, int]]:
    """The days, with each run of two or more days without worked time as (first, last, n)."""
    out: list[DayResult | tuple[DayResult, DayResult, int]] = []
    empty: list[DayResult] = []

    def flush() -> None:
        if len(empty) == 1:
            out.append(empty[0])
        elif empty:
            out.append((empty[0], empty[-1], len(empty)))
        empty.clear()

    for day in days:
        if day.seconds.worked or day.seconds.late_night:
            flush()
            out.append(day)
        else:
            empty.append(day)
    flush()
    return out


def empty_run(run: tuple[DayResult, DayResult, int], tr: Tr) -> list[str]:
    """One row for a run of empty days: the dates, then a sentence across the other columns."""
    first, last, n = run
    dates = f"{first.date.isoformat()} – {last.date.isoformat()}"
    text = escape(tr("ev.days.empty_run", days=count(n, "day", tr)))
    return [spanning(2, dates), spanning(1 + len(CATEGORY_NAMES), text)]


def month_table(months: Sequence[MonthTotal], tr: Tr) -> str:
    """One row per calendar month: days with off-hours work and worked time per category."""
    headers = [tr("ev.col.month"), tr("ev.col.days_off_hours"), tr("ev.col.worked")]
    headers += [tr(f"ev.col.{c}") for c in CATEGORY_NAMES]
    rows = [
        [
            m.first.strftime("%Y-%m"),
            escape(tr("ev.sum.days_value", days=m.days_off_hours, total=count(m.days, "day", tr))),
            *(
                duration(getattr(m.seconds, c), tr, zero_in_minutes=True)
                for c in ("worked", *CATEGORY_NAMES)
            ),
        ]
        for m in months
    ]
    return table(headers, rows, set(range(2, 3 + len(CATEGORY_NAMES))))


def _ticks(top: int) -> list[int]:
    """Round hour marks up to the busiest week: 1, 2, 5, 10, 20 ... hours apart."""
    hours = max(1, -(-top // 3600))
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if hours / s <= 5)
    return [h * 3600 for h in range(0, hours + step, step)]


def week_chart(weeks: Sequence[WeekTotal], tr: Tr) -> str:
    """Off-hours time per week as SVG bars, with hour marks and week dates (RULES E2)."""
    if not any(w.off_hours_s for w in weeks):
        return f"<p>{escape(tr('ev.chart.empty'))}</p>"
    ticks = _ticks(max(w.off_hours_s for w in weeks))
    top, plot_w, plot_h = ticks[-1], WIDTH - LEFT - 8, HEIGHT - BOTTOM - 8
    slot = plot_w / len(weeks)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(tr("ev.chart.label", weeks=count(len(weeks), "week", tr)))}">'
    ]
    for tick in ticks:
        y = 8 + plot_h - plot_h * tick / top
        label = escape(duration(tick, tr, zero_in_minutes=True))
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}">{label}</text>')
    every = max(1, -(-len(weeks) // 8))  # at most eight dates under the bars
    for i, week in enumerate(weeks):
        height = plot_h * week.off_hours_s / top
        x = LEFT + i * slot + slot * 0.15
        title = f"{week.first.isoformat()}: {duration(week.off_hours_s, tr, zero_in_minutes=True)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{8 + plot_h - height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}"><title>{escape(title)}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text class="date" x="{x:.1f}" y="{HEIGHT - 10}">{week.first:%m-%d}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + f"\n<p>{escape(tr('ev.chart.note'))}</p>"
