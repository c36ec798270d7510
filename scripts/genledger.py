"""Synthetic ledgers for benchmarks: years of realistic work, written through the ledger's rules.

    python scripts/genledger.py --entries 100000 --years 10 --seed 7 --out .bench/100k.sqlite

The ledger is made by `ot init`'s own code (schema through Alembic, then `ledger.init` and
`contract.set`); every later entry is a fact built with the domain's payload functions, encoded
with the canonical encoding, chained with the chain hash and projected by the same projection code
as `ot log` and the importers (`storage.batch.append_many`: one head read, `executemany`, the
rows `ledger.append` would write). One transaction per chunk of 20,000 entries. `ot verify`
accepts the result.

What is in it: office sessions on workdays, evening and late-night messages with counterparts,
channels and kinds (acknowledgements included), weekend bursts, work on statutory holidays,
sessions started and stopped, occasional amendments and voids, two contract changes, a few
calendar overrides and some time off in lieu. The same seed gives the same facts.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from offline_tracker.domain import facts
from offline_tracker.domain.records import Record
from offline_tracker.storage.db import SQLiteDatabase

ZONE = ZoneInfo("Asia/Shanghai")
SCHEDULE = "mon-fri 09:00-12:00,13:00-18:00"
DEFAULT_END = "2025-11-25"  # the day before the benchmark's fixed clock (2025-11-26 20:00 +08)
CHUNK = 20_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

COUNTERPARTS = (
    ("Manager Li", "supervisor"),
    ("王经理", "supervisor"),
    ("Director Zhao", "supervisor"),
    ("Chen Jing", "colleague"),
    ("刘洋", "colleague"),
    ("Sun Hao", "colleague"),
    ("Acme Ltd", "client"),
    ("客户张总", "client"),
    ("HR Zhou", "hr"),
)
CHANNELS = ("wechat", "wechat", "wecom", "dingtalk", "feishu", "email", "phone", "sms")
KINDS = ("instruction", "instruction", "instruction", "call", "meeting", "deliverable", "ack")
TEXTS = {
    "instruction": (
        "fix the report numbers",
        "改一下方案",
        "send the slides tonight",
        "查一下数据",
    ),
    "call": ("call about the release", "电话沟通进度", "urgent call"),
    "meeting": ("online meeting", "线上会议", "incident review"),
    "deliverable": ("sent the revised deck", "提交周报", "pushed the hotfix"),
    "ack": ("收到", "ok", "好的"),
}
SESSION_TEXTS = ("office", "工位", "release work", "写代码", "month-end close", "incident")
TAGS = ("project-x", "release", "oncall", "客户A", "weekly")


@dataclass
class Fact:
    """One ledger entry to be written: kind, payload, when it was recorded, what it refers to."""

    kind: str
    data: dict[str, Any]
    at: datetime
    ref: int | None = None


@dataclass
class Plan:
    """The generator's state while it walks the days."""

    rng: random.Random
    seq: int  # the sequence number the next fact will get
    holidays: set[date]
    last_add: tuple[int, Fact] | None = None  # the newest record.add: what a correction fixes
    day_start: datetime = EPOCH  # 08:00 of the day being written


def statutory_days(years: range) -> set[date]:
    """China's statutory holidays of the years, as the classification engine knows them."""
    import holidays

    return set(holidays.country_holidays("CN", years=list(years)))


def local(day: date, minute: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=ZONE) + timedelta(minutes=minute)


def day_weight(day: date, rng: random.Random, holidays: set[date]) -> float:
    """How busy a day is: workdays, rare weekend bursts, some work on statutory holidays."""
    if day in holidays:
        return 0.6 if rng.random() < 0.35 else 0.0
    if day.weekday() >= 5:
        return 2.0 if rng.random() < 0.15 else 0.08
    return rng.uniform(0.6, 1.4)


