"""Contracts, calendar days, official schedules and time off in lieu: read and add, as facts."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_tracker.domain import facts
from offline_tracker.domain.errors import InputError
from offline_tracker.domain.timeparse import parse_date, parse_duration
from offline_tracker.domain.values import value
from offline_tracker.storage import queries
from offline_tracker.storage.db import Tx

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from offline_tracker.app.core import App
    from offline_tracker.domain.calendar import CalendarSet, DayInfo, OfficialSchedule
    from offline_tracker.domain.contract import Contract, ContractHistory
    from offline_tracker.domain.results import CompTime

DAY_TYPES = {"workday": "workday", "rest-day": "rest_day", "statutory-holiday": "statutory_holiday"}


@value
class ContractVersion:
    seq: int
    contract: Contract


@value
class Terms:
    """The terms of one transaction, read once: four statements whatever the period."""

    history: ContractHistory
    calendars: CalendarSet
    comp_time: tuple[CompTime, ...]
    newest: Contract  # the version written last: WHEN text is read in its zone

    @property
    def zone(self) -> ZoneInfo:
        return self.newest.zone

    def day(self, day: date) -> DayInfo:
        """The day's type and source under the contract in force that day."""
        contract = self.history.get(day) or self.history.first
        return self.calendars.get(contract.jurisdiction, contract.schedule.workdays).day(day)


def snapshot(tx: Tx) -> Terms:
    """Contracts, calendars and time off in lieu of the ledger as `tx` sees it."""
    from offline_tracker.domain.contract import Contract, ContractHistory

    versions = tuple(Contract.from_payload(d) for _, d in queries.fact_rows(tx, "contracts"))
    return Terms(ContractHistory(versions), calendars(tx), comp_time(tx), versions[-1])


def history(tx: Tx) -> ContractHistory:
    """Every contract version in the ledger (RULES P1-P6 are applied per version)."""
    from offline_tracker.domain.contract import Contract, ContractHistory

    return ContractHistory(
        tuple(Contract.from_payload(d) for _, d in queries.fact_rows(tx, "contracts"))
    )


def calendars(tx: Tx) -> CalendarSet:
    """User overrides and loaded official schedules, as the calendar factory of the engine."""
    from offline_tracker.domain.calendar import CalendarSet, parse_official_schedule

    _keep_library_answers()
    overrides = tuple(_override(d) for _, d in queries.fact_rows(tx, "calendar_days"))
    official = tuple(
        parse_official_schedule(d["text"]) for _, d in queries.fact_rows(tx, "official_calendars")
    )
    return CalendarSet(overrides=overrides, official=official)


@cache
def _keep_library_answers() -> None:
    """Once a run: the holidays library's answers from and into the user's cache folder."""
    from offline_tracker.app.holiday_cache import library_cache
    from offline_tracker.domain.calendar import use_library_cache
    from offline_tracker.paths import default_cache_dir

    use_library_cache(library_cache(default_cache_dir()))


def comp_time(tx: Tx) -> tuple[CompTime, ...]:
    from offline_tracker.domain.results import CompTime

    return tuple(
        CompTime(
            date.fromisoformat(d["date"]),
            int(d["seconds"]),
            date.fromisoformat(d["for_date"]) if d.get("for_date") else None,
            bool(d.get("planned", False)),
        )
        for _, d in queries.fact_rows(tx, "comp_time")
    )


def _override(data: dict[str, Any]) -> Any:
    from offline_tracker.domain.calendar import CalendarOverride
    from offline_tracker.domain.schedule import parse_shifts

    hours = parse_shifts(data["hours"]) if data.get("hours") else None
    return CalendarOverride(date.fromisoformat(data["date"]), data["day_type"], hours, data["note"])


def set_contract(app: App, changes: dict[str, Any], effective: str | None) -> Contract:
    """A new contract version from `effective` (default today); unspecified terms carry over."""
    from offline_tracker.domain.contract import contract_from_options
    from offline_tracker.domain.values import replace

    with app.db.write() as tx:
        terms = history(tx)
        day = parse_date(effective, app.today(tx)) if effective else app.today(tx)
        base = terms.get(day) or terms.latest
        contract = replace(contract_from_options(base, **changes), effective=day)
        app.append(tx, facts.CONTRACT, contract.to_payload())
        return contract


