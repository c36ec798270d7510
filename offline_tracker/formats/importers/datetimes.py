"""Date-time text as chat and tool exports write it, read into aware UTC instants."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from offline_tracker.domain.timewords import wall_time
from offline_tracker.formats.importers.base import RowError, reason, to_utc

_DATE_ONLY = re.compile(r"\d{4}-?\d{2}-?\d{2}")
_EPOCH = re.compile(r"\d{10}(?:\.\d+)?|\d{13}")


def localize(naive: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in `zone` as UTC; refuses a time that a DST change skips."""
    aware = naive.replace(tzinfo=zone)
    instant = aware.astimezone(UTC)
    # A repeated hour (fold) takes its first occurrence, as clocks read before the change.
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        raise RowError("row.dst_gap", time=f"{naive:%Y-%m-%d %H:%M}", zone=str(zone))
    return instant.replace(microsecond=0)


def _detect(text: str) -> datetime:
    if _EPOCH.fullmatch(text):
        seconds = int(text) / 1000 if len(text) == 13 else float(text)
        return datetime.fromtimestamp(int(seconds), UTC)
    if _DATE_ONLY.fullmatch(text):
        raise RowError("row.date_only", value=text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    # 2025/10/1 23:40:05, 2025年10月1日 23时40分, ...: the grammar of --at (domain/timewords)
    found = wall_time(text)
    if found is None:
        raise RowError("row.time_unreadable", value=text)
    y, mo, d, h, mi, s = found
    if h is None:
        raise RowError("row.date_only", value=text)
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError as exc:
        raise RowError("row.time_invalid", value=text, reason=reason(exc)) from None


def parse_instant(text: str, zone: tzinfo, date_format: str | None = None) -> datetime:
    """`text` as an aware UTC instant to the second; times without an offset are in `zone`."""
    text = text.strip()
    if not text:
        raise RowError("row.empty")
    if date_format:
        try:
            moment = datetime.strptime(text, date_format)
        except (ValueError, re.error):
            raise RowError("row.format_mismatch", value=text, format=date_format) from None
    else:
        moment = _detect(text)
    return to_utc(moment) if moment.tzinfo is not None else localize(moment, zone)


def aware_iso(value: object, bad: str, no_zone: str) -> datetime:
    """An ISO 8601 text with an offset (trackers write UTC), as an aware datetime; RowError
    `bad` for anything else, `no_zone` for a time without an offset. fromisoformat reads the
    basic form (20251001T150000Z) since Python 3.11, in C: strptime would be 20x slower."""
    if not isinstance(value, str):
        raise RowError(bad, value=value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(bad, value=value) from None
    if moment.tzinfo is None:
        raise RowError(no_zone, value=value)
    return moment