def allocate(days: list[date], total: int, plan: Plan) -> list[int]:
    """Entries per day, summing to `total` exactly (largest remainder over random weights)."""
    weights = [day_weight(d, plan.rng, plan.holidays) for d in days]
    scale = total / (sum(weights) or 1.0)
    wanted = [w * scale for w in weights]
    counts = [int(w) for w in wanted]
    by_remainder = sorted(range(len(days)), key=lambda i: wanted[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def record_fact(start: datetime, minutes: int, **fields: Any) -> Fact:
    end = start + timedelta(minutes=minutes)
    record = Record(
        id="0", type=fields.pop("type", "event"), start=start, end=end, zone=ZONE.key, **fields
    )
    return Fact(facts.RECORD_ADD, facts.record_payload(record), end + timedelta(minutes=2))


def message(plan: Plan, day: date, minute: int) -> Fact:
    rng = plan.rng
    name, role = rng.choice(COUNTERPARTS)
    kind = rng.choice(KINDS)
    minutes = 1 if kind == "ack" else rng.choice((5, 10, 15, 20, 30, 45, 60))
    return record_fact(
        local(day, minute),
        minutes,
        text=rng.choice(TEXTS[kind]),
        channel=rng.choice(CHANNELS),
        counterpart=name,
        role=role,
        direction=rng.choice(("received", "received", "replied", "initiated")),
        kind=kind,
        tags=(rng.choice(TAGS),) if rng.random() < 0.3 else (),
        emergency=rng.random() < 0.03,
    )


def session(plan: Plan, day: date, minute: int, minutes: int) -> Fact:
    rng = plan.rng
    tags = (rng.choice(TAGS),) if rng.random() < 0.4 else ()
    text = rng.choice(SESSION_TEXTS)
    return record_fact(local(day, minute), minutes, type="session", text=text, tags=tags)


def started_and_stopped(plan: Plan, day: date, minute: int, minutes: int) -> list[Fact]:
    """`ot start` then `ot stop`: a record.add without an end, then a record.stop."""
    opened = session(plan, day, minute, minutes)
    end = opened.data["end"]
    opened.data["end"] = None
    opened.at = local(day, minute)
    stop = Fact(facts.RECORD_STOP, {"record": plan.seq, "end": end}, facts.parse_utc(end), plan.seq)
    return [opened, stop]


def correction(plan: Plan, target: int, fact: Fact) -> Fact:
    """An amendment (longer, another counterpart, fixed text) or, more rarely, a void."""
    rng = plan.rng
    at = max(fact.at, plan.day_start) + timedelta(minutes=rng.randint(5, 600))
    if rng.random() < 0.25:
        reason = rng.choice(("logged twice", "重复记录", "not work"))
        return Fact(facts.RECORD_VOID, {"record": target, "reason": reason}, at, target)
    end = facts.parse_utc(fact.data["end"] or fact.data["start"])
    changes: dict[str, Any] = rng.choice(
        (
            {"end": facts.iso_utc(end + timedelta(minutes=rng.randint(5, 90)))},
            {"counterpart": rng.choice(COUNTERPARTS)[0]},
            {"text": "corrected: " + str(fact.data["text"])},
        )
    )
    reason = rng.choice(("forgot the follow-up call", "补充记录", "wrong person"))
    data = {"record": target, "changes": changes, "reason": reason}
    return Fact(facts.RECORD_AMEND, data, at, target)


def one_day(plan: Plan, day: date, count: int) -> list[Fact]:
    """`count` entries on `day`: sessions in office hours, messages after them, corrections."""
    rng, out = plan.rng, list[Fact]()
    plan.day_start = local(day, 8 * 60)
    workday = day.weekday() < 5 and day not in plan.holidays
    burst = rng.randint(9 * 60, 20 * 60)  # a weekend or holiday burst clusters around here
    while len(out) < count:
        left, roll = count - len(out), rng.random()
        if workday and roll < 0.12:
            start = rng.choice((9 * 60, 13 * 60)) + rng.randint(-20, 20)
            facts_ = [session(plan, day, start, rng.randint(120, 300))]
        elif roll < 0.15 and left >= 2:
            start = rng.randint(19 * 60, 22 * 60) if workday else burst
            facts_ = started_and_stopped(plan, day, start, rng.randint(30, 480))
        elif roll < 0.19 and plan.last_add is not None:
            facts_ = [correction(plan, *plan.last_add)]
            plan.last_add = None  # one correction per record is plenty
        else:
            if not workday:
                minute = burst + rng.randint(-90, 90)
            elif roll < 0.8:
                minute = rng.randint(18 * 60 + 30, 23 * 60 + 50)  # the evening
            else:
                minute = rng.randint(9 * 60 + 30, 17 * 60 + 30)  # in office hours
            facts_ = [message(plan, day, minute)]
        for fact in facts_:
            if fact.kind == facts.RECORD_ADD and fact.data["end"] is not None:
                plan.last_add = (plan.seq, fact)
            plan.seq += 1
        out += facts_
    return out


def terms_facts(first: date, last: date) -> Iterator[tuple[date, Fact]]:
    """Two contract changes, a company holiday and a swapped day a year, time off in lieu."""
    from offline_tracker.domain.contract import contract_from_options

    span = (last - first).days
    base = contract_from_options(None, timezone=ZONE.key, schedule=SCHEDULE, jurisdiction="CN")
    for share, wage in ((0.4, "18000"), (0.75, "24000")):
        day = first + timedelta(days=int(span * share))
        contract = contract_from_options(base, monthly_wage=wage, effective=day.isoformat())
        yield day, Fact(facts.CONTRACT, contract.to_payload(), local(day, 9 * 60))
    for year in range(first.year, last.year + 1):
        for month, day_type, note in (
            (6, "statutory_holiday", "company day"),
            (9, "workday", None),
        ):
            day = date(year, month, 14)
            if first <= day <= last:
                data = {"date": day.isoformat(), "day_type": day_type, "hours": None, "note": note}
                yield day, Fact(facts.CALENDAR_SET, data, local(day, 8 * 60))
        day = date(year, 3, 3)
        if first <= day <= last:
            comp = {"date": day.isoformat(), "seconds": 4 * 3600, "for_date": None}
            yield day, Fact(facts.COMP_TIME, comp, local(day, 8 * 60))


def first_day(end: date, years: int) -> date:
    return end - timedelta(days=round(365.25 * years) - 1)


def generate(entries: int, years: int, seed: int, end: date, start_seq: int) -> Iterator[Fact]:
    """The facts after `ot init`'s two entries, day by day, `entries` of them in all."""
    first = first_day(end, years)
    plan = Plan(random.Random(seed), start_seq, statutory_days(range(first.year, end.year + 1)))
    days = [first + timedelta(days=i) for i in range((end - first).days + 1)]
    extra = {d: f for d, f in terms_facts(first, end)} if entries > 50 else {}
    counts = allocate(days, max(0, entries - len(extra)), plan)
    for day, count in zip(days, counts, strict=True):
        if day in extra:
            plan.seq += 1
            yield extra[day]
        yield from one_day(plan, day, count)


def open_ledger(path: Path, now: datetime) -> SQLiteDatabase:
    """A new ledger made by `ot init`'s code at `now`; returns the open database.

    Its times are made up, so it is a ledger of a simulated clock (the benchmark runs `ot` on it
    with OFFLINE_TRACKER_NOW), and each entry says so.
    """
    from offline_tracker.app import open_app

    with open_app(str(path), lambda: now, create=True, simulated=True) as app:
        app.init({"timezone": ZONE.key, "schedule": SCHEDULE, "jurisdiction": "CN"})
    db = SQLiteDatabase(path)
    # A generator's connection only: a bigger page cache keeps the unique indexes (random uuids
    # and hashes) in memory while a million rows go in.
    db.connection().execute("PRAGMA cache_size = -262144")
    return db


def write_chunk(db: SQLiteDatabase, chunk: list[Fact]) -> None:
    """One transaction: `storage.batch.append_many` once per recording day of the chunk."""
    from offline_tracker.ledger.canonical import SIMULATED, Stamp
    from offline_tracker.storage.batch import append_many

    with db.write() as tx:
        group: list[Fact] = []
        for fact in [*chunk, None]:
            if group and (fact is None or fact.at.date() != group[0].at.date()):
                stamp = Stamp(facts.iso_utc(max(f.at for f in group)), SIMULATED)
                append_many(tx, [(f.kind, f.data, f.ref) for f in group], stamp)
                group = []
            if fact is not None:
                group.append(fact)


def build(path: Path, entries: int, years: int, seed: int, end: date) -> float:
    """Write the ledger at `path` (replacing it); returns the seconds it took."""
    began = time.perf_counter()
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_ledger(path, local(first_day(end, years), 8 * 60).astimezone(UTC))
    try:
        chunk: list[Fact] = []
        for fact in generate(entries - 2, years, seed, end, start_seq=3):
            chunk.append(fact)
            if len(chunk) >= CHUNK:
                write_chunk(db, chunk)
                chunk = []
        if chunk:
            write_chunk(db, chunk)
        db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, required=True, help="ledger entries in all (>= 2)")
    parser.add_argument("--years", type=int, default=10, help="years of history (default 10)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, required=True, help="the SQLite file to write")
    parser.add_argument("--end", default=DEFAULT_END, help=f"last day (default {DEFAULT_END})")
    args = parser.parse_args(argv)
    if args.entries < 2 or args.years < 1:
        parser.error("--entries must be at least 2 and --years at least 1")
    seconds = build(args.out, args.entries, args.years, args.seed, date.fromisoformat(args.end))
    print(f"{args.out}: {args.entries} entries in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
