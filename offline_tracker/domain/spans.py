"""When a record starts and ends, from what a user typed and the moment it is logged.

The rule (docs/cli.md, "When a record happened"): without `--at` a record ends now; `--at` is the
start; a record never ends after the moment it is logged unless the user says `--allow-future`
(RULES E5: a contemporaneous record claims no work not yet done).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from offline_tracker.domain.errors import InputError, Message
from offline_tracker.domain.timeparse import parse_duration, parse_when
from offline_tracker.domain.values import value

# Minutes a message event takes when the user gives neither --minutes nor --until.
DEFAULT_MINUTES = {"instruction": 15, "meeting": 30, "call": 15, "deliverable": 30, "ack": 1}
FALLBACK_MINUTES = 10


def default_length(kind: str | None) -> timedelta:
    return timedelta(minutes=DEFAULT_MINUTES.get(kind or "", FALLBACK_MINUTES))


@value
class Typed:
    """The time options of one command as typed: WHEN texts and a duration text."""

    at: str | None = None
    until: str | None = None
    minutes: str | None = None
    allow_future: bool = False


@value
class Span:
    start: datetime
    end: datetime
    notes: tuple[Message, ...] = ()


def record_span(typed: Typed, kind: str | None, now: datetime, tz: ZoneInfo) -> Span:
    """[start, end] of a new record (`ot log`, `ot add`).

    - no --at: the record ends now, or at --until; it starts --minutes (or the kind's default)
      before that;
    - --at: the start; the end is --until, or --at + --minutes, or --at + the kind's default.
    An end worked out from a length that would lie after now is cut at now, with a note; an end
    typed with --until after now is refused. Either is kept with --allow-future.
    """
    if typed.at is not None and typed.until is not None and typed.minutes is not None:
        raise InputError("error.until_and_minutes")
    length = parse_duration(typed.minutes) if typed.minutes is not None else default_length(kind)
    notes: list[Message] = []
    if typed.at is None:
        end = _when(typed.until, now, tz, notes) if typed.until is not None else now
        start, typed_end = end - length, typed.until is not None
    else:
        start = _when(typed.at, now, tz, notes)
        if typed.until is not None:
            end, typed_end = _when(typed.until, now, tz, notes), True
        else:
            end, typed_end = start + length, False
    return bounded(start, end, typed_end, now, tz, typed.allow_future, tuple(notes))


def bounded(
    start: datetime,
    end: datetime,
    typed_end: bool,
    now: datetime,
    tz: ZoneInfo,
    allow_future: bool,
    notes: tuple[Message, ...] = (),
) -> Span:
    """Check a span against now: a start after now is refused; so is a typed end after now; an
    end that was worked out from a length is cut at now (with a note)."""
    if end <= start:
        raise InputError("error.end_before_start", start=local_text(start, tz))
    if allow_future:
        return Span(start, end, notes)
    if end > now and typed_end:
        raise InputError("error.ends_in_future", end=local_text(end, tz), now=local_text(now, tz))
    if start > now:
        raise InputError("error.future", when=local_text(start, tz), now=local_text(now, tz))
    if end > now:
        if start == now:
            raise InputError("error.nothing_before_now", start=local_text(start, tz))
        cut = Message("note.cut_at_now", {"end": local_text(end, tz), "now": local_text(now, tz)})
        return Span(start, now, (*notes, cut))
    return Span(start, end, notes)


def instant(text: str | None, now: datetime, tz: ZoneInfo, allow_future: bool) -> Span:
    """One instant (`ot start --at`, `ot stop --at`), never after now without --allow-future;
    the Span is empty (start == end)."""
    notes: list[Message] = []
    moment = now if text is None else _when(text, now, tz, notes)
    if moment > now and not allow_future:
        raise InputError("error.future", when=local_text(moment, tz), now=local_text(now, tz))
    return Span(moment, moment, tuple(notes))


def _when(text: str, now: datetime, tz: ZoneInfo, notes: list[Message]) -> datetime:
    when = parse_when(text, now, tz)
    if when.note is not None:
        notes.append(when.note)
    return when.instant


def local_text(moment: datetime, tz: ZoneInfo) -> str:
    """A local time as shown in messages: 2025-10-01 23:40."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
