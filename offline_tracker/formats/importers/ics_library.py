"""The iCalendar libraries behind ics.py: icalendar reads an event's values and zones,
x-wr-timezone and recurring-ical-events expand a series.

They are imported here only, when a calendar is read, so that `ot log` and `ot --help` stay fast.
What they raise on a broken file is caught by the caller as LIBRARY_ERRORS and becomes a problem
of one event; their warnings (a guessed vendor TZID) are silenced.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple

from offline_tracker.formats.importers.icalparse import Component, Prop

# icalendar and recurring-ical-events report bad values and rules with ValueError subclasses
# (InvalidCalendar, BadRuleStringFormat, BrokenCalendarProperty), a missing DTSTART with
# KeyError, and a few shapes of mutated input with the others (tests/reliability fuzzes this).
LIBRARY_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    OverflowError,
    RecursionError,
)
# A DATE UNTIL with a DATE-TIME DTSTART: the whole day counts (Google and Outlook write it so);
# the libraries would end the series at that day's midnight.
_DATE_UNTIL = re.compile(r"(UNTIL=\d{8})(?=;|$)", re.IGNORECASE)
# What icalendar is given of an event: its times and rules. Text (SUMMARY, ATTENDEE, a 7 MB
# DESCRIPTION) is read by the scan, and icalendar's content-line parser is slow on long lines.
_FOR_LIBRARY = frozenset(
    {"BEGIN", "END", "UID", "SEQUENCE", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"}
    | {"RRULE", "RDATE", "EXDATE", "EXRULE"}
)
_NAME = re.compile(r"[A-Za-z0-9-]+")
# Properties whose TZID parameter must name a zone that icalendar knows.
_ZONED = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


class Occurrence(NamedTuple):
    """One instance as the library expanded it: its start and end, and the RECURRENCE-ID
    (with RANGE=THISANDFUTURE or not) it carries; naive when the event is floating."""

    start: datetime | date
    end: datetime | date
    rid: datetime | date | None
    future: bool


@contextmanager
def quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def register_timezones(timezones: dict[str, str]) -> None:
    """Let icalendar know the file's VTIMEZONE blocks (it keeps them by TZID for the process);
    a block it cannot read leaves its TZID unknown, which the events then report."""
    import icalendar

    for text in timezones.values():
        with quiet():
            try:
                icalendar.Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{text}\r\nEND:VCALENDAR\r\n")
            except LIBRARY_ERRORS:
                continue


def read_event(comp: Component) -> Any:
    """The icalendar Event of one VEVENT of the scan (only the lines the scan could read)."""
    import icalendar

    lines = [line for line in comp.feed if _name_of(line) in _FOR_LIBRARY]
    start = comp.first("DTSTART")
    if start is None and (rid := comp.first("RECURRENCE-ID")) is not None:
        # An override without DTSTART keeps the start of the instance it replaces.
        lines.insert(1, _content_line("DTSTART", rid, drop="RANGE"))
    if start is not None and "T" in start.value and start.params.get("VALUE") != "DATE":
        lines = [_date_until(line) if line[:5].upper() == "RRULE" else line for line in lines]
    with quiet():
        return icalendar.Event.from_ical("\r\n".join(lines))


def _name_of(line: str) -> str:
    match = _NAME.match(line)
    return match.group().upper() if match else ""


def _date_until(line: str) -> str:
    return _DATE_UNTIL.sub(r"\1T235959", line)


def _content_line(name: str, prop: Prop, drop: str) -> str:
    params = "".join(
        f';{key}="{value}"' if set(value) & set(";:,") else f";{key}={value}"
        for key, value in prop.params.items()
        if key != drop
    )
    return f"{name}{params}:{prop.value}"


def unknown_tzid(event: Any) -> str | None:
    """A TZID that icalendar could not resolve (it would read the time as floating)."""
    for name in _ZONED:
        found = event.get(name)
        for prop in found if isinstance(found, list) else [found] if found is not None else []:
            tzid = prop.params.get("TZID")
            values = [v.dt for v in prop.dts] if hasattr(prop, "dts") else [prop.dt]
            firsts = [v[0] if isinstance(v, tuple) else v for v in values]  # RDATE PERIODs
            if tzid and any(isinstance(v, datetime) and v.tzinfo is None for v in firsts):
                return str(tzid)
    return None


def occurrences(
    events: list[Any], zone: tzinfo, wall: bool, after: datetime
) -> Iterator[Occurrence]:
    """The instances of one UID's events (a series and its overrides) that end after `after`,
    lazily, by start. Floating times are in `zone`; with `wall` (Google's X-WR-TIMEZONE, the
    x-wr-timezone rule) UTC times are moved into it too, so a rule keeps its wall-clock time.
    """
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar()
    for event in events:
        calendar.add_component(event)
    calendar = _walker(zone, wall).walk(calendar)
    for instance in recurring_ical_events.of(calendar).after(after):
        rid, start = instance.get("RECURRENCE-ID"), instance["DTSTART"].dt
        end = instance["DTEND"].dt if "DTEND" in instance else start
        yield Occurrence(
            start,
            end,
            rid.dt if rid is not None else None,
            rid is not None and str(rid.params.get("RANGE", "")).upper() == "THISANDFUTURE",
        )


def earliest(event: Any) -> datetime | None:
    """The first time the event can start at (DTSTART or an earlier RDATE), floating or not."""
    found = [event["DTSTART"].dt] if "DTSTART" in event else []
    rdates = event.get("RDATE")
    for prop in rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []:
        found += [v.dt[0] if isinstance(v.dt, tuple) else v.dt for v in prop.dts]
    times = [t for t in found if isinstance(t, datetime)]
    return min(times, key=lambda t: t.replace(tzinfo=None)) if times else None


def _walker(zone: tzinfo, wall: bool) -> Any:
    from icalendar.prop import vDDDTypes
    from x_wr_timezone import UTCChangingWalker

    class Walker(UTCChangingWalker):  # type: ignore[misc]
        """x-wr-timezone's walker that can leave UTC alone and keeps parameters (RANGE)."""

        def walk_value_datetime(self, dt: datetime) -> datetime:
            return super().walk_value_datetime(dt) if wall or not self.is_UTC(dt) else dt

        def walk_value_vDDDTypes(self, value: Any) -> Any:
            found = super().walk_value_vDDDTypes(value)
            if found is not value:
                found = vDDDTypes(found.dt)
                found.params.update({k: v for k, v in value.params.items() if k != "TZID"})
            return found

    return Walker(zone)
