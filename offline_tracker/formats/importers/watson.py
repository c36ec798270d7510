"""Watson's `frames` file: a JSON list of [start, stop, project, id, tags, updated_at] lists."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import msgspec

from offline_tracker.domain.errors import Message
from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    RowError,
    accepted,
    dedupe,
)

ACCEPTED = accepted("watson")


def load_json_list(data: bytes, expected: Message) -> list[object]:
    """The top-level JSON list of a tracker export, or ImportFormatError naming what is accepted."""
    value = load_json(data, expected)
    if not isinstance(value, list):
        raise ImportFormatError("format.json_not_list", accepted=expected)
    return value


def load_json(data: bytes, expected: Message) -> object:
    """A JSON document, or ImportFormatError naming what is accepted (too deep is one, too).

    msgspec reads the common case (UTF-8, plain JSON) 3x faster; anything it refuses goes to
    the standard library, which decides, and words the error (line and column).
    """
    try:
        value = msgspec.json.decode(data)
    except RecursionError:
        raise ImportFormatError("format.json_deep", accepted=expected) from None
    except (msgspec.MsgspecError, ValueError, OverflowError):
        value = _standard_json(data, expected)
    return value


def _standard_json(data: bytes, expected: Message) -> object:
    try:
        return json.loads(data)
    except RecursionError:
        raise ImportFormatError("format.json_deep", accepted=expected) from None
    except ValueError as exc:
        raise ImportFormatError("format.json_invalid", detail=str(exc), accepted=expected) from None


def _stamp(value: object) -> datetime:
    # bool is an int subclass; a frame with `true` for a time is broken, not 1970.
    if type(value) is not int and type(value) is not float:
        raise RowError("row.watson_time", value=value)
    return datetime.fromtimestamp(int(value), UTC)


def _frame(frame: object, number: int, zone: str) -> ImportedRecord:
    if not isinstance(frame, list) or len(frame) < 4:
        raise RowError("row.watson_shape")
    start_ts, stop_ts, project, frame_id = frame[0], frame[1], frame[2], frame[3]
    tags = frame[4] if len(frame) > 4 and frame[4] is not None else []
    if stop_ts is None:
        raise RowError("row.watson_no_stop")
    start, stop = _stamp(start_ts), _stamp(stop_ts)
    if stop < start:
        raise RowError("row.ends_before")
    if not isinstance(frame_id, str) or not frame_id:
        raise RowError("row.watson_no_id")
    if not isinstance(project, str):
        raise RowError("row.watson_project")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise RowError("row.tags_not_text")
    return ImportedRecord(
        "watson:" + frame_id, "session", start, stop, zone, project, tags=tuple(tags), line=number
    )


def parse_watson(data: bytes, options: ImportOptions) -> ImportResult:
    """Frames become sessions: project as text, tags as tags, `watson:<frame id>` as source id.

    `line` is the frame's position in the list (1-based); the file is indented JSON, so a
    physical line number would say nothing.
    """
    frames = load_json_list(data, ACCEPTED)
    zone = options.zone
    records: list[ImportedRecord] = []
    problems: list[Problem] = []
    for number, frame in enumerate(frames, 1):
        try:
            records.append(_frame(frame, number, zone))
        except (ValueError, OverflowError, OSError) as exc:
            problems.append(Problem.of(number, exc))
    return ImportResult(tuple(dedupe(records, problems, "frame")), tuple(problems))
