"""Mail (mbox, Maildir, .eml): messages the user sent, or got from given senders, as events."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple

from offline_tracker.domain.errors import Message
from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    RowError,
    accepted,
    casefold_set,
    dedupe,
    one_line,
    plus_minutes,
    read_file,
    reason,
    sha256_hex,
    to_utc,
)
from offline_tracker.formats.importers.datetimes import localize, parse_instant

ACCEPTED = accepted("mail")
# Reply prefixes of common clients, with ASCII or full-width colons (Outlook CN writes 答复：).
_REPLY = re.compile(r"^\s*(re|回复|答复)\s*(\[\d+\])?\s*[:：]", re.IGNORECASE)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
# GBK and GB2312 as their superset: mail clients label GB18030 text with either name.
_GB = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030"}
_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)


class RawMessage(NamedTuple):
    number: int
    label: str
    data: bytes


def _blank_before(data: bytes, i: int) -> bool:
    """Whether the line before the one starting at `i` (> 0) is blank (only a line end)."""
    previous_start = data.rfind(b"\n", 0, i - 1) + 1
    return not data[previous_start : i - 1].strip(b"\r")


def split_mbox(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number of the From_ line, raw message without it) for each message of an mbox.

    mboxo/mboxrd: a "From " line starts a message when it opens the file or follows a blank line;
    requiring the blank line keeps an unescaped "From " in a body from splitting it. One pass
    over the bytes, no list of lines: linear time, and memory for one message at a time.
    """
    starts = [
        m.start()
        for m in _FROM_LINE.finditer(data)
        if not m.start() or _blank_before(data, m.start())
    ]
    line, counted = 1, 0
    for n, begin in enumerate(starts):
        line += data.count(b"\n", counted, begin)
        counted = begin
        head_end = data.find(b"\n", begin)
        end = starts[n + 1] if n + 1 < len(starts) else len(data)
        body = data[head_end + 1 : end] if 0 <= head_end < end else b""
        yield line, _strip_separator_blank(body)


def _strip_separator_blank(body: bytes) -> bytes:
    """The message without the blank line that separates it from the next From_ line."""
    if body in (b"\n", b"\r\n"):
        return b""
    if body.endswith(b"\n\r\n"):
        return body[:-2]
    if body.endswith(b"\n\n"):
        return body[:-1]
    return body


def _looks_like_message(data: bytes) -> bool:
    return bool(_HEADER_LINE.match(data.lstrip(b"\r\n")[:1000]))


def _maildir_files(folder: Path) -> list[Path]:
    # tmp/ holds deliveries still being written; cur/ and new/ hold the mail.
    files = [p for sub in ("cur", "new") for p in sorted((folder / sub).glob("*"))]
    return [p for p in files if p.is_file() and not p.name.startswith(".")]


def read_messages(path: Path) -> Iterator[RawMessage]:
    """The raw messages found at `path`, numbered from 1 in file (or name) order, one by one."""
    if path.is_dir():
        if (path / "cur").is_dir() or (path / "new").is_dir():
            files = _maildir_files(path)
        else:
            files = sorted(p for p in path.glob("*.eml") if p.is_file())
            if not files:
                raise ImportFormatError(
                    "format.mail_empty_folder", path=str(path), accepted=ACCEPTED
                )
        return (
            RawMessage(n, str(f.relative_to(path)), read_file(f)) for n, f in enumerate(files, 1)
        )
    return messages_in_bytes(read_file(path), path.name)


def messages_in_bytes(data: bytes, name: str = "") -> Iterator[RawMessage]:
    """Split one file's bytes: an mbox (starts with "From ") or a single message."""
    if data.startswith(b"From "):
        return (
            RawMessage(n, f"{name} line {line}".strip(), raw)
            for n, (line, raw) in enumerate(split_mbox(data), 1)
        )
    if not data.strip():
        return iter(())
    if not _looks_like_message(data):
        raise ImportFormatError("format.not_mail", accepted=ACCEPTED)
    return iter((RawMessage(1, name, data),))


def _addresses(msg: EmailMessage, header: str) -> tuple[Address, ...]:
    value = msg[header]
    return tuple(getattr(value, "addresses", ())) if value is not None else ()


def _show(addresses: tuple[Address, ...]) -> str | None:
    shown = [str(a) for a in addresses if a.addr_spec and a.addr_spec != "<>"]
    return ", ".join(shown) or None


def _source_id(msg: EmailMessage, raw_sha: str) -> str:
    message_id = one_line(str(msg["Message-ID"] or "")).strip("<>")
    return f"mail:{message_id}" if message_id else f"mail:sha256:{raw_sha}"


def _direction(msg: EmailMessage, subject: str) -> str:
    answers = msg["In-Reply-To"] is not None or msg["References"] is not None
    return "replied" if answers or _REPLY.match(subject) else "initiated"


