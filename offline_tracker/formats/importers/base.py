"""Values shared by the importers: imported records, problems, options and small helpers."""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from offline_tracker.domain.errors import Message, os_reason
from offline_tracker.domain.records import CHANNELS

# error: not imported (rejected); skipped: left out on purpose; note: imported, with a remark.
Severity = Literal["error", "skipped", "note"]
RecordType = Literal["event", "session"]

DEFAULT_EVENT_MINUTES = 5
DEFAULT_GIT_MINUTES = 10
DEFAULT_GAP_MINUTES = 10
DEFAULT_TAIL_MINUTES = 2
# RULES E1: a burst in which the worker only wrote one of these is an acknowledgement.
ACK_WORDS = ("收到", "好的", "好", "ok", "嗯", "👌", "嗯嗯", "好的收到", "收到收到", "okay", "👍")


class _Keyed(ValueError):
    """An error whose text is a message key and its values, put in the user's language by the
    app (the formats layer has no i18n); a library's own text goes in a value, never alone."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.message = Message(key, dict(params))

    def __str__(self) -> str:
        return f"{self.message.key} {self.message.params}"


class ImportFormatError(_Keyed):
    """A file (or an option) that cannot be read at all: one sentence (locales: format.*)."""


class ImportedRecord(NamedTuple):
    """One record read from an outside source, ready for the app to dedupe and store.

    `start`/`end` are aware UTC instants to the second (RULES T1); `end` is None only for an
    interval that is still running. `line` is the line, message or frame number it came from.
    A NamedTuple, not a frozen dataclass: as immutable, and 4x cheaper to build, which is what
    lets a 200k-frame Watson file parse in about a second.
    """

    source_id: str
    type: RecordType
    start: datetime
    end: datetime | None
    zone: str
    text: str = ""
    channel: str | None = None
    counterpart: str | None = None
    role: str | None = None
    direction: str | None = None
    kind: str | None = None
    tags: tuple[str, ...] = ()
    attachment: tuple[str, bytes] | None = None
    line: int = 0
    # Provenance: the ids of the messages (rows, calls, events) in the source file behind it.
    items: tuple[str, ...] = ()


class RowError(_Keyed):
    """A row (message, frame, event) that cannot be imported (locales: row.*)."""


def reason(exc: Exception) -> Message:
    """What went wrong, to put in another message: a RowError's (or ImportFormatError's)
    message, else the exception's own text (a library's, which has no translation) in quotes."""
    if isinstance(exc, _Keyed):
        return exc.message
    return Message("row.quoted", {"text": str(exc)})


def accepted(source: str) -> Message:
    """What a source accepts, in the user's language (locales: accepted.<source>)."""
    return Message(f"accepted.{source}")


@dataclass(frozen=True, slots=True)
class Problem:
    """A row or message that was not imported (`error`), left out on purpose (`skipped`), or
    imported with a remark (`note`); `message` is a key of the locales and its values."""

    line: int | None
    message: Message
    severity: Severity = "error"

    @staticmethod
    def of(line: int | None, exc: Exception, severity: Severity = "error") -> Problem:
        return Problem(line, _as_message(reason(exc)), severity)

    @staticmethod
    def row(line: int | None, key: str, severity: Severity = "error", **params: object) -> Problem:
        return Problem(line, Message(key, dict(params)), severity)


