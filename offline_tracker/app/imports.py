"""Importing evidence files (`ot import`): parse, screen, dedupe, and write one batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from offline_tracker.app.import_sources import (
    UNITS,
    WHOLE_FILE,
    ImportRequest,
    check_request,
    parse_request,
)
from offline_tracker.domain import facts
from offline_tracker.domain.errors import Message
from offline_tracker.domain.records import Record
from offline_tracker.formats import importers
from offline_tracker.formats.importers import ImportedRecord
from offline_tracker.ledger.canonical import Stamp
from offline_tracker.storage import batch, queries
from offline_tracker.storage.db import Tx

if TYPE_CHECKING:
    from offline_tracker.app.core import App

__all__ = ["ImportReport", "ImportRequest", "Issue", "Preview", "run_import"]

Progress = Callable[[int, int], None]
# Entries per append_many call: the head is read once per chunk, progress moves between chunks.
CHUNK = 2000


@dataclass(frozen=True)
class Issue:
    """A row that was not imported: `error` (bad or refused) or `skipped` (left out on purpose)."""

    line: int | None
    severity: str
    message: Message


@dataclass(frozen=True)
class Preview:
    """A record a dry run would add, with its classification (None while running)."""

    record: Record
    breakdown: Any
    items: int = 0  # chat and phone sources: the messages behind the record


@dataclass
class Plan:
    """What one batch does against the ledger as it is now."""

    new: list[ImportedRecord] = field(default_factory=list)
    stops: list[tuple[Record, datetime]] = field(default_factory=list)
    duplicate: int = 0
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    source: str
    path: str
    zone: ZoneInfo
    now: datetime
    dry_run: bool
    strict: bool
    written: bool
    added: int
    stopped: int
    duplicate: int
    ignored: int
    issues: tuple[Issue, ...]
    previews: tuple[Preview, ...] = ()

    @property
    def unit(self) -> str:
        return UNITS[self.source]

    @property
    def rejected(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def skipped(self) -> int:
        return sum(1 for i in self.issues if i.severity == "skipped")

    @property
    def failed(self) -> bool:
        """--strict and a bad row: nothing was (or would be) written."""
        return self.strict and self.rejected > 0


def run_import(app: App, req: ImportRequest, progress: Progress | None = None) -> ImportReport:
    """Parse `req.path`, then add every new record in ONE transaction (or preview with dry-run)."""
    check_request(req)
    with app.db.read() as tx:
        tz, today = app.zone(tx), app.today(tx)
    now = app.now()
    result = parse_request(req, tz, today, now)
    candidates, issues = _screen(result.records, now, req.source)
    issues = [_parsed(p) for p in result.problems] + issues
    strict_fail = req.strict and any(i.severity == "error" for i in issues)
    if req.dry_run or strict_fail:
        with app.db.read() as tx:
            plan = _plan(tx, candidates, issues)
            previews = _previews(tx, plan, now, progress) if req.dry_run else ()
        return _report(req, tz, now, plan, result.ignored, False, previews)
    stored = _store_attachments(app, candidates)
    source_file = app.evidence.put_file(req.path) if req.source in WHOLE_FILE else None
    with app.db.write() as tx:
        plan = _plan(tx, candidates, issues)
        write = not (req.strict and any(i.severity == "error" for i in plan.issues))
        if write:
            _write(tx, plan, _Evidence(stored, source_file), app.stamp(), progress)
    return _report(req, tz, now, plan, result.ignored, write, ())


def _report(
    req: ImportRequest,
    tz: ZoneInfo,
    now: datetime,
    plan: Plan,
    ignored: int,
    written: bool,
    previews: Sequence[Preview],
) -> ImportReport:
    issues = sorted(plan.issues, key=lambda i: (i.line is None, i.line or 0))
    return ImportReport(
        req.source,
        str(req.path),
        tz,
        now,
        req.dry_run,
        req.strict,
        written,
        len(plan.new),
        len(plan.stops),
        plan.duplicate,
        ignored,
        tuple(issues),
        tuple(previews),
    )


# -- screening and planning -----------------------------------------------------------------------
def _parsed(problem: importers.Problem) -> Issue:
    return Issue(problem.line, problem.severity, problem.message)


def _screen(
    records: Sequence[ImportedRecord], now: datetime, source: str
) -> tuple[list[ImportedRecord], list[Issue]]:
    """Refuse records in the future (a calendar plans ahead: there they are only skipped).

    An event's end counts too: no imported record may end after now.
    """
    severity = "skipped" if source == "ics" else "error"
    kept: list[ImportedRecord] = []
    issues: list[Issue] = []
    for rec in records:
        late = rec.start > now or (rec.end is not None and rec.end > now)  # RULES E5
        if late:
            issues.append(Issue(rec.line, severity, Message("import.future", {})))
        else:
            kept.append(rec)
    return kept, issues


def _plan(tx: Tx, candidates: Sequence[ImportedRecord], issues: Sequence[Issue]) -> Plan:
    """New records, stops of imported running sessions, duplicates: against the ledger in `tx`."""
    plan = Plan(issues=list(issues))
    known = queries.source_ids(tx, [r.source_id for r in candidates])
    running = queries.running(tx)
    by_source = {r.source_id: r for r in running if r.source_id}
    still_running = {r.id for r in running}
    open_ones: list[ImportedRecord] = []
    for rec in candidates:
        if rec.source_id in known:
            _known(plan, rec, by_source.get(rec.source_id), still_running)
        elif rec.end is None:
            open_ones.append(rec)
        else:
            plan.new.append(rec)
    _open(plan, open_ones, sorted(still_running, key=int))
    return plan


def _open(plan: Plan, open_ones: Sequence[ImportedRecord], running: Sequence[str]) -> None:
    """Open intervals become running sessions only while nothing else runs (one at a time).

    Called after the stops of this batch, so a session they stop no longer blocks a new one.
    """
    taken: ImportedRecord | None = None
    for rec in open_ones:
        if running:
            message = Message("import.open_skipped", {"id": running[0]})
        elif taken is not None:
            message = Message("import.open_skipped_file", {"line": taken.line})
        else:
            plan.new.append(rec)
            taken = rec
            continue
        plan.issues.append(Issue(rec.line, "skipped", message))


def _known(plan: Plan, rec: ImportedRecord, current: Record | None, running: set[str]) -> None:
    """An id already in the ledger: a duplicate, unless it ends a session imported while open."""
    if current is None or rec.end is None:
        plan.duplicate += 1
    elif rec.end <= current.start:
        plan.issues.append(Issue(rec.line, "error", Message("import.stop_before_start", {})))
    else:
        plan.stops.append((current, rec.end))
        running.discard(current.id)


def _previews(tx: Tx, plan: Plan, now: datetime, progress: Progress | None) -> list[Preview]:
    """How each record of a dry run would classify (as App._breakdown does after a write)."""
    from offline_tracker.app import terms
    from offline_tracker.domain.breakdowns import classify_record

    history, calendars = terms.history(tx), terms.calendars(tx)
    previews = []
    for n, rec in enumerate(plan.new, 1):
        record = facts.record_from_payload(0, record_payload(rec, []))
        breakdown = None
        if record.end is not None:
            breakdown = classify_record(record, history, now=now, calendars=calendars)
        previews.append(Preview(record, breakdown, len(rec.items)))
        if progress is not None and (n % 200 == 0 or n == len(plan.new)):
            progress(n, len(plan.new))
    return previews


# -- writing --------------------------------------------------------------------------------------
def record_payload(rec: ImportedRecord, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    """The `record.add` payload of an imported record: facts' one definition, no Record built."""
    meta = {
        "text": rec.text.strip(),
        "channel": rec.channel,
        "counterpart": rec.counterpart,
        "role": rec.role,
        "direction": rec.direction,
        "kind": rec.kind,
    }
    tags = list(dict.fromkeys(t.strip() for t in rec.tags if t.strip()))
    return facts.new_record_payload(
        rec.type,
        rec.start,
        rec.end,
        rec.zone,
        meta,
        tags=tags,
        attachments=attachments,
        source_id=rec.source_id,
    )


