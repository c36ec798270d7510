"""What an amendment changes: its times (under the rules of domain/spans) and its fields."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from offline_tracker.domain import facts, spans
from offline_tracker.domain.errors import InputError, Message
from offline_tracker.domain.records import Record, record_text
from offline_tracker.domain.timeparse import parse_duration

if TYPE_CHECKING:
    from offline_tracker.app.core import RecordInput

Times = tuple[datetime, datetime | None, tuple[Message, ...]]


def amended_times(current: Record, inp: RecordInput, tz: ZoneInfo, now: datetime) -> Times:
    """The start and end after the amendment, and the notes on how they were read."""
    if inp.until is not None and inp.minutes is not None:
        raise InputError("error.until_and_minutes")
    start = current.start
    notes: tuple[Message, ...] = ()
    if inp.at is not None:
        moved = spans.instant(inp.at, now, tz, allow_future=True)
        start, notes = moved.start, moved.notes
    end, typed_end = current.end, False
    if inp.until is not None:
        until = spans.instant(inp.until, now, tz, allow_future=True)
        end, typed_end, notes = until.start, True, notes + until.notes
    elif inp.minutes is not None:
        end = start + parse_duration(inp.minutes)
    elif inp.at is not None and current.end is not None:
        end = start + (current.end - current.start)  # moving a record keeps its length
    if end is not None:
        span = spans.bounded(start, end, typed_end, now, tz, inp.allow_future, notes)
        return start, span.end, span.notes
    if start > now and not inp.allow_future:
        local = spans.local_text
        raise InputError("error.future", when=local(start, tz), now=local(now, tz))
    return start, end, notes


def changed_fields(current: Record, inp: RecordInput) -> dict[str, Any]:
    """The descriptive fields (text, channel, ..., tags, emergency) that the amendment changes."""
    changes: dict[str, Any] = {}
    for name in facts.META_FIELDS:
        value = getattr(inp, name)
        if name == "text" and value is not None:
            value = record_text(value)
        if value is not None and value != getattr(current, name):
            changes[name] = value
    if inp.tags:
        changes["tags"] = list(dict.fromkeys(inp.tags))
    if inp.emergency is not None and inp.emergency != current.emergency:
        changes["emergency"] = inp.emergency
    return changes