def _as_message(found: Message) -> Message:
    # A library's text alone is wrapped in a sentence of ours ("cannot read it (“...”)").
    return Message("row.other", found.params) if found.key == "row.quoted" else found


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one file gave: records, problems, and how many items were out of scope (`ignored`)."""

    records: tuple[ImportedRecord, ...]
    problems: tuple[Problem, ...] = ()
    ignored: int = 0
    # Chat and phone sources with `list_chats`: every chat (or contact) of the file, no records.
    chats: tuple[ChatSummary, ...] = ()


@dataclass(frozen=True, slots=True)
class ChatSummary:
    """One chat (or phone contact) of an export, for `--list-chats`."""

    chat: str
    name: str
    group: bool
    times: tuple[datetime, ...]


@dataclass(frozen=True)
class ImportOptions:
    """Everything an importer may need; each source reads only the fields it uses.

    `zone` is the IANA zone recorded with every record and used for times without an offset
    (take it from the contract in force). `window_from`/`window_to` bound the ics expansion.
    """

    zone: str = "UTC"
    me: tuple[str, ...] = ()
    from_senders: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    minutes: int = DEFAULT_GIT_MINUTES
    default_event_minutes: int = DEFAULT_EVENT_MINUTES
    mapping: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    # csv: more strptime formats tried after the common forms (a preset's), and row filters.
    date_formats: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    channel: str | None = None
    window_from: datetime | None = None
    window_to: datetime | None = None
    # Chat and phone sources: the chats chosen (ids or names), bursts, acknowledgements.
    chats: tuple[str, ...] = ()
    list_chats: bool = False
    gap_minutes: float = DEFAULT_GAP_MINUTES
    tail_minutes: float = DEFAULT_TAIL_MINUTES
    ack_words: tuple[str, ...] = ACK_WORDS
    chat_format: str | None = None
    # Now: rows after it are refused, and no burst is stretched past it.
    not_after: datetime | None = None
    # activitywatch: more work apps (by name), and window titles to keep (any of them).
    apps: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    # The file's name (WeChatMsg names a one-chat export after the chat).
    source_name: str = ""

    def tz(self) -> tzinfo:
        """The zone as a tzinfo; raises ImportFormatError for a name that is not an IANA zone."""
        zone = find_zone(self.zone)
        if zone is None:
            raise ImportFormatError("format.zone", value=self.zone)
        return zone

    def check(self) -> None:
        """Refuse options no importer could use, with one clear sentence."""
        self.tz()
        if self.channel is not None and self.channel not in CHANNELS:
            raise ImportFormatError(
                "format.channel", value=self.channel, accepted=", ".join(CHANNELS)
            )
        for name in ("minutes", "default_event_minutes", "gap_minutes", "tail_minutes"):
            value = getattr(self, name)
            if not 0 <= value <= 24 * 60:
                raise ImportFormatError("format.minutes_range", name=name, value=value)
        if self.date_format is not None:
            check_date_format(self.date_format)
        for bound in (self.window_from, self.window_to):
            if bound is not None and bound.tzinfo is None:
                raise ImportFormatError("format.naive_window")


def check_date_format(date_format: str) -> None:
    """Refuse a strptime format that could never match (a bad or stray % directive)."""
    try:
        datetime.strptime("", date_format)
    except ValueError as exc:
        if str(exc).startswith("time data"):
            return  # a good format that does not match the empty string
        raise ImportFormatError("format.date_format", value=date_format, detail=str(exc)) from None
    except re.error as exc:
        raise ImportFormatError("format.date_format", value=date_format, detail=str(exc)) from None


def find_zone(name: str) -> tzinfo | None:
    """The IANA zone called `name`, or None when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return None


def to_utc(dt: datetime) -> datetime:
    """An aware datetime as UTC, to the second (the ledger's resolution, RULES T1)."""
    return dt.astimezone(UTC).replace(microsecond=0)


def plus_minutes(start: datetime, minutes: float) -> datetime:
    """`start` plus a number of minutes, to the second."""
    return start + timedelta(seconds=round(minutes * 60))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Collapse runs of whitespace (folded headers, newlines) to single spaces."""
    return _SPACES.sub(" ", text).strip()


def casefold_set(addresses: tuple[str, ...]) -> frozenset[str]:
    return frozenset(a.strip().casefold() for a in addresses if a.strip())


def dedupe(
    records: list[ImportedRecord], problems: list[Problem], unit: str = "line"
) -> list[ImportedRecord]:
    """Keep the first record of each source id; report later ones as skipped duplicates."""
    first: dict[str, int] = {}
    kept: list[ImportedRecord] = []
    for rec in records:
        if rec.source_id in first:
            where = Message(f"import.at.{unit}", {"n": first[rec.source_id]})
            problems.append(Problem.row(rec.line, "row.duplicate", "skipped", where=where))
            continue
        first[rec.source_id] = rec.line
        kept.append(rec)
    return kept


def read_file(path: Path) -> bytes:
    """A regular file's bytes; a device, FIFO or socket is refused before it is opened (reading
    /dev/zero would never end, opening a FIFO would wait for a writer)."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ImportFormatError("format.not_regular", path=str(path))
        return path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(
            "format.unreadable", path=str(path), detail=os_reason(exc)
        ) from None


def decode_text(data: bytes, expected: Message) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (Chinese Windows)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError("format.encoding", accepted=expected)
