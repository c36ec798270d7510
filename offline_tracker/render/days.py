"""The report's day-by-day table: one row a day, the totals, and what the width or the calendar
leaves out (a column dropped at a narrow width, days still to come) said in a line below it."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from offline_tracker.domain.offhours import OffHours
from offline_tracker.domain.report_view import ReportView
from offline_tracker.domain.results import DayResult, PeriodResult
from offline_tracker.formats.units import count
from offline_tracker.i18n import language, t
from offline_tracker.render import hm
from offline_tracker.render.blocks import Line, Table

# Below WIDE the late-night and contacts columns go (the sections below carry both figures);
# below NARROW the weekday goes too, so the day type keeps room to fold.
WIDE: Final = 100
NARROW: Final = 72
_COLUMNS: Final = (
    "date",
    "weekday",
    "day",
    "inside",
    "outside",
    "rest",
    "holiday",
    "late",
    "contacts",
)
_TEXT_COLUMNS: Final = frozenset({"date", "weekday", "day"})


def _columns(width: int) -> list[str]:
    drop = set() if width >= WIDE else {"late", "contacts"}
    if width < NARROW:
        drop.add("weekday")
    return [key for key in _COLUMNS if key not in drop]


def holiday_name(day: DayResult) -> str | None:
    if language() == "zh":
        return day.name_zh or day.name_en
    return day.name_en or day.name_zh


def day_label(day: DayResult) -> str:
    label = t(f"report.daytype.{day.day_type}")
    extra = holiday_name(day)
    if extra is None and day.note:
        note = t(f"report.note.{day.note}")
        extra = None if note == f"report.note.{day.note}" else note
    if extra:
        label = f"{label} · {extra}"
    return f"{label} *" if day.provisional else label


def _day_row(day: DayResult, contacts: int) -> dict[str, str]:
    return {
        "date": day.date.isoformat(),
        "weekday": t(f"report.weekday.{day.date.weekday()}"),
        "day": day_label(day),
        "inside": _cell(day.seconds.inside),
        "outside": _cell(day.seconds.outside_workday),
        "rest": _cell(day.seconds.rest_day),
        "holiday": _cell(day.seconds.statutory_holiday),
        "late": _cell(day.seconds.late_night),
        "contacts": str(contacts) if contacts else "-",
    }


def _total_row(result: PeriodResult, figures: OffHours) -> dict[str, str]:
    totals = result.totals
    return {
        "date": t("report.col.total"),
        "weekday": "",
        "day": "",
        "inside": _cell(totals.seconds.inside),
        "outside": _cell(totals.seconds.outside_workday),
        "rest": _cell(totals.seconds.rest_day),
        "holiday": _cell(totals.seconds.statutory_holiday),
        "late": _cell(totals.seconds.late_night),
        "contacts": str(figures.contacts) if figures.contacts else "-",
    }


def day_table(
    result: PeriodResult, figures: OffHours, width: int, today: date | None = None
) -> Table:
    """One row a day up to the last that has begun or holds work; at narrow widths low-value
    columns go and the day type folds."""
    keys = _columns(width)
    days = listed_days(result, figures, today)
    rows = [_day_row(d, figures.contacts_on(d.date)) for d in days]
    total = _total_row(result, figures)
    return Table(
        headers=tuple(t(f"report.col.{key}") for key in keys),
        right=tuple(key not in _TEXT_COLUMNS for key in keys),
        folds=tuple(key == "day" for key in keys),  # only the day type folds; numbers never wrap
        rows=tuple(tuple(row[k] for k in keys) for row in rows),
        total=tuple(total[k] for k in keys),
    )


def _cell(seconds: int) -> str:
    return hm(seconds) if seconds else "-"


def listed_days(
    result: PeriodResult, figures: OffHours, today: date | None
) -> tuple[DayResult, ...]:
    """The days of the table: a tail of days after today with nothing in them is left out."""
    days = result.days
    end = len(days)
    while (
        today is not None
        and end
        and days[end - 1].date > today
        and not (days[end - 1].seconds.worked or figures.contacts_on(days[end - 1].date))
    ):
        end -= 1
    return days[:end]


def days_notes(report: ReportView, width: int) -> list[Any]:
    """Lines under the table: the days to come it leaves out, the columns this width drops."""
    today = report.now.astimezone(report.zone).date()  # as report._today
    days, listed = report.result.days, listed_days(report.result, report.off_hours, today)
    notes = []
    if len(listed) < len(days):
        first, last = days[len(listed)].date, days[-1].date
        left = count(len(days) - len(listed), "day", t)
        notes.append(t("report.days_to_come", first=first, last=last, days=left))
    dropped = [k for k in _COLUMNS if k not in _columns(width)]
    if dropped:
        names = t("report.off.list_sep").join(t(f"report.col.{k}") for k in dropped)
        notes.append(t("report.columns_dropped", columns=names))
    return [Line(n) for n in notes]
