"""Evidence use cases: record exports, the evidence pack, anchors, backup and restore (RULES E5)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_tracker.app import export_rows, parallel, terms
from offline_tracker.app.export_rows import ExportRows, Reader, reader_of
from offline_tracker.app.integrity import collector_paused
from offline_tracker.domain import facts
from offline_tracker.domain.errors import InputError, Refusal
from offline_tracker.domain.timeline import day_start
from offline_tracker.domain.timeparse import parse_date
from offline_tracker.formats import csv_out
from offline_tracker.i18n import language, t
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Tx

if TYPE_CHECKING:
    from offline_tracker.app.core import App
    from offline_tracker.domain.calendar import CalendarSet
    from offline_tracker.domain.contract import ContractHistory
    from offline_tracker.domain.results import Flag

# Facts every period depends on (terms, calendar, anchors): a pack carries all of them.
TERM_KINDS = (
    facts.INIT,
    facts.CONTRACT,
    facts.CALENDAR_SET,
    facts.CALENDAR_IMPORT,
    facts.COMP_TIME,
    facts.ANCHOR,
    facts.ANCHOR_TOKEN,
)


def anchor_digest(seq: int, digest: str) -> str:
    return f"OT1-{seq}-{digest[:16]}"


# -- anchors (RULES E5: a digest held by a third party) ------------------------------------------
@dataclass(frozen=True)
class Anchor:
    head_seq: int
    head_hash: str
    digest: str
    entry_seq: int
    recorded_at: str


def anchor(app: App, tsq: Path | None = None, force: bool = False) -> Anchor:
    """Record the current chain head in the ledger and return the digest to send out.

    With `tsq`, also write an RFC 3161 request for the head there (app/timestamps.py): the
    file is written inside the entry's transaction, so neither exists without the other.
    """
    with app.db.write() as tx:
        seq, digest = ledger.head(tx)
        data: dict[str, Any] = {"head_seq": seq, "head_hash": digest}
        if tsq is not None:
            from offline_tracker.app.timestamps import make_request

            data["request"], der = make_request(app.evidence, digest, tsq.name)
        added = app.append(tx, facts.ANCHOR, data)
        if tsq is not None:
            from offline_tracker.formats.pack import write_private

            write_private(tsq, lambda out: out.write(der), overwrite=force)
    return Anchor(seq, digest, anchor_digest(seq, digest), added.seq, added.at)


# -- exports come from a sound ledger (RULES E5) ----------------------------------------------
def sound_ledger(app: App, force: bool) -> tuple[str, ...]:
    """Verify the ledger before an export: refused when it fails, unless `force`.

    Returns the problems (as text) of a ledger exported anyway, for the export to say so.
    """
    found = app.verify()
    problems = tuple(t(p.key, **p.params) for p in found.problems)
    if problems and not force:
        raise Refusal("error.export_unsound", count=len(problems), first=problems[0])
    return problems


# -- record exports ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RecordExport:
    """The rows of one export and what they were read with (one read transaction)."""

    first: date
    last: date
    rows: Sequence[csv_out.Row] | ExportRows
    head: tuple[int, str]
    now: datetime
    include_voided: bool
    timezone: str
    unsound: tuple[str, ...] = ()  # the verification problems of a ledger exported anyway
    # RULES J7: the rule packs of the contracts in force in the period (the CSV names them).
    rule_packs: tuple[str, ...] = ()


def _packs(contracts: ContractHistory, first: date, last: date) -> tuple[str, ...]:
    versions = [contracts.get(first) or contracts.first, *contracts.changes_between(first, last)]
    return tuple(dict.fromkeys(c.rule_pack for c in versions))


def export_period(
    app: App, tx: Tx, date_from: str | None, date_to: str | None
) -> tuple[date, date]:
    """Defaults: from the first record's date (the whole ledger) to today."""
    zone, today = app.zone(tx), app.today(tx)
    if date_from:
        first = parse_date(date_from, today)
    else:
        earliest = queries.first_record_start(tx)
        first = today if earliest is None else datetime.fromtimestamp(earliest, zone).date()
    last = parse_date(date_to, today) if date_to else max(today, first)
    if last < first:
        raise InputError("error.range_reversed", first=first, last=last)
    # Any length (issue 19): the rows are streamed, and the classifier's timeline covers only
    # the dates of the records found.
    return first, last


