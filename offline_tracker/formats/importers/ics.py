"""iCalendar (.ics): events become meeting sessions; recurring events are expanded in a window."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil.rrule import rrule, rruleset, rrulestr
from dateutil.tz import tzical

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
from offline_tracker.formats.importers.icalparse import (
    Calendar,
    Component,
    Prop,
    parse_duration,
    parse_when,
    read_calendar,
)
from offline_tracker.formats.importers.windows_zones import WINDOWS_ZONES

# A guard against rules that would expand for ever (FREQ=MINUTELY and no window).
MAX_INSTANCES = 5000
_UNTIL = re.compile(r"UNTIL=(\d{8})(?:T(\d{6}))?(Z?)", re.IGNORECASE)


class Skip(RowError):
    """An event left out on purpose (all-day, cancelled, declined); reported as 'skipped'."""


@dataclass
class Zones:
    """TZID resolution: IANA names, vendor-prefixed IANA names, then the file's VTIMEZONEs."""

    calendar: Calendar
    default: tzinfo
    cache: dict[str, tzinfo] = field(default_factory=dict)
    # X-WR-TIMEZONE: UTC times are moved into it (the same instants) so that a rule repeats at
    # the same wall-clock time across a DST change, as Google means it (x-wr-timezone's rule).
    wall: tzinfo | None = None

    def get(self, tzid: str | None) -> tzinfo:
        if not tzid:
            return self.default  # RFC 5545 floating time: the user's own zone
        if tzid not in self.cache:
            self.cache[tzid] = self._resolve(tzid)
        return self.cache[tzid]

    def _resolve(self, tzid: str) -> tzinfo:
        parts = tzid.strip("/").split("/")
        # "/mozilla.org/20050126_1/Europe/Berlin" and the like end in an IANA name.
        for i in range(len(parts)):
            zone = find_zone("/".join(parts[i:]))
            if zone is not None:
                return zone
        text = self.calendar.timezones.get(tzid)
        if text is not None:
            try:
                found = tzical(io.StringIO(text)).get(tzid)
            except (ValueError, IndexError, KeyError, TypeError):
                found = None
            if found is not None:
                return found
        windows = WINDOWS_ZONES.get(tzid.strip())  # Outlook without its VTIMEZONE block
        zone = find_zone(windows) if windows else None
        if zone is not None:
            return zone
        raise RowError("row.ics_tzid", value=tzid)


def _name(ev: Component) -> str:
    """How a message names an event: its summary, else its UID, else its line."""
    summary, uid = one_line(ev.text("SUMMARY")), one_line(ev.text("UID"))
    return repr(summary) if summary else f"UID {uid}" if uid else "-"


def _when(prop: Prop, zones: Zones) -> date | datetime:
    value = prop.value.split("/")[0]  # a PERIOD (start/end) in RDATE: its start
    if prop.params.get("VALUE", "").upper() == "DATE":
        value = value[:8]
    when = parse_when(value, zones.get(prop.params.get("TZID")))
    if zones.wall is not None and isinstance(when, datetime) and when.tzinfo is UTC:
        return when.astimezone(zones.wall)
    return when


def _whens(props: list[Prop], zones: Zones) -> list[date | datetime]:
    return [
        _when(Prop(p.name, p.params, v, p.line), zones)
        for p in props
        for v in p.value.split(",")
        if v.strip()
    ]


def _span(ev: Component, zones: Zones, fallback: timedelta | None) -> tuple[datetime, timedelta]:
    """DTSTART and the exact length (DTEND - DTSTART, or DURATION)."""
    dtstart = ev.first("DTSTART")
    if dtstart is None:
        raise RowError("row.ics_no_start")
    start = _when(dtstart, zones)
    if not isinstance(start, datetime):
        raise Skip("row.ics_all_day", name=_name(ev), day=str(start))
    dtend, duration = ev.first("DTEND"), ev.first("DURATION")
    if dtend is not None:
        end = _when(dtend, zones)
        if not isinstance(end, datetime):
            raise RowError("row.ics_end_date")
        length = end.astimezone(UTC) - start.astimezone(UTC)
    elif duration is not None:
        length = parse_duration(duration.value)
    else:
        length = fallback or timedelta(0)
    if length < timedelta(0):
        raise RowError("row.ends_before")
    return start, length


