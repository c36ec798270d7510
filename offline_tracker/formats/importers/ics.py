"""iCalendar (.ics): events become meeting sessions; recurring events are expanded in a window.

The project's own scan (icalparse.py) unfolds the bytes (a fold may split a UTF-8 character) and
keeps each event's line; icalendar, x-wr-timezone and recurring-ical-events (ics_library.py) read
the values, zones and rules. Each UID is expanded on its own, so one broken event is one problem
and the rest of the calendar imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportOptions,
    ImportResult,
    Problem,
    RowError,
    casefold_set,
    dedupe,
    find_zone,
    one_line,
    plus_minutes,
    reason,
    sha256_hex,
    to_utc,
)
from offline_tracker.formats.importers.icalparse import Component, read_calendar
from offline_tracker.formats.importers.ics_library import (
    LIBRARY_ERRORS,
    Occurrence,
    earliest,
    occurrences,
    quiet,
    read_event,
    register_timezones,
    unknown_tzid,
)

# A guard against rules that would expand for ever (FREQ=MINUTELY and no window).
MAX_INSTANCES = 5000
_RECURRING = frozenset({"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"})


class Skip(RowError):
    """An event left out on purpose (all-day, cancelled, declined); reported as 'skipped'."""


@dataclass
class _Context:
    options: ImportOptions
    default: tzinfo  # the zone of floating times: X-WR-TIMEZONE, else the user's zone
    wr_timezone: str | None
    me: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    uids: dict[int, str] = field(default_factory=dict)

    def skip(self, line: int, key: str, **params: object) -> None:
        self.problems.append(Problem.row(line, key, "skipped", **params))

    def uid(self, ev: Component) -> str:
        if ev.line not in self.uids:
            uid = one_line(ev.text("UID"))
            text = "\r\n".join(ev.lines).encode()
            self.uids[ev.line] = uid or "sha256:" + sha256_hex(text)
        return self.uids[ev.line]

    def local(self, when: datetime) -> datetime:
        """RFC 5545 floating time is in the user's own zone (or the X-WR-TIMEZONE)."""
        return when if when.tzinfo is not None else when.replace(tzinfo=self.default)


@dataclass
class _Part:
    """One VEVENT, read by icalendar and checked: what an instance of it needs."""

    comp: Component
    event: Any  # icalendar.Event
    start: datetime
    length: timedelta | None  # None: neither DTEND nor DURATION
    rid: datetime | None  # RECURRENCE-ID (UTC) of an override; None for a series
    skip: Skip | None  # cancelled or declined: its instances are left out


def _name(ev: Component) -> str:
    """How a message names an event: its summary, else its UID, else its line."""
    summary, uid = one_line(ev.text("SUMMARY")), one_line(ev.text("UID"))
    return repr(summary) if summary else f"UID {uid}" if uid else "-"


def _read(comp: Component, ctx: _Context) -> _Part:
    event = read_event(comp)
    tzid = unknown_tzid(event)
    if tzid is not None:
        raise RowError("row.ics_tzid", value=tzid)
    rid = None
    if "RECURRENCE-ID" in comp.props:
        value = event["RECURRENCE-ID"].dt
        if not isinstance(value, datetime):
            raise Skip("row.ics_all_day_nodate", name=_name(comp))
        rid = to_utc(ctx.local(value))
    if "DTSTART" not in event:
        raise RowError("row.ics_no_start")
    start = event["DTSTART"].dt
    if not isinstance(start, datetime):
        raise Skip("row.ics_all_day", name=_name(comp), day=str(start))
    start = ctx.local(start)
    length = _length(event, start, ctx)
    if rid is None and ctx.options.window_to is None and _forever(comp):
        raise Skip("row.ics_forever", name=_name(comp))
    return _Part(comp, event, start, length, rid, _attendance(comp, ctx))


def _length(event: Any, start: datetime, ctx: _Context) -> timedelta | None:
    """DTEND - DTSTART (as instants), or DURATION; None when the event has neither."""
    if "DTEND" in event:
        end = event["DTEND"].dt
        if not isinstance(end, datetime):
            raise RowError("row.ics_end_date")
        length = ctx.local(end) - start
    elif "DURATION" in event:
        length = event["DURATION"].dt
        if not isinstance(length, timedelta):
            raise RowError("row.ics_duration", value=event["DURATION"].to_ical().decode())
    else:
        return None
    if length < timedelta(0):
        raise RowError("row.ends_before")
    return length


def _forever(comp: Component) -> bool:
    rules = [r.value.upper() for r in comp.props.get("RRULE", [])]
    return any("COUNT=" not in r and "UNTIL=" not in r for r in rules)


