"""Importers: evidence files from other tools (mail, calendars, git, CSV, trackers) as values.

`parse(source, path, options)` reads a file and returns an `ImportResult`; nothing here touches
the database or the terminal. A file that cannot be read at all raises `ImportFormatError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from offline_tracker.formats.importers.base import (
    ChatSummary,
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    read_file,
)
from offline_tracker.formats.importers.csvmap import parse_csv
from offline_tracker.formats.importers.csvspec import (
    PRESET_FORMATS,
    PRESETS,
    load_mapping,
    parse_mapping,
    parse_mapping_lines,
    parse_where,
)
from offline_tracker.formats.importers.git import GIT_LOG_FORMAT, git_log_argv, parse_git_log
from offline_tracker.formats.importers.timew import parse_timew
from offline_tracker.formats.importers.watson import parse_watson

SOURCES = (
    "mail",
    "ics",
    "git",
    "csv",
    "watson",
    "timewarrior",
    "wechat",
    "phone",
    "activitywatch",
)

_BYTE_PARSERS: dict[str, Callable[[bytes, ImportOptions], ImportResult]] = {
    "git": parse_git_log,
    "csv": parse_csv,
    "watson": parse_watson,
    "timewarrior": parse_timew,
}

__all__ = [
    "GIT_LOG_FORMAT",
    "PRESETS",
    "PRESET_FORMATS",
    "SOURCES",
    "ChatSummary",
    "ImportFormatError",
    "ImportOptions",
    "ImportResult",
    "ImportedRecord",
    "Problem",
    "git_log_argv",
    "load_mapping",
    "parse",
    "parse_data",
    "parse_mapping",
    "parse_mapping_lines",
    "parse_where",
]


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise ImportFormatError("format.source", value=source, accepted=", ".join(SOURCES))


def parse_data(source: str, data: bytes, options: ImportOptions, name: str = "") -> ImportResult:
    """Parse one file's bytes (for git: the output of `git_log_argv()`)."""
    _check_source(source)
    options.check()
    if source == "mail":
        from offline_tracker.formats.importers.mail import messages_in_bytes, parse_messages

        return parse_messages(messages_in_bytes(data, name), options)
    return _byte_parser(source)(data, options)


def parse(source: str, path: Path | str, options: ImportOptions) -> ImportResult:
    """Read `path` (a file; for mail also a Maildir or a folder of .eml) as `source`."""
    _check_source(source)
    options.check()
    path = Path(path)
    if source == "mail":
        from offline_tracker.formats.importers.mail import parse_mail

        return parse_mail(path, options)
    if path.is_dir():
        raise ImportFormatError("format.folder", path=str(path), source=source)
    data = read_file(path)
    return _byte_parser(source)(data, replace(options, source_name=path.name))


def _byte_parser(source: str) -> Callable[[bytes, ImportOptions], ImportResult]:
    # The mail and calendar parsers load the email package and dateutil's rrule (~20 ms):
    # only for those sources (`ot import watson` of 20k frames has a budget of one second).
    if source == "ics":
        from offline_tracker.formats.importers.ics import parse_ics

        return parse_ics
    if source == "wechat":
        from offline_tracker.formats.importers.wechat import parse_wechat

        return parse_wechat
    if source == "activitywatch":
        from offline_tracker.formats.importers.activitywatch import parse_activitywatch

        return parse_activitywatch
    if source == "phone":
        from offline_tracker.formats.importers.phone import parse_phone

        return parse_phone
    return _BYTE_PARSERS[source]