def _fix_until(rule: str, start: datetime) -> str:
    # dateutil refuses a floating or DATE UNTIL with an aware DTSTART; RFC 5545 says such an
    # UNTIL is in DTSTART's zone (a DATE: the whole day counts).
    def to_utc_text(match: re.Match[str]) -> str:
        day, clock, z = match.groups()
        if z:
            return match.group()
        local = datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
        instant = local.replace(tzinfo=start.tzinfo).astimezone(UTC)
        return "UNTIL=" + instant.strftime("%Y%m%dT%H%M%SZ")

    return _UNTIL.sub(to_utc_text, rule)


def _rule_set(ev: Component, start: datetime, zones: Zones, bounded: bool) -> rruleset:
    rules = ev.props.get("RRULE", [])
    if not bounded and any(
        "COUNT=" not in r.value.upper() and "UNTIL=" not in r.value.upper() for r in rules
    ):
        raise Skip("row.ics_forever", name=_name(ev))
    rset = rruleset()
    rset.rdate(start)  # RFC 5545: DTSTART is always the first instance
    for rule in rules:
        parsed = rrulestr(_fix_until(rule.value, start), dtstart=start)
        if not isinstance(parsed, rrule):
            raise RowError("row.ics_rrule", value=rule.value)
        rset.rrule(parsed)
    for when in _whens(ev.props.get("RDATE", []), zones):
        if isinstance(when, datetime):
            rset.rdate(when)
    return rset


def _instances(ev: Component, start: datetime, zones: Zones, ctx: _Context) -> list[datetime]:
    """Every instance start in the window, EXDATEs and overridden instances removed."""
    lo, hi = ctx.options.window_from, ctx.options.window_to
    if "RRULE" not in ev.props and "RDATE" not in ev.props:
        found = [start]
    else:
        rset = _rule_set(ev, start, zones, bounded=hi is not None)
        found = []
        for instant in rset.xafter(lo, inc=True) if lo else iter(rset):
            if hi is not None and instant >= hi:
                break
            if len(found) == MAX_INSTANCES:
                ctx.skip(ev.line, "row.ics_cap", name=_name(ev), count=MAX_INSTANCES)
                break
            found.append(instant)
    excluded = _whens(ev.props.get("EXDATE", []), zones)
    gone_days = {d for d in excluded if not isinstance(d, datetime)}
    gone = {to_utc(d) for d in excluded if isinstance(d, datetime)}
    gone |= ctx.overridden.get(ctx.uid(ev), set())
    return [
        i
        for i in found
        if _inside(i, lo, hi) and to_utc(i) not in gone and i.date() not in gone_days
    ]


def _inside(instant: datetime, lo: datetime | None, hi: datetime | None) -> bool:
    return (lo is None or instant >= lo) and (hi is None or instant < hi)


@dataclass
class _Context:
    options: ImportOptions
    zones: Zones
    me: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    overridden: dict[str, set[datetime]] = field(default_factory=dict)
    lengths: dict[str, timedelta] = field(default_factory=dict)
    uids: dict[int, str] = field(default_factory=dict)
    # RECURRENCE-ID;RANGE=THISANDFUTURE edits per UID: (instance UTC, the editing event).
    future: dict[str, list[tuple[datetime, Component]]] = field(default_factory=dict)

    def skip(self, line: int, key: str, **params: object) -> None:
        self.problems.append(Problem.row(line, key, "skipped", **params))

    def uid(self, ev: Component) -> str:
        if ev.line not in self.uids:
            uid = one_line(ev.text("UID"))
            text = "\r\n".join(ev.lines).encode()
            self.uids[ev.line] = uid or "sha256:" + sha256_hex(text)
        return self.uids[ev.line]