def _attendance(ev: Component, ctx: _Context) -> Skip | None:
    if ev.text("STATUS").strip().upper() == "CANCELLED":
        return Skip("row.ics_cancelled", name=_name(ev))
    for attendee in ev.props.get("ATTENDEE", []):
        address = attendee.value.strip()
        address = address[7:] if address.lower().startswith("mailto:") else address
        declined = attendee.params.get("PARTSTAT", "").upper() == "DECLINED"
        if declined and address.casefold() in ctx.me:
            return Skip("row.ics_declined", name=_name(ev))
    return None


def _organizer(ev: Component) -> str | None:
    prop = ev.first("ORGANIZER")
    if prop is None:
        return None
    address = prop.value.strip()
    address = address[7:] if address.lower().startswith("mailto:") else address
    name = prop.params.get("CN", "").strip()
    return (f"{name} <{address}>" if name and address else name or address) or None


def _record(
    part: _Part, start: datetime, length: timedelta, key: datetime, ctx: _Context
) -> ImportedRecord:
    start = to_utc(start)
    if length:
        kind, end = "session", to_utc(start + length)
    else:  # no DTEND and no DURATION: a point in time, logged like a message event
        kind, end = "event", plus_minutes(start, ctx.options.default_event_minutes)
    return ImportedRecord(
        f"ics:{ctx.uid(part.comp)}:{to_utc(key):%Y%m%dT%H%M%SZ}",
        "session" if kind == "session" else "event",
        start,
        end,
        ctx.options.zone,
        one_line(part.comp.text("SUMMARY")),
        counterpart=_organizer(part.comp),
        kind="meeting",
        line=part.comp.line,
    )


@dataclass
class _Series:
    """One UID's events that could be read: the series (if any) and its overrides by RID."""

    master: _Part | None
    overrides: dict[datetime, _Part]
    removed: set[datetime]  # RIDs of overrides that could not be read: those instances are gone

    def source(
        self, occ: Occurrence, start: datetime, ctx: _Context
    ) -> tuple[_Part | None, datetime]:
        """The event an instance comes from and its id: the start of the instance it was."""
        if not isinstance(occ.rid, datetime):
            return self.master, to_utc(start)
        rid = ctx.local(occ.rid)
        edit = self.overrides.get(to_utc(rid))
        if edit is None:
            return self.master, to_utc(rid)
        if occ.future and to_utc(start) != to_utc(edit.start):
            # A later instance moved by a RANGE=THISANDFUTURE edit (RFC 5545 3.8.4.4) carries the
            # edit's RECURRENCE-ID; it keeps the id of the instance it was, so a re-import after
            # the edit adds nothing twice. The library moved it by the same wall-clock amount.
            zone = start.tzinfo
            moved_by = edit.start.astimezone(zone) - rid.astimezone(zone)
            return edit, to_utc(start - moved_by)
        return edit, to_utc(rid)

    def length(self, occ: Occurrence, start: datetime, part: _Part, ctx: _Context) -> timedelta:
        if part.length is None:  # an override without DTEND or DURATION keeps its series' length
            master = self.master
            return (
                master.length if master and master.length and part is not master else timedelta(0)
            )
        end = occ.end
        return ctx.local(end) - start if isinstance(end, datetime) else part.length


def _instances(parts: list[_Part], ctx: _Context) -> Iterator[Occurrence]:
    (only,) = parts if len(parts) == 1 else (None,)
    if only is not None and not _RECURRING & only.comp.props.keys():
        # A single event: nothing to expand (the library would give back its own times).
        yield Occurrence(only.start, only.start + (only.length or timedelta(0)), None, False)
        return
    # From the window's start, but not before the first instance: the library widens its search
    # step while it finds nothing, and a wide step over a MINUTELY rule is millions of instances.
    first = min(ctx.local(t) for p in parts if (t := earliest(p.event)) is not None)
    lo = ctx.options.window_from
    after = (max(first, lo) if lo else first) - timedelta(seconds=1)  # a point at `lo` counts
    events = [p.event for p in parts]
    yield from occurrences(events, ctx.default, ctx.wr_timezone is not None, after)


def _expand(parts: list[_Part], series: _Series, ctx: _Context) -> list[ImportedRecord]:
    lo, hi = ctx.options.window_from, ctx.options.window_to
    records: list[ImportedRecord] = []
    for occ in _instances(parts, ctx):
        if not isinstance(occ.start, datetime):
            continue  # a DATE RDATE of a timed series: no times
        start = ctx.local(occ.start)
        if hi is not None and start >= hi:
            break
        part, key = series.source(occ, start, ctx)
        inside = (lo is None or start >= lo) and (hi is None or start < hi)
        if part is None or part.skip or key in series.removed or not inside:
            continue
        if len(records) == MAX_INSTANCES:
            ctx.skip(
                parts[0].comp.line, "row.ics_cap", name=_name(parts[0].comp), count=MAX_INSTANCES
            )
            break
        records.append(_record(part, start, series.length(occ, start, part, ctx), key, ctx))
    return records


