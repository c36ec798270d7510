"""Short builders for the schedule, contract, calendar and classification tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

from offline_tracker.domain.calendar import CalendarSet
from offline_tracker.domain.classify import classify
from offline_tracker.domain.contract import Contract, ContractHistory, contract_from_options
from offline_tracker.domain.records import Record, utc
from offline_tracker.domain.results import CompTime, PeriodResult
from offline_tracker.domain.schedule import Schedule, parse_schedule

SHANGHAI = "Asia/Shanghai"
_ids = count(1)


def at(text: str, tz: str = SHANGHAI) -> datetime:
    """`at("2025-10-01 10:00")`: a wall time in `tz` (first reading in a DST fold)."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz))


def day(text: str) -> date:
    return date.fromisoformat(text)


def sched(spec: str) -> Schedule:
    return parse_schedule(spec)


def contract(**options: object) -> Contract:
    return contract_from_options(None, **options)


def history(*versions: Contract) -> ContractHistory:
    return ContractHistory(versions or (contract(),))


def rec(
    start: str | datetime,
    end: str | datetime | None,
    *,
    tz: str = SHANGHAI,
    rid: str | None = None,
    **fields: object,
) -> Record:
    """A session from wall times in `tz` (or aware datetimes); `end=None` keeps it running."""
    begin = start if isinstance(start, datetime) else at(start, tz)
    finish = end if isinstance(end, datetime) or end is None else at(end, tz)
    return Record(
        id=rid or f"r{next(_ids)}",
        type="session",
        start=utc(begin),
        end=None if finish is None else utc(finish),
        zone=tz,
        **fields,  # type: ignore[arg-type]
    )


def run(
    records: Sequence[Record],
    first: str,
    last: str | None = None,
    *,
    contracts: ContractHistory | None = None,
    now: datetime | None = None,
    calendars: CalendarSet | None = None,
    comp: Sequence[CompTime] = (),
    include_ack: bool = False,
) -> PeriodResult:
    return classify(
        records,
        contracts or history(),
        date_from=day(first),
        date_to=day(last or first),
        now=now or at("2030-01-01 00:00"),
        calendars=calendars,
        comp_time=comp,
        include_ack=include_ack,
    )


def codes(result: PeriodResult) -> list[str]:
    return [flag.code for flag in result.flags]


H = 3600