def _attendance(ev: Component, ctx: _Context) -> None:
    if ev.text("STATUS").strip().upper() == "CANCELLED":
        raise Skip("row.ics_cancelled", name=_name(ev))
    for attendee in ev.props.get("ATTENDEE", []):
        address = attendee.value.strip()
        address = address[7:] if address.lower().startswith("mailto:") else address
        declined = attendee.params.get("PARTSTAT", "").upper() == "DECLINED"
        if declined and address.casefold() in ctx.me:
            raise Skip("row.ics_declined", name=_name(ev))


def _organizer(ev: Component) -> str | None:
    prop = ev.first("ORGANIZER")
    if prop is None:
        return None
    address = prop.value.strip()
    address = address[7:] if address.lower().startswith("mailto:") else address
    name = prop.params.get("CN", "").strip()
    return (f"{name} <{address}>" if name and address else name or address) or None


def _record(
    ev: Component, instant: datetime, length: timedelta, key: datetime, ctx: _Context
) -> ImportedRecord:
    start = to_utc(instant)
    if length:
        kind, end = "session", to_utc(start + length)
    else:  # no DTEND and no DURATION: a point in time, logged like a message event
        kind, end = "event", plus_minutes(start, ctx.options.default_event_minutes)
    return ImportedRecord(
        f"ics:{ctx.uid(ev)}:{to_utc(key):%Y%m%dT%H%M%SZ}",
        "session" if kind == "session" else "event",
        start,
        end,
        ctx.options.zone,
        one_line(ev.text("SUMMARY")),
        counterpart=_organizer(ev),
        kind="meeting",
        line=ev.line,
    )


def _expand_master(ev: Component, ctx: _Context) -> list[ImportedRecord]:
    _attendance(ev, ctx)
    start, length = _span(ev, ctx.zones, None)
    ctx.lengths[ctx.uid(ev)] = length
    edits = _edits(ev, length, ctx)
    found = (_instance(ev, i, length, edits, ctx) for i in _instances(ev, start, ctx.zones, ctx))
    return [r for r in found if r is not None]


Edit = tuple[datetime, Component, datetime, timedelta]


def _edits(ev: Component, length: timedelta, ctx: _Context) -> list[Edit]:
    """The series' THISANDFUTURE edits: (from, the edit, its start, its length), by `from`."""
    edits = []
    for since, edit in sorted(ctx.future.get(ctx.uid(ev), []), key=lambda e: e[0]):
        if edit.first("DTSTART") is None:
            edits.append((since, edit, since, length))
        else:
            edits.append((since, edit, *_span(edit, ctx.zones, length)))
    return edits


def _instance(
    ev: Component, instant: datetime, length: timedelta, edits: list[Edit], ctx: _Context
) -> ImportedRecord | None:
    """One instance; after a THISANDFUTURE edit it moves, lasts and is named as the edit says
    (RFC 5545 3.8.4.4), keeping the id of the instance it was."""
    key = to_utc(instant)
    edit = next((e for e in reversed(edits) if e[0] < key), None)
    if edit is None:
        return _record(ev, instant, length, instant, ctx)
    since, changed, changed_start, changed_length = edit
    try:
        _attendance(changed, ctx)
    except Skip:
        return None  # cancelled or declined from that instance on
    moved = instant + (changed_start.astimezone(UTC) - since)
    return _record(changed, moved, changed_length, instant, ctx)


def _recurrence_id(ev: Component, ctx: _Context) -> datetime:
    rid = ev.first("RECURRENCE-ID")
    key = _when(rid, ctx.zones) if rid is not None else None
    if not isinstance(key, datetime):
        raise Skip("row.ics_all_day_nodate", name=_name(ev))
    return key


