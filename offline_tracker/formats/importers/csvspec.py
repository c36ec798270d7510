"""The column mapping of a CSV import: `field=column`, joined columns, value maps, presets.

- `time=Start date+Start time`: columns joined by a space (tags: by a comma) before reading;
- `direction=IsSender:1=replied,0=received`: a value map (only for the vocabulary fields);
- `id=localId`: the row's own id becomes the source id (`csv:id:<value>`), so an edited row
  of a re-export is not a new record;
- presets (`toggl`, `clockify`): the mapping of a tool's detailed export, ready-made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from offline_tracker.domain.errors import Message
from offline_tracker.domain.records import CHANNELS, DIRECTIONS, KINDS, ROLES
from offline_tracker.formats.importers.base import ImportFormatError, decode_text, read_file

FIELDS = (
    "time",
    "end",
    "minutes",
    "text",
    "counterpart",
    "channel",
    "role",
    "direction",
    "kind",
    "tags",
    "id",
)
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "role": ROLES,
    "direction": DIRECTIONS,
    "kind": KINDS,
}
# The detailed CSV exports of other time trackers (Toggl Track: Reports > Detailed > Export CSV;
# Clockify: Reports > Detailed > Export > CSV). Both write separate start and end dates and times.
PRESETS: dict[str, dict[str, str]] = {
    "toggl": {
        "time": "Start date+Start time",
        "end": "End date+End time",
        "text": "Description",
        "tags": "Tags+Project",
    },
    "clockify": {
        "time": "Start Date+Start Time",
        "end": "End Date+End Time",
        "text": "Description",
        "tags": "Tags+Project",
    },
}
# Clockify writes its users' date and time settings; these are its defaults, tried in order
# after the common forms (--date-format overrides).
PRESET_FORMATS: dict[str, tuple[str, ...]] = {
    "clockify": (
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
    ),
}
_VALUE_MAP = re.compile(r"([^=,]+=[^,]*)(,[^=,]+=[^,]*)*")


class Column(NamedTuple):
    """What one field reads: one or more columns (joined), and an optional value map."""

    parts: tuple[str, ...]
    values: dict[str, str] | None = None

    def joiner(self, key: str) -> str:
        return "," if key == "tags" else " "


def _value_map(key: str, spec: str) -> tuple[str, dict[str, str] | None]:
    """`IsSender:1=replied,0=received` as ("IsSender", {"1": "replied", "0": "received"})."""
    column, sep, rest = spec.partition(":")
    if not sep or not _VALUE_MAP.fullmatch(rest.strip()):
        return spec, None
    if key not in VOCABULARIES:
        raise ImportFormatError(
            "format.value_map_field", accepted=", ".join(VOCABULARIES), field=key
        )
    values: dict[str, str] = {}
    for pair in rest.split(","):
        value, _, word = pair.partition("=")
        word = word.strip().casefold()
        if word not in VOCABULARIES[key]:
            accepted = ", ".join(VOCABULARIES[key])
            raise ImportFormatError(
                "format.value_map_word", field=key, word=word, accepted=accepted
            )
        values[value.strip()] = word
    return column, values


def column_of(key: str, spec: str) -> Column:
    column, values = _value_map(key, spec)
    parts = tuple(p.strip() for p in column.split("+")) if "+" in column else (column.strip(),)
    return Column(parts, values)


def check_mapping(given: Mapping[str, str]) -> dict[str, str]:
    """The mapping, or one ImportFormatError naming every unknown key or missing piece."""
    mapping = {key.strip().lower(): column for key, column in given.items()}
    unknown = sorted(k for k in mapping if k not in FIELDS)
    if unknown:
        raise ImportFormatError(
            "format.mapping_keys", keys=", ".join(map(repr, unknown)), accepted=", ".join(FIELDS)
        )
    empty = sorted(k for k, column in mapping.items() if not column.strip())
    if empty:
        raise ImportFormatError("format.mapping_empty", field=empty[0])
    if "time" not in mapping:
        raise ImportFormatError("format.mapping_time")
    if "end" in mapping and "minutes" in mapping:
        raise ImportFormatError("format.mapping_end_minutes")
    for key, spec in mapping.items():
        column_of(key, spec)  # a bad value map is refused here, once
    return {k: v.strip() for k, v in mapping.items()}


def _pairs(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    last = ""
    for item in items:
        key, sep, column = item.partition("=")
        key = key.strip().lower()
        # `direction=IsSender:1=replied,0=received` was split at its commas: "0=received"
        # continues the value map before it.
        if last and key not in FIELDS and ":" in mapping[last]:
            mapping[last] += "," + item
            continue
        if not sep or not key:
            raise ImportFormatError("format.mapping_item", item=item.strip())
        if key in mapping:
            raise ImportFormatError("format.mapping_twice", field=key)
        mapping[key], last = column, key
    return check_mapping(mapping)


def parse_mapping(spec: str) -> dict[str, str]:
    """`--map time=发送时间,text=内容,counterpart=发送人` as {field: column}."""
    return _pairs([item for item in spec.split(",") if item.strip()])


def parse_mapping_lines(text: str) -> dict[str, str]:
    """A mapping file: one key=column a line; blank lines and lines starting with # ignored."""
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return _pairs(lines)


def load_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file (UTF-8 or GB18030)."""
    try:
        data = read_file(path)
    except ImportFormatError as exc:
        raise ImportFormatError("format.mapping_file", reason=exc.message) from None
    return parse_mapping_lines(decode_text(data, Message("accepted.mapping")))


def parse_where(items: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`--where Type=1` (repeatable; every one must hold) as (column, value) pairs."""
    found = []
    for item in items:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise ImportFormatError("format.where", item=item)
        found.append((column.strip(), value.strip()))
    return tuple(found)