def _subject(msg: EmailMessage, data: bytes) -> str:
    """The Subject, its encoded words joined before decoding: Chinese clients split a GBK
    character between two `=?gbk?B?...?=` pieces, which decoded one by one give U+FFFD."""
    subject = str(msg["Subject"] or "")
    if "\ufffd" not in subject:
        return one_line(subject)
    from email.header import decode_header, make_header
    from email.parser import BytesHeaderParser

    raw = BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)["Subject"]
    try:
        pieces: list[tuple[bytes | str, str | None]] = []
        for piece, charset in decode_header(str(raw)):
            label = _GB.get((charset or "").lower(), charset)
            last = pieces[-1] if pieces else None
            # decode_header joins pieces of one charset; gbk next to gb2312 is one, too.
            if last and label and last[1] == label and isinstance(last[0], bytes):
                pieces[-1] = (last[0] + _as_bytes(piece), label)
            else:
                pieces.append((piece, label))
        return one_line(str(make_header(pieces)))
    except (LookupError, UnicodeError, ValueError):
        return one_line(subject)


def _as_bytes(piece: bytes | str) -> bytes:
    return piece if isinstance(piece, bytes) else piece.encode("ascii", "replace")


def _date(msg: EmailMessage, zone: tzinfo, name: str) -> tuple[datetime, Message | None]:
    """The Date as UTC, and a note when it had to be read as local time in `zone`.

    RFC 5322's -0000 means UTC with the sender's zone unknown; a Date without any zone, or in a
    non-standard form such as `2025-10-02 00:10:00`, is the sender's wall clock: the contract's.
    """
    header = msg["Date"]
    # The header as written: the parsed one shows a missing zone as -0000.
    text = one_line(next((str(v) for k, v in msg.raw_items() if k.lower() == "date"), ""))
    date = getattr(header, "datetime", None)
    if date is not None and date.tzinfo is not None:
        return to_utc(date), None
    if date is not None and re.search(r"-0000\s*(\(.*\))?$", text):
        return to_utc(date.replace(tzinfo=UTC)), None
    if not text:
        raise RowError("row.mail_no_date")
    try:
        start = localize(date, zone) if date is not None else parse_instant(text, zone)
    except (ValueError, OverflowError) as exc:
        raise RowError("row.mail_date_unreadable", reason=reason(exc)) from None
    return start, Message("row.mail_local_date", {"value": text, "zone": name})


def _record(
    raw: RawMessage, options: ImportOptions, me: frozenset[str], senders: frozenset[str]
) -> tuple[ImportedRecord, Message | None] | None:
    msg = email.message_from_bytes(raw.data, policy=email.policy.default)
    sender = _addresses(msg, "From")
    from_ = {a.addr_spec.casefold() for a in sender}
    if from_ & me:
        counterpart = _show(_addresses(msg, "To") or _addresses(msg, "Cc"))
        direction = None
    elif from_ & senders:
        counterpart, direction = _show(sender), "received"
    else:
        return None
    start, note = _date(msg, options.tz(), options.zone)
    subject = _subject(msg, raw.data)
    digest = sha256_hex(raw.data)
    record = ImportedRecord(
        _source_id(msg, digest),
        "event",
        start,
        plus_minutes(start, options.default_event_minutes),
        options.zone,
        subject,
        channel="email",
        counterpart=counterpart,
        direction=direction or _direction(msg, subject),
        attachment=(f"mail-{digest[:16]}.eml", raw.data),
        line=raw.number,
    )
    return record, note


def parse_messages(messages: Iterable[RawMessage], options: ImportOptions) -> ImportResult:
    """Messages from `options.me` become replied/initiated events, from `from_senders` received."""
    me, senders = casefold_set(options.me), casefold_set(options.from_senders)
    if not me and not senders:
        raise ImportFormatError("format.mail_me")
    records: list[ImportedRecord] = []
    problems: list[Problem] = []
    ignored = 0
    for raw in messages:
        try:
            record = _record(raw, options, me, senders)
        # The stdlib header parser still has crash bugs on hostile input (bpo-issues with
        # IndexError/AttributeError in address parsing); one bad message must not stop the rest.
        except Exception as exc:
            where = f" ({raw.label})" if raw.label else ""
            why = reason(exc)
            problems.append(
                Problem.row(raw.number, "row.mail_not_imported", where=where, reason=why)
            )
            continue
        if record is None:
            ignored += 1
            continue
        records.append(record[0])
        if record[1] is not None:
            problems.append(Problem(record[1].key, raw.number, record[1].params, "note"))
    return ImportResult(tuple(dedupe(records, problems, "message")), tuple(problems), ignored)


def parse_mail(path: Path, options: ImportOptions) -> ImportResult:
    """Read an mbox, a Maildir, an .eml file or a folder of .eml files."""
    return parse_messages(read_messages(path), options)
