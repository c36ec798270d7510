"""RFC 5545 scanning: byte-level unfolding, content lines with their line numbers, components.

This scan says where things are (the line of each event and of each bad line) and feeds each
event's text to icalendar (ics_library.py), which reads the values, zones and rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from offline_tracker.formats.importers.base import (
    ImportFormatError,
    accepted,
    decode_text,
)

ACCEPTED = accepted("ics")
_LINE_BREAK = re.compile(rb"\r\n|\n|\r")
_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAM_NAME = re.compile(r"([A-Za-z0-9-]+)=")
_PARAM_VALUE = re.compile(r'[^";:,]*')
_ESCAPE = re.compile(r"\\([\\;,nN])")
# VTIMEZONE and VEVENT text is given to icalendar (Outlook defines "China Standard Time" in the
# file); VEVENT text is also hashed when an event has no UID.
_KEEP_TEXT = ("VTIMEZONE", "VEVENT")
# Real calendars nest 3 deep (VCALENDAR > VEVENT > VALARM); every line is kept by each open
# VEVENT/VTIMEZONE, so unbounded nesting would make reading quadratic.
MAX_DEPTH = 16


class Prop(NamedTuple):
    """One content line: NAME;PARAM=VALUE:value, with the name and parameter names upper-cased."""

    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class Component:
    """A VEVENT (or VTIMEZONE): its own properties by name; nested components are left out."""

    name: str
    line: int
    props: dict[str, list[Prop]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    # The lines icalendar may be given: those this scan could read (the others are problems).
    feed: list[str] = field(default_factory=list)

    def first(self, name: str) -> Prop | None:
        found = self.props.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str:
        prop = self.first(name)
        return unescape(prop.value) if prop else ""


@dataclass
class Calendar:
    events: list[Component]
    timezones: dict[str, str]
    bad_lines: list[int]
    # Google's X-WR-TIMEZONE: the zone its UTC and floating times are meant in.
    wr_timezone: str | None = None


def unfold(data: bytes) -> list[tuple[int, bytes]]:
    """Logical lines with the physical line number each starts on (RFC 5545 3.1).

    Unfolding happens on bytes, before decoding: writers fold at 75 octets and some split a
    multi-byte UTF-8 character across the fold.
    """
    # Pieces are joined once a logical line is complete: adding each continuation to the line so
    # far would copy it again and again (quadratic in a line folded 100 000 times).
    logical: list[tuple[int, bytes]] = []
    pieces: list[bytes] = []
    first = 0
    for number, line in enumerate(_LINE_BREAK.split(data), 1):
        if line[:1] in (b" ", b"\t") and pieces:
            pieces.append(line[1:])
            continue
        if pieces:
            logical.append((first, b"".join(pieces)))
            pieces = []
        if line:
            first, pieces = number, [line]
    if pieces:
        logical.append((first, b"".join(pieces)))
    return logical


def decoded_lines(data: bytes) -> list[tuple[int, str]]:
    """Unfolded lines as text, from UTF-8 (BOM or not), GB18030 or UTF-16 with a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = decode_text(data, ACCEPTED).encode()
    logical = unfold(data)
    if not logical:
        return []
    text = decode_text(b"\n".join(line for _, line in logical), ACCEPTED)
    return list(zip((n for n, _ in logical), text.split("\n"), strict=True))


def _param_values(line: str, i: int) -> tuple[list[str], int] | None:
    values = []
    while True:
        if line.startswith('"', i):
            end = line.find('"', i + 1)
            if end < 0:
                return None
            values.append(line[i + 1 : end])
            i = end + 1
        else:
            match = _PARAM_VALUE.match(line, i)
            assert match is not None  # the pattern matches the empty string
            values.append(match.group())
            i = match.end()
        if not line.startswith(",", i):
            return values, i
        i += 1


def parse_line(line: str, number: int = 0) -> Prop | None:
    """Split one unfolded content line; None when it is not NAME[;PARAMS]:VALUE."""
    match = _NAME.match(line)
    if not match:
        return None
    i, params = match.end(), {}
    while line.startswith(";", i):
        pmatch = _PARAM_NAME.match(line, i + 1)
        found = _param_values(line, pmatch.end()) if pmatch else None
        if pmatch is None or found is None:
            return None
        params[pmatch.group(1).upper()] = ",".join(found[0])
        i = found[1]
    if not line.startswith(":", i):
        return None
    return Prop(match.group().upper(), params, line[i + 1 :], number)


def read_calendar(data: bytes) -> Calendar:
    """The VEVENTs and the raw VTIMEZONE blocks of a calendar file."""
    lines = decoded_lines(data)
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise ImportFormatError("format.not_ics", accepted=ACCEPTED)
    cal = Calendar([], {}, [])
    stack: list[Component] = []
    for number, line in lines:
        prop = parse_line(line, number)
        if prop is not None and prop.name == "BEGIN":
            _open(stack, prop.value.strip().upper(), number)
        _keep(stack, line, prop)
        if prop is None:
            cal.bad_lines.append(number)
        elif prop.name == "END":
            _close(stack, prop.value.strip().upper(), cal)
        elif prop.name != "BEGIN" and stack:
            stack[-1].props.setdefault(prop.name, []).append(prop)
            if prop.name == "X-WR-TIMEZONE" and len(stack) == 1:
                cal.wr_timezone = prop.value.strip()
    return cal


def _keep(stack: list[Component], line: str, prop: Prop | None) -> None:
    """The line's text in each open component that keeps it."""
    for comp in stack:
        if comp.name in _KEEP_TEXT:
            comp.lines.append(line)
            # A VTIMEZONE with its STANDARD/DAYLIGHT parts; a VEVENT without its VALARMs.
            if prop is not None and (comp.name == "VTIMEZONE" or comp is stack[-1]):
                comp.feed.append(line)


def _open(stack: list[Component], name: str, number: int) -> None:
    if len(stack) == MAX_DEPTH:
        raise ImportFormatError("format.ics_depth", depth=MAX_DEPTH, line=number, accepted=ACCEPTED)
    stack.append(Component(name, number))


def _close(stack: list[Component], name: str, cal: Calendar) -> None:
    # An END without its BEGIN is ignored; an END that skips open components closes them too.
    if name not in (c.name for c in stack):
        return
    while (comp := stack.pop()).name != name:
        pass
    parent = stack[-1].name if stack else ""
    if name == "VEVENT" and parent == "VCALENDAR":
        cal.events.append(comp)
    elif name == "VTIMEZONE":
        tzid = comp.first("TZID")
        if tzid:
            cal.timezones[tzid.value] = "\r\n".join(comp.feed)


def unescape(value: str) -> str:
    """TEXT value unescaping (RFC 5545 3.3.11): \\n, \\, \\; and \\\\."""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
