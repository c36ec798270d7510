"""From `ot import` options to parsed records: option checks, importer options, git, parsing."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from offline_tracker.domain.errors import Failure, InputError
from offline_tracker.domain.timeline import day_start
from offline_tracker.domain.timeparse import parse_date, parse_duration, zone
from offline_tracker.formats import importers
from offline_tracker.formats.importers import ImportFormatError, ImportOptions
from offline_tracker.formats.importers.base import (
    ACK_WORDS,
    DEFAULT_GAP_MINUTES,
    DEFAULT_GIT_MINUTES,
    DEFAULT_TAIL_MINUTES,
)
from offline_tracker.i18n import t

# What the line number of a problem counts, per source (docs/import.md).
UNITS = {
    "mail": "message",
    "ics": "line",
    "git": "commit",
    "csv": "line",
    "watson": "frame",
    "timewarrior": "interval",
    "wechat": "chat_message",
    "phone": "chat_message",
    "activitywatch": "event",
}
# Sources whose file is kept whole in the evidence store, each record naming its items in it.
WHOLE_FILE = frozenset({"wechat", "phone", "activitywatch"})
_CHATS = ("wechat", "phone")
# Options that only one or two sources read; giving one to another source is a mistake.
_ONLY_FOR = {
    "me": ("--me", ("mail", "ics")),
    "from_senders": ("--from-sender", ("mail",)),
    "author": ("--author", ("git",)),
    "minutes": ("--minutes", ("git",)),
    "mapping": ("--map", ("csv",)),
    "map_file": ("--map-file", ("csv",)),
    "date_format": ("--date-format", ("csv",)),
    "channel": ("--channel", ("csv",)),
    "preset": ("--preset", ("csv",)),
    "where": ("--where", ("csv",)),
    "date_from": ("--from", ("ics",)),
    "date_to": ("--to", ("ics",)),
    "chats": ("--chat", _CHATS),
    "list_chats": ("--list-chats", _CHATS),
    "gap": ("--gap", _CHATS),
    "tail": ("--tail", _CHATS),
    "ack_words": ("--ack", _CHATS),
    "chat_format": ("--format", ("wechat",)),
    "apps": ("--app", ("activitywatch",)),
    "titles": ("--title", ("activitywatch",)),
}


@dataclass(frozen=True)
class ImportRequest:
    """What the user asked for; option values are still text, checked here."""

    source: str
    path: Path
    dry_run: bool = False
    strict: bool = False
    me: tuple[str, ...] = ()
    from_senders: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    minutes: str | None = None
    mapping: str | None = None
    map_file: Path | None = None
    date_format: str | None = None
    zone: str | None = None
    channel: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    chats: tuple[str, ...] = ()
    list_chats: bool = False
    gap: str | None = None
    tail: str | None = None
    ack_words: tuple[str, ...] = ()
    chat_format: str | None = None
    apps: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    preset: str | None = None
    where: tuple[str, ...] = ()


def check_request(req: ImportRequest) -> None:
    """Refuse options the source does not read, a missing mapping, a path that is not there."""
    if req.source not in UNITS:
        raise InputError("error.import_source", value=req.source, accepted=", ".join(UNITS))
    for name, (option, sources) in _ONLY_FOR.items():
        if getattr(req, name) and req.source not in sources:
            raise InputError(
                "error.import_option", option=option, source=req.source, sources=", ".join(sources)
            )
    if sum(1 for given in (req.mapping, req.map_file, req.preset) if given) > 1:
        raise InputError("error.import_map_twice")
    if req.source == "csv" and not (req.mapping or req.map_file or req.preset):
        raise InputError("error.import_map_needed")
    if req.source in _CHATS and not (req.chats or req.list_chats):
        raise InputError("error.import_chat_needed", source=req.source)
    if req.chats and req.list_chats:
        raise InputError("error.import_list_chats_alone")
    if not req.path.exists():
        raise InputError("error.import_no_path", path=str(req.path))


def _options(req: ImportRequest, tz: ZoneInfo, today: date, now: datetime) -> ImportOptions:
    """ImportOptions from the request; times without an offset are in the contract's zone."""
    where = zone(req.zone) if req.zone else tz
    window_from, window_to = _window(req, tz, today)
    gap = _minutes(req.gap) if req.gap else DEFAULT_GAP_MINUTES
    tail = _minutes(req.tail) if req.tail else DEFAULT_TAIL_MINUTES
    options = ImportOptions(
        zone=where.key,
        me=req.me,
        from_senders=req.from_senders,
        author=req.author,
        minutes=_whole_minutes(req.minutes) if req.minutes else DEFAULT_GIT_MINUTES,
        mapping=_mapping(req),
        date_format=req.date_format,
        date_formats=importers.PRESET_FORMATS.get(req.preset or "", ()),
        channel=req.channel.lower() if req.channel else None,
        window_from=window_from,
        window_to=window_to,
        chats=req.chats,
        list_chats=req.list_chats,
        ack_words=(*ACK_WORDS, *req.ack_words),
        chat_format=req.chat_format.lower() if req.chat_format else None,
        not_after=now,
        where=_where(req),
        apps=req.apps,
        titles=req.titles,
        gap_minutes=gap,
        tail_minutes=tail,
    )
    try:
        options.check()
    except ImportFormatError as exc:
        raise InputError("error.import_options", reason=exc.message) from None
    return options


def _window(req: ImportRequest, tz: ZoneInfo, today: date) -> tuple[datetime, datetime]:
    """The ics expansion window: local dates --from..--to inclusive (default: a year to today)."""
    first = parse_date(req.date_from, today) if req.date_from else _year_before(today)
    last = parse_date(req.date_to, today) if req.date_to else today
    if last < first:
        raise InputError("error.range_reversed", first=first, last=last)
    return day_start(first, tz), day_start(last + timedelta(days=1), tz)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _whole_minutes(text: str) -> int:
    return max(1, round(parse_duration(text).total_seconds() / 60))


def _minutes(text: str) -> float:
    return parse_duration(text).total_seconds() / 60


def _mapping(req: ImportRequest) -> dict[str, str]:
    if req.preset:
        return dict(importers.PRESETS[req.preset])
    try:
        if req.map_file is not None:
            return importers.load_mapping(req.map_file)
        return importers.parse_mapping(req.mapping) if req.mapping else {}
    except ImportFormatError as exc:
        raise InputError("error.import_options", reason=exc.message) from None


def _where(req: ImportRequest) -> tuple[tuple[str, str], ...]:
    try:
        return importers.parse_where(req.where)
    except ImportFormatError as exc:
        raise InputError("error.import_options", reason=exc.message) from None


def parse_request(
    req: ImportRequest, tz: ZoneInfo, today: date, now: datetime
) -> importers.ImportResult:
    """Read the file (for a git repository: run git log) into records and problems."""
    options = _options(req, tz, today, now)
    try:
        if req.source == "git" and req.path.is_dir():
            return importers.parse_data("git", git_log(req.path), options)
        return importers.parse(req.source, req.path, options)
    except ImportFormatError as exc:
        raise InputError(
            "error.import_file", source=req.source, path=str(req.path), reason=exc.message
        ) from None


def git_log(repository: Path) -> bytes:
    """The output of `git log` in the format the git importer reads; run without a shell."""
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            importers.git_log_argv(repository), capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise Failure(t("error.import_git_missing")) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        text = reason[-1] if reason else f"exit {done.returncode}"
        if "not a git repository" in text.lower():
            raise InputError("error.import_not_repo", path=str(repository))
        raise Failure(t("error.import_git_failed", path=str(repository), reason=text))
    return done.stdout
