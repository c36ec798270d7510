"""git commits by the user as events, read from `git log` output in a fixed format."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from offline_tracker.domain.errors import Message
from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    RowError,
    casefold_set,
    dedupe,
    one_line,
    plus_minutes,
    to_utc,
)

# One commit per record: full hash, author date (strict ISO 8601), author email, subject;
# fields end with US (0x1f), records with RS (0x1e), which never occur in those fields.
GIT_LOG_FORMAT = "%H%x1f%aI%x1f%ae%x1f%s%x1e"
ACCEPTED = Message("accepted.git", {"format": GIT_LOG_FORMAT})


def git_log_argv(repository: str | Path | None = None) -> list[str]:
    """The command whose output `parse_git_log` reads; the app runs it (no shell)."""
    where = ["-C", str(repository)] if repository is not None else []
    return ["git", *where, "log", "--all", "--no-color", f"--format={GIT_LOG_FORMAT}"]


def _commit(
    entry: str, number: int, authors: frozenset[str], options: ImportOptions
) -> ImportedRecord | None:
    fields = entry.split("\x1f", 3)
    if len(fields) != 4:
        raise RowError("row.git_line")
    sha, when, email, subject = fields
    if len(sha) < 40 or not all(c in "0123456789abcdef" for c in sha):
        raise RowError("row.git_hash", value=sha[:50])
    if email.strip().casefold() not in authors:
        return None
    moment = datetime.fromisoformat(when.strip())
    if moment.tzinfo is None:
        raise RowError("row.git_offset", value=when)
    start = to_utc(moment)
    return ImportedRecord(
        f"git:{sha}",
        "event",
        start,
        plus_minutes(start, options.minutes),
        options.zone,
        one_line(subject),
        kind="deliverable",
        line=number,
    )


def parse_git_log(data: bytes | str, options: ImportOptions) -> ImportResult:
    """Commits by `options.author` become `minutes`-long events; source id `git:<full hash>`.

    `line` is the commit's position in the log (1-based). Commits by others count as ignored.
    """
    authors = casefold_set(options.author)
    if not authors:
        raise ImportFormatError("format.git_author")
    # git writes log output in UTF-8 (i18n.logOutputEncoding); a stray byte spoils one subject.
    text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    if text.strip() and "\x1e" not in text:
        raise ImportFormatError("format.git_none", accepted=ACCEPTED)
    records: list[ImportedRecord] = []
    problems: list[Problem] = []
    ignored = 0
    entries = [e.strip("\r\n") for e in text.split("\x1e")]
    for number, entry in enumerate((e for e in entries if e), 1):
        try:
            record = _commit(entry, number, authors, options)
        except (ValueError, OverflowError) as exc:  # OverflowError: a date near year 9999
            problems.append(Problem.of(number, exc))
            continue
        if record is None:
            ignored += 1
        else:
            records.append(record)
    return ImportResult(tuple(dedupe(records, problems, "commit")), tuple(problems), ignored)