@dataclass(frozen=True)
class _Evidence:
    """Files in the evidence store: per record (mail), and the whole source file (chats)."""

    stored: dict[str, dict[str, Any]]
    source_file: dict[str, Any] | None

    def of(self, rec: ImportedRecord) -> list[dict[str, Any]]:
        """The record's attachments; the source file with the ids of its items (provenance)."""
        found = []
        if rec.source_id in self.stored:
            found.append(self.stored[rec.source_id])
        if self.source_file is not None:
            found.append({**self.source_file, "items": list(rec.items)})
        return found


def _write(
    tx: Tx,
    plan: Plan,
    evidence: _Evidence,
    stamp: Stamp,
    progress: Progress | None,
) -> None:
    """Append the batch in chunks (each reads the head once), reporting progress between them."""
    stops: list[batch.Entry] = [
        (facts.RECORD_STOP, {"record": int(r.id), "end": facts.iso_utc(end)}, int(r.id))
        for r, end in plan.stops
    ]
    batch.append_many(tx, stops, stamp)
    total = len(plan.new)
    for i in range(0, total, CHUNK):
        entries: list[batch.Entry] = []
        for rec in plan.new[i : i + CHUNK]:
            payload = record_payload(rec, evidence.of(rec))
            entries.append((facts.RECORD_ADD, payload, None))
        batch.append_many(tx, entries, stamp)
        if progress is not None:
            progress(min(total, i + CHUNK), total)


def _store_attachments(app: App, records: Sequence[ImportedRecord]) -> dict[str, dict[str, Any]]:
    """Raw evidence (mail) into the content-addressed store, before the transaction (E4, E5).

    Harmless when the transaction then fails or the record turns out to be a duplicate: the
    store holds each content once, under its SHA-256.
    """
    return {
        rec.source_id: app.evidence.put_bytes(*rec.attachment)
        for rec in records
        if rec.attachment is not None
    }
