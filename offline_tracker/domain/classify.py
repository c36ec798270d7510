"""The classification engine: records + contracts + calendar -> days, totals, pay and flags."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from offline_tracker.domain.calendar import CalendarSet
from offline_tracker.domain.checks import Period
from offline_tracker.domain.comptime import (
    apply_offsets,
    offsettable,
    pooled_window,
    resolve_comp_time,
)
from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.cycles import COMPREHENSIVE, cycle_overtime
from offline_tracker.domain.pack_pay import pack_buckets
from offline_tracker.domain.pay import Bucket, DayDraft, cn_bucket, compute_pay, day_buckets
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import (
    CompOffset,
    CompTime,
    DayResult,
    Flag,
    PeriodResult,
    Segment,
    Totals,
    total,
)
from offline_tracker.domain.rulebook import run_checks
from offline_tracker.domain.timeline import (
    INSIDE,
    Interval,
    Stretch,
    Timeline,
    cut,
    epoch,
    instant,
    union,
)


class _Intake:
    """Records sorted into what is claimed, acknowledgements and running sessions (a plain
    class, as pay.DayDraft: no `dataclasses` on the report path, issue 19)."""

    __slots__ = (
        "ack_count",
        "acks",
        "claimed",
        "flags",
        "ids",
        "record_count",
        "records",
        "running",
    )

    def __init__(self) -> None:
        self.claimed: list[Interval] = []
        self.acks: list[Interval] = []
        self.running: list[tuple[str, int]] = []
        self.flags: list[Flag] = []
        self.ack_count = self.record_count = 0
        self.records: list[Record] = []
        self.ids: set[str] = set()


def _span(record: Record, now: int) -> tuple[int, int]:
    start = epoch(record.start)
    # A running session counts up to `now` (never before its own start).
    return start, epoch(record.end) if record.end is not None else max(now, start)


def _intake(records: Sequence[Record], now: int, lo: int, hi: int, include_ack: bool) -> _Intake:
    intake = _Intake()
    for record in records:
        if record.voided:
            continue
        start, end = _span(record, now)
        if end < start:
            intake.flags.append(Flag("bad_record", None, {"record_id": record.id}))
            continue
        touches = (start < hi and end > lo) or lo <= start < hi
        if not touches:
            continue
        clipped = Interval(max(start, lo), min(end, hi), record.id, record.emergency)
        keep = clipped.start < clipped.end
        if record.is_ack:  # RULES E1: counted apart, claimed only on request
            intake.ack_count += 1
            if keep:
                intake.acks.append(clipped)
        if record.is_ack and not include_ack:
            continue
        intake.record_count += 1
        intake.records.append(record)
        intake.ids.add(record.id)
        if keep:
            intake.claimed.append(clipped)
        if record.end is None:
            intake.running.append((record.id, start))
    return intake


def _accumulate(
    pieces: Sequence[tuple[Stretch, DayDraft, str, bool]],
) -> list[Segment]:
    segments = []
    for stretch, draft, category, late in pieces:
        seconds = stretch.end - stretch.start
        draft.seconds = draft.seconds.plus(category, seconds, late)
        if stretch.emergency and category != INSIDE:
            draft.emergency_s += seconds
        segments.append(
            Segment(
                instant(stretch.start),
                instant(stretch.end),
                draft.plan.date,
                category,
                late,
                stretch.record_ids,
                stretch.emergency,
            )
        )
    return segments


def _day_result(draft: DayDraft) -> DayResult:
    plan, info = draft.plan, draft.plan.info
    return DayResult(
        date=plan.date,
        day_type=info.day_type,
        source=info.source,
        provisional=info.provisional,
        name_en=info.name_en,
        name_zh=info.name_zh,
        timezone=plan.contract.timezone,
        system=draft.system,
        note=info.note,
        scheduled_s=plan.scheduled_s,
        seconds=draft.seconds,
        emergency_s=draft.emergency_s,
        comp_time_s=draft.comp_time_s,
        overtime_s=draft.overtime_s,
        rule_pack=plan.contract.rule_pack,
    )


def _totals(days: Sequence[DayResult], buckets: Sequence[Bucket], comp: tuple[int, int]) -> Totals:
    # Overtime by rate (the report's 150 / 200 / 300 %); other rates only in the total.
    by_rate = {rate: sum(b.seconds for b in buckets if b.multiplier == rate) for rate in _RATES}
    return Totals(
        seconds=total(d.seconds for d in days),
        overtime_s=sum(b.seconds for b in buckets),
        overtime_150_s=by_rate[Decimal("1.5")],
        overtime_200_s=by_rate[Decimal("2")],
        overtime_300_s=by_rate[Decimal("3")],
        comp_time_applied_s=comp[0],
        comp_time_unused_s=comp[1],
        days_in_period=len(days),
        days_worked=sum(1 for d in days if d.seconds.worked > 0),
        days_off_hours=sum(1 for d in days if d.seconds.off_schedule > 0),
    )


_RATES = (Decimal("1.5"), Decimal("2"), Decimal("3"))


def _flag_key(flag: Flag) -> tuple[date, str, str]:
    return flag.date or date.min, flag.code, repr(sorted(flag.params.items()))


def _pieces(
    timeline: Timeline, stretches: Sequence[Stretch], drafts: Sequence[DayDraft]
) -> list[tuple[Stretch, DayDraft, str, bool]]:
    by_date = {d.plan.date: d for d in drafts}
    return [
        (stretch, by_date[plan.date], piece.category, piece.late_night)
        for stretch, plan, piece in cut(stretches, timeline.plans)
    ]


def _checks(
    intake: _Intake,
    timeline: Timeline,
    days: Sequence[DayResult],
    drafts: Sequence[DayDraft],
    now: int,
) -> list[Flag]:
    period = Period(
        days=tuple(days),
        drafts=tuple(drafts),
        plans=timeline.plans,
        claimed=tuple(intake.claimed),
        running=tuple(intake.running),
        records=tuple(r for r in intake.records if r.id in intake.ids),
        now=now,
        date_of=timeline.date_of,
    )
    return run_checks(period)


def classify(
    records: Sequence[Record],
    contracts: ContractHistory,
    *,
    date_from: date,
    date_to: date,
    now: datetime,
    calendars: CalendarSet | None = None,
    comp_time: Sequence[CompTime] = (),
    include_ack: bool = False,
    rest_work: Mapping[date, int] | None = None,
    timeline: Timeline | None = None,
    offsets: Sequence[CompOffset] | None = None,
) -> PeriodResult:
    """Classify the union of worked time of `date_from..date_to` (local dates, inclusive).

    `timeline`: the day plans of exactly that period when the caller already has them (the
    report pipeline shares one with the off-hours analysis).

    Time off in lieu is bound to its rest days (comp_offsets) over `rest_work` (rest-day seconds
    by date, for the twelve months before entries without `--for`), or, without it, over
    `records`: then pass those months' records for a period-independent answer. `offsets`:
    the bindings already made (comptime.bind_for_period, what the report pipeline reads).
    """
    if date_to < date_from:
        raise ValueError(f"period ends ({date_to}) before it starts ({date_from})")
    calendars = calendars or CalendarSet()
    if offsets is None:
        offsets = comp_offsets(records, contracts, calendars, comp_time, now, rest_work)
    now_s = epoch(now)
    timeline = timeline or Timeline(contracts, calendars, date_from, date_to)
    intake = _intake(records, now_s, timeline.start, timeline.end, include_ack)
    drafts = [DayDraft(plan) for plan in timeline.plans]
    segments = _accumulate(_pieces(timeline, union(intake.claimed), drafts))
    applied, unused, comp_flags, shown = apply_offsets(drafts, offsets)
    buckets = [bucket for draft in drafts for bucket in day_buckets(draft)]
    extra, cycles, cycle_flags = cycle_overtime(drafts, calendars)
    buckets += [cn_bucket(COMPREHENSIVE, c.seconds, c.contract) for c in extra]
    pack_pay, week_flags = pack_buckets(drafts)
    buckets += pack_pay
    days = tuple(_day_result(d) for d in drafts)
    pay, pay_flags = compute_pay(buckets, [p.contract for p in timeline.plans])
    flags = [*intake.flags, *comp_flags, *cycle_flags, *week_flags, *pay_flags]
    flags += _checks(intake, timeline, days, drafts, now_s)
    return PeriodResult(
        period_from=date_from,
        period_to=date_to,
        timezone=timeline.plans[-1].contract.timezone,
        days=days,
        totals=_totals(days, buckets, (applied, unused)),
        pay=pay,
        flags=tuple(sorted(flags, key=_flag_key)),
        provisional_days=sum(1 for d in days if d.provisional),
        ack_count=intake.ack_count,
        ack_seconds=sum(s.end - s.start for s in union(intake.acks)),
        record_count=intake.record_count,
        segments=tuple(segments),
        cycles=tuple(cycles),
        comp_offsets=shown,
    )


def comp_offsets(
    records: Sequence[Record],
    contracts: ContractHistory,
    calendars: CalendarSet,
    entries: Sequence[CompTime],
    now: datetime,
    rest_work: Mapping[date, int] | None = None,
) -> tuple[CompOffset, ...]:
    """Every time-off entry bound to the rest days it offsets (RULES P3), period-independent.

    Entries without `--for` look for rest-day work in the twelve months before them; that
    stretch is classified once, without time off and without acknowledgements.
    """
    today = now.astimezone(contracts.latest.zone).date()
    window = pooled_window(entries)
    if window is None:
        return resolve_comp_time(entries, {}, today)
    if rest_work is None:
        rest_work = rest_day_seconds(records, contracts, calendars, window[0], window[1], now)
    return resolve_comp_time(entries, rest_work, today)


def rest_day_seconds(
    records: Sequence[Record],
    contracts: ContractHistory,
    calendars: CalendarSet,
    first: date,
    last: date,
    now: datetime,
) -> dict[date, int]:
    """Rest-day seconds time off may offset (P3) of `first..last`: the classification's first
    stages only (no acknowledgements, no checks, no pay)."""
    timeline = Timeline(contracts, calendars, first, last)
    intake = _intake(records, epoch(now), timeline.start, timeline.end, False)
    return _rest_seconds(timeline, intake.claimed)


def rest_seconds_of_spans(
    spans: Sequence[tuple[int, int, int]],
    contracts: ContractHistory,
    calendars: CalendarSet,
    runs: Sequence[tuple[date, date]],
) -> dict[date, int]:
    """rest_day_seconds from (id, start, end) spans of closed claimed records (sorted by
    start), over runs of rest days: what the app reads for the twelve months of P3."""
    work: dict[date, int] = {}
    starts = [a for _, a, _ in spans]
    longest = max((b - a for _, a, b in spans), default=0)
    for first, last in runs:
        timeline = Timeline(contracts, calendars, first, last)
        lo, hi = timeline.start, timeline.end
        near = spans[bisect_left(starts, lo - longest) : bisect_left(starts, hi)]
        claimed = [
            Interval(max(a, lo), min(b, hi), str(rid), False) for rid, a, b in near if b > lo
        ]
        if claimed:
            work.update(_rest_seconds(timeline, claimed))
    return work


def _rest_seconds(timeline: Timeline, claimed: Sequence[Interval]) -> dict[date, int]:
    drafts = [DayDraft(plan) for plan in timeline.plans]
    _accumulate(_pieces(timeline, union(claimed), drafts))
    return offsettable([_day_result(d) for d in drafts])