def _read_all(comps: list[Component], ctx: _Context) -> tuple[list[_Part], set[datetime]]:
    """The events of one UID that can be read; each one that cannot is one problem."""
    parts: list[_Part] = []
    removed: set[datetime] = set()
    for comp in comps:
        try:
            part = _read(comp, ctx)
        except Skip as skipped:
            ctx.problems.append(Problem.of(comp.line, skipped, "skipped"))
        except RowError as exc:
            ctx.problems.append(Problem.of(comp.line, exc))
        except LIBRARY_ERRORS as exc:
            ctx.problems.append(_not_imported(comp, exc))
        else:
            parts.append(part)
            if part.skip is not None:
                ctx.problems.append(Problem.of(comp.line, part.skip, "skipped"))
            continue
        removed |= _rid_of(comp, ctx)
    return parts, removed


def _rid_of(comp: Component, ctx: _Context) -> set[datetime]:
    if "RECURRENCE-ID" not in comp.props:
        return set()
    try:
        value = read_event(comp)["RECURRENCE-ID"].dt
    except LIBRARY_ERRORS:
        return set()
    return {to_utc(ctx.local(value))} if isinstance(value, datetime) else set()


def _not_imported(comp: Component, exc: Exception) -> Problem:
    return Problem.row(comp.line, "row.ics_not_imported", name=_name(comp), reason=reason(exc))


def _uid_events(comps: list[Component], ctx: _Context) -> list[ImportedRecord]:
    parts, removed = _read_all(comps, ctx)
    if not parts:
        return []
    master = next((p for p in parts if p.rid is None), None)
    overrides = {p.rid: p for p in parts if p.rid is not None}
    try:
        return _expand(parts, _Series(master, overrides, removed), ctx)
    except LIBRARY_ERRORS as exc:  # a bad RRULE, or a value the library only reads when expanding
        ctx.problems.append(_not_imported((master or parts[0]).comp, exc))
        return []


def _version(ev: Component) -> tuple[int, str]:
    """How new an edit is: SEQUENCE, then LAST-MODIFIED (or DTSTAMP) as UTC text."""
    try:
        sequence = int(ev.text("SEQUENCE") or 0)
    except ValueError:
        sequence = 0
    return sequence, (ev.text("LAST-MODIFIED") or ev.text("DTSTAMP")).strip()


def _newest(events: list[Component], ctx: _Context) -> dict[str, list[Component]]:
    """One event per UID and RECURRENCE-ID: the newest edit wins (SEQUENCE, RFC 5545 3.8.7.4);
    older ones are reported as skipped. Grouped by UID, in the order of the file."""
    best: dict[tuple[str, str], Component] = {}
    for ev in events:
        rid = ev.first("RECURRENCE-ID")
        key = (ctx.uid(ev), "" if rid is None else f"{rid.params}{rid.value}")
        kept = best.get(key)
        if kept is None or _version(ev) > _version(kept):
            best[key], older = ev, kept
        else:
            older = ev
        if older is not None:
            ctx.skip(older.line, "row.ics_older", name=_name(older))
    groups: dict[str, list[Component]] = {}
    for ev in sorted(best.values(), key=lambda e: e.line):
        groups.setdefault(ctx.uid(ev), []).append(ev)
    return groups


def parse_ics(data: bytes, options: ImportOptions) -> ImportResult:
    """Calendar events as meeting sessions; source id `ics:<UID>:<instance start, UTC>`.

    Recurring events (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides, RANGE=THISANDFUTURE) are
    expanded to the instances that start in [window_from, window_to); all-day, cancelled and
    declined events are reported as skipped.
    """
    cal = read_calendar(data)
    wall = find_zone(cal.wr_timezone) if cal.wr_timezone else None
    wr_timezone = cal.wr_timezone if wall is not None else None
    me = casefold_set(options.me)
    ctx = _Context(options, wall or options.tz(), wr_timezone, me)
    if cal.wr_timezone and wall is None:
        ctx.problems.append(Problem.row(None, "row.ics_wr_zone", "note", value=cal.wr_timezone))
    for number in cal.bad_lines:
        ctx.problems.append(Problem.row(number, "row.ics_bad_line"))
    records: list[ImportedRecord] = []
    with quiet():
        register_timezones(cal.timezones)
        for comps in _newest(cal.events, ctx).values():
            records += _uid_events(comps, ctx)
    records.sort(key=lambda r: (r.start, r.source_id))
    return ImportResult(tuple(dedupe(records, ctx.problems, "line")), tuple(ctx.problems))