def _bounds(contracts: ContractHistory, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants of the period: local midnights in the zone of the contract of each end (T1)."""

    def midnight(day: date) -> datetime:
        return day_start(day, (contracts.get(day) or contracts.first).zone)

    return midnight(first), midnight(last + timedelta(days=1))


def classified_rows(
    tx: Tx,
    period: tuple[date, date],
    terms_: tuple[ContractHistory, CalendarSet],
    now: datetime,
    include_voided: bool,
    reopen: Reader | None = None,
) -> ExportRows:
    """The records overlapping the period, each classified on its own (RULES T1-T4), made a
    page at a time as they are iterated, inside `tx` (app/export_rows.py)."""
    bounds = _bounds(terms_[0], *period)
    return export_rows.classified_rows(tx, bounds, terms_, now, include_voided, reopen)


_VOIDED = csv_out.COLUMNS.index("voided")


@contextmanager
def export_records(
    app: App,
    date_from: str | None,
    date_to: str | None,
    include_voided: bool = False,
    force: bool = False,
) -> Iterator[RecordExport]:
    """Every record of the period after corrections, with its own classification and hash;
    from a verified ledger (`force`: any ledger, marked). The rows are read as they are
    written: write them inside the `with` block, in the read transaction they come from."""
    unsound = sound_ledger(app, force)
    now = app.now()
    with app.db.read() as tx, collector_paused():
        period = export_period(app, tx, date_from, date_to)
        contracts = terms.history(tx)
        terms_ = (contracts, terms.calendars(tx))
        rows = classified_rows(tx, period, terms_, now, include_voided, reader_of(app.db))
        head = ledger.head(tx)
        zone = (contracts.get(period[1]) or contracts.first).timezone
        packs = _packs(contracts, *period)
        yield RecordExport(*period, rows, head, now, include_voided, zone, unsound, packs)


def export_meta(export: RecordExport) -> dict[str, Any]:
    from offline_tracker import __version__

    seq, digest = export.head
    return {
        "format": "offline_tracker.records",
        "version": 1,
        "tool": f"offline_tracker {__version__}",
        "generated_at": facts.iso_utc(export.now),
        "period": {"from": export.first.isoformat(), "to": export.last.isoformat()},
        "timezone": export.timezone,
        "include_voided": export.include_voided,
        "rule_packs": list(export.rule_packs),
        "chain_head": {"seq": seq, "hash": digest, "anchor": anchor_digest(seq, digest)},
        "ledger_verified": not export.unsound,
        "verification_problems": list(export.unsound),
    }


def csv_bytes(export: RecordExport) -> Iterator[bytes]:
    """The CSV with headers in the current language; a long one made on two processors."""
    columns = csv_out.csv_columns(export.include_voided)
    headers = [t(f"export.col.{name}") for name in columns]
    named = _statutes(export.rule_packs)
    if named:  # RULES J7: the CSV names the statute of the pack in force where the day types are
        index = columns.index("day_type")
        headers[index] = t("export.col.day_type_under", statutes=named)
    rows, mark = export.rows, t("export.late_mark")
    if not isinstance(rows, ExportRows):
        return csv_out.csv_chunks(headers, rows, columns, mark)

    def make(lo: int, hi: int) -> Iterator[bytes]:
        return csv_out.csv_chunks(headers if lo == 0 else None, rows.part(lo, hi), columns, mark)

    return parallel.in_halves(make, len(rows))


def _statutes(packs: Sequence[str]) -> str:
    """The statutes of the packs in force (China's too: 《劳动法》...)."""
    from offline_tracker.domain.packs import PACKS

    names = [
        t(PACKS[p].statute_key) if p in PACKS else t("export.no_pack", rule_pack=p) for p in packs
    ]
    return "; ".join(names)


def json_bytes(export: RecordExport) -> Iterator[bytes]:
    return csv_out.json_chunks(export_meta(export), export.rows)


# -- the evidence pack -------------------------------------------------------------------------
@dataclass(frozen=True)
class Packed:
    path: Path
    records: int
    entries: int
    attachments: int
    missing: tuple[tuple[str, str], ...]  # (sha256, missing | altered)
    head: tuple[int, str]
    unsound: tuple[str, ...] = ()  # the problems of a ledger packed anyway (`--force`)


def build_pack(
    app: App,
    date_from: str | None,
    date_to: str | None,
    out: Path,
    describe: Callable[[Flag], str],
    force: bool = False,
) -> Packed:
    """Write the evidence pack of a period to `out`, in the current language (docs/evidence.md);
    from a verified ledger (`force`: any ledger, and the pack says so on its first page)."""
    from offline_tracker.app.timestamps import pack_stamps
    from offline_tracker.formats import pack

    unsound = sound_ledger(app, force)
    now = app.now()
    # One snapshot: rows, entries and head agree with each other.
    with app.db.read() as tx, collector_paused():
        period = export_period(app, tx, date_from, date_to)
        made = pack_pages(tx, period, now, describe, unsound)
        stamps = pack_stamps(tx, app.evidence)  # with the entries of the heads they stamp
        ids = [row[0] for row in made.export.rows] + stamps.head_seqs
        entries = queries.entries_about(tx, ids, TERM_KINDS)
    export, head = made.export, made.export.head
    found, missing = _attachments(app, pack.attachment_shas(e[4] for e in entries))
    missing += stamps.missing
    files = [
        ("records.csv", made.csv),
        ("report.html", made.html),
        (pack.ENTRIES, pack.entries_jsonl(entries)),
        (pack.HEAD, (json.dumps(_head(head), indent=2) + "\n").encode("utf-8")),
        *found,
        *stamps.files,
    ]
    provenance = pack.provenance_csv(entries)
    if provenance:
        files.append(("provenance.csv", provenance))
    manifest = _manifest(export, len(entries), len(found), missing)
    warning = t("ev.unsound", count=len(unsound)) if unsound else ""
    readme = pack.readme(language(), manifest, stamps.readme, warning)
    files.append(("README.txt", readme.encode("utf-8")))
    pack.write_pack(out, files, manifest, now, overwrite=force)
    rows = len(export.rows)
    return Packed(out, rows, len(entries), len(found), tuple(missing), head, unsound)


@dataclass(frozen=True)
class PackPages:
    export: RecordExport
    csv: bytes
    html: bytes


def pack_pages(
    tx: Tx,
    period: tuple[date, date],
    now: datetime,
    describe: Callable[[Flag], str],
    unsound: tuple[str, ...] = (),
) -> PackPages:
    """records.csv and report.html of a pack, in the current language (`ot verify PACK` makes
    them again from the ledger to compare)."""
    from offline_tracker.app.reports import classify_period
    from offline_tracker.formats import html_report

    snap = terms.snapshot(tx)  # one snapshot for the report and the rows
    view = classify_period(tx, period[0], period[1], now, snap=snap)
    made = classified_rows(tx, period, (snap.history, snap.calendars), now, True)
    rows = list(made)  # the CSV, the report and the counts all read them
    head = view.provenance.head_seq, view.provenance.head_hash
    packs = _packs(snap.history, *period)
    export = RecordExport(*period, rows, head, now, True, view.zone.key, unsound, packs)
    page = html_report.HtmlPage(view, rows, _head(head), describe, unsound)
    html = html_report.render(page, t, language()).encode("utf-8")
    return PackPages(export, b"".join(csv_bytes(export)), html)


def _manifest(
    export: RecordExport, entries: int, attachments: int, missing: list[tuple[str, str]]
) -> dict[str, Any]:
    """manifest.json without its file list (formats.pack adds the digests)."""
    manifest = {**export_meta(export), "format": "offline_tracker.evidence_pack"}
    manifest["language"] = language()
    manifest["counts"] = {
        "records": len(export.rows),
        "voided": sum(1 for row in export.rows if row[_VOIDED]),
        "entries": entries,
        "attachments": attachments,
        "attachments_missing": len(missing),
    }
    manifest["missing_attachments"] = [{"sha256": sha, "problem": why} for sha, why in missing]
    return manifest


def _head(head: tuple[int, str]) -> dict[str, Any]:
    seq, digest = head
    return {"seq": seq, "hash": digest, "anchor": anchor_digest(seq, digest)}


def _attachments(
    app: App, shas: Sequence[str]
) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]]]:
    """Stored originals (RULES E4); a missing or altered one is listed, never a crash."""
    from offline_tracker.formats.pack import sha256

    found, missing = [], []
    for sha in shas:
        try:
            data = app.evidence.read(sha)
        except OSError:
            missing.append((sha, "missing"))
            continue
        if sha256(data) != sha:  # the stored copy no longer matches what the entry recorded
            missing.append((sha, "altered"))
            continue
        found.append((f"attachments/{sha}", data))
    return found, missing