def contract_at(app: App, when: str | None) -> Contract:
    with app.db.read() as tx:
        terms = history(tx)
        day = parse_date(when, app.today(tx)) if when else app.today(tx)
        return terms.get(day) or terms.first


def contract_versions(app: App) -> list[ContractVersion]:
    from offline_tracker.domain.contract import Contract

    with app.db.read() as tx:
        rows = queries.fact_rows(tx, "contracts")
    return [ContractVersion(seq, Contract.from_payload(d)) for seq, d in rows]


def set_day(app: App, when: str, as_: str, hours: str | None, note: str | None) -> DayInfo:
    """Mark one date as a workday, rest day or statutory holiday (a company holiday, a swap)."""
    from offline_tracker.domain.schedule import parse_shifts

    day_type = DAY_TYPES[as_]
    if hours is not None:
        hours = ",".join(str(s) for s in parse_shifts(hours))
    with app.db.write() as tx:
        day = parse_date(when, app.today(tx))
        data = {"date": day.isoformat(), "day_type": day_type, "hours": hours, "note": note}
        _override(data)  # validates (hours only on a workday) before anything is written
        app.append(tx, facts.CALENDAR_SET, data)
        return day_info(tx, day)


def day_info(tx: Tx, day: date) -> DayInfo:
    return snapshot(tx).day(day)


def month_days(app: App, year: int | None, month: int | None) -> list[DayInfo]:
    """Every day of a month (or of a year when `month` is None), with its type and source:
    one snapshot of the terms, so a year costs the statements of a day."""
    with app.db.read() as tx:
        terms = snapshot(tx)
    year = year or app.now().astimezone(terms.zone).date().year
    first = date(year, month or 1, 1)
    last = date(year + 1, 1, 1) if month in (None, 12) else date(year, month + 1, 1)
    return [terms.day(date.fromordinal(o)) for o in range(first.toordinal(), last.toordinal())]


def import_schedule(app: App, path: Path) -> OfficialSchedule:
    """Load an official schedule file for a year the holidays package does not know yet (C6)."""
    from offline_tracker.domain.calendar import parse_official_schedule

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("error.read_file", path=str(path), reason=str(exc)) from exc
    schedule = parse_official_schedule(text)
    with app.db.write() as tx:
        data = {"jurisdiction": schedule.jurisdiction, "year": schedule.year, "text": text}
        app.append(tx, facts.CALENDAR_IMPORT, data)
    return schedule


def add_comp_time(
    app: App, when: str, hours: str, for_date: str | None, planned: bool = False
) -> CompTime:
    """Time off in lieu (补休) taken on `when`; it offsets rest-day overtime only (RULES P3).

    Refused: time off after today without `planned`, and more time off on one date than that
    date's working day holds.
    """
    from offline_tracker.domain.results import CompTime

    # A bare number of hours is the common way to say it ("--hours 8").
    bare = hours.strip().replace(".", "", 1)
    amount = parse_duration(f"{hours}h" if bare.isascii() and bare.isdecimal() else hours)
    with app.db.write() as tx:
        today = app.today(tx)
        entry = CompTime(
            parse_date(when, today),
            int(amount.total_seconds()),
            parse_date(for_date, today) if for_date else None,
            planned,
        )
        if entry.date > today and not planned:
            raise InputError("error.comp_time_future", date=entry.date, today=today)
        _check_day_length(tx, entry)
        data = {
            "date": entry.date.isoformat(),
            "seconds": entry.seconds,
            "for_date": entry.for_date.isoformat() if entry.for_date else None,
            "planned": entry.planned,
        }
        app.append(tx, facts.COMP_TIME, data)
        return entry


def _check_day_length(tx: Tx, entry: CompTime) -> None:
    from offline_tracker.domain.comptime import day_length_s
    from offline_tracker.domain.timeline import Timeline

    terms = snapshot(tx)
    plan = Timeline(terms.history, terms.calendars, entry.date, entry.date).plans[0]
    length = day_length_s(plan)
    before = sum(c.seconds for c in terms.comp_time if c.date == entry.date)
    if before + entry.seconds > length:
        raise InputError(
            "error.comp_time_over_day",
            date=entry.date,
            hours=_hours(entry.seconds),
            before=_hours(before),
            length=_hours(length),
        )


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:g} h"
