"""Timewarrior's `timew export`: a JSON list of {"id", "start", "end", "tags", "annotation"}."""

from __future__ import annotations

from datetime import UTC, datetime

from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportOptions,
    ImportResult,
    Problem,
    RowError,
    accepted,
    dedupe,
    to_utc,
)
from offline_tracker.formats.importers.datetimes import aware_iso
from offline_tracker.formats.importers.watson import load_json_list

ACCEPTED = accepted("timew")


def _instant(value: object) -> datetime:
    instant = aware_iso(value, "row.timew_time", "row.timew_zone")
    return instant if instant.tzinfo is UTC and not instant.microsecond else to_utc(instant)


def _interval(item: object, number: int, zone: str) -> ImportedRecord:
    if not isinstance(item, dict):
        raise RowError("row.timew_not_object")
    raw_start = item.get("start")
    start = _instant(raw_start)
    end = _instant(item["end"]) if item.get("end") is not None else None
    if end is not None and end < start:
        raise RowError("row.ends_before")
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise RowError("row.tags_not_text")
    annotation = item.get("annotation") or ""
    if not isinstance(annotation, str):
        raise RowError("row.annotation_not_text")
    return ImportedRecord(
        f"timew:{raw_start}", "session", start, end, zone, annotation, tags=tuple(tags), line=number
    )


def parse_timew(data: bytes, options: ImportOptions) -> ImportResult:
    """Intervals become sessions: tags as tags, annotation as text, `timew:<start>` as source id.

    An open interval (no "end") gives a session with `end=None`. timew's "id" is positional
    (it changes as intervals are added), so it is not used; `line` is the 1-based position.
    """
    items = load_json_list(data, ACCEPTED)
    zone = options.zone
    records: list[ImportedRecord] = []
    problems: list[Problem] = []
    for number, item in enumerate(items, 1):
        try:
            records.append(_interval(item, number, zone))
        except (ValueError, OverflowError) as exc:
            problems.append(Problem.of(number, exc))
    return ImportResult(tuple(dedupe(records, problems, "interval")), tuple(problems))