def _expand_override(ev: Component, ctx: _Context) -> list[ImportedRecord]:
    # A RECURRENCE-ID event replaces one instance of its series (a moved or renamed meeting).
    key = _recurrence_id(ev, ctx)
    _attendance(ev, ctx)
    if ev.first("DTSTART") is None:
        start, length = key, ctx.lengths.get(ctx.uid(ev), timedelta(0))
    else:
        start, length = _span(ev, ctx.zones, ctx.lengths.get(ctx.uid(ev)))
    lo, hi = ctx.options.window_from, ctx.options.window_to
    return [_record(ev, start, length, key, ctx)] if _inside(start, lo, hi) else []


def _guarded(ev: Component, ctx: _Context, master: bool) -> list[ImportedRecord]:
    try:
        return _expand_master(ev, ctx) if master else _expand_override(ev, ctx)
    except Skip as skipped:
        ctx.problems.append(Problem.of(ev.line, skipped, "skipped"))
    # dateutil reports a bad RRULE with ValueError, and a few shapes with the others.
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        why = reason(exc)
        ctx.problems.append(
            Problem.row(ev.line, "row.ics_not_imported", name=_name(ev), reason=why)
        )
    return []


def _note_overrides(overrides: list[Component], ctx: _Context) -> None:
    for ev in overrides:
        try:
            key = _recurrence_id(ev, ctx)
        except (Skip, ValueError):
            continue  # reported when the override itself is expanded
        ctx.overridden.setdefault(ctx.uid(ev), set()).add(to_utc(key))
        rid = ev.first("RECURRENCE-ID")
        if rid is not None and rid.params.get("RANGE", "").upper() == "THISANDFUTURE":
            ctx.future.setdefault(ctx.uid(ev), []).append((to_utc(key), ev))


def _version(ev: Component) -> tuple[int, str]:
    """How new an edit is: SEQUENCE, then LAST-MODIFIED (or DTSTAMP) as UTC text."""
    try:
        sequence = int(ev.text("SEQUENCE") or 0)
    except ValueError:
        sequence = 0
    return sequence, (ev.text("LAST-MODIFIED") or ev.text("DTSTAMP")).strip()


def _newest(events: list[Component], ctx: _Context, master: bool) -> list[Component]:
    """One event per UID (per UID and RECURRENCE-ID for overrides): the newest edit wins."""
    best: dict[tuple[str, str], Component] = {}
    for ev in events:
        rid = ev.first("RECURRENCE-ID")
        key = (ctx.uid(ev), "" if master or rid is None else f"{rid.params}{rid.value}")
        kept = best.get(key)
        if kept is None or _version(ev) > _version(kept):
            best[key], older = ev, kept
        else:
            older = ev
        if older is not None:
            ctx.skip(older.line, "row.ics_older", name=_name(older))
    return sorted(best.values(), key=lambda e: e.line)


def parse_ics(data: bytes, options: ImportOptions) -> ImportResult:
    """Calendar events as meeting sessions; source id `ics:<UID>:<instance start, UTC>`.

    Recurring events (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded to the
    instances that start in [window_from, window_to); all-day, cancelled and declined events
    are reported as skipped.
    """
    cal = read_calendar(data)
    wall = find_zone(cal.wr_timezone) if cal.wr_timezone else None
    ctx = _Context(options, Zones(cal, wall or options.tz(), wall=wall), casefold_set(options.me))
    if cal.wr_timezone and wall is None:
        ctx.problems.append(Problem.row(None, "row.ics_wr_zone", "note", value=cal.wr_timezone))
    for number in cal.bad_lines:
        ctx.problems.append(Problem.row(number, "row.ics_bad_line"))
    masters = _newest([e for e in cal.events if "RECURRENCE-ID" not in e.props], ctx, True)
    overrides = _newest([e for e in cal.events if "RECURRENCE-ID" in e.props], ctx, False)
    _note_overrides(overrides, ctx)
    records = [r for ev in masters for r in _guarded(ev, ctx, master=True)]
    records += [r for ev in overrides for r in _guarded(ev, ctx, master=False)]
    records.sort(key=lambda r: (r.start, r.source_id))
    return ImportResult(tuple(dedupe(records, ctx.problems, "line")), tuple(ctx.problems))
