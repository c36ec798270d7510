"""`ot export xlsx`: the record export, the classified days and the claim of one snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from offline_tracker.app import evidence, terms
from offline_tracker.app.integrity import collector_paused
from offline_tracker.domain import facts
from offline_tracker.i18n import language, t

if TYPE_CHECKING:
    from offline_tracker.app.core import App
    from offline_tracker.domain.report_view import ReportView
    from offline_tracker.formats.xlsx_out import Workbook
    from offline_tracker.storage.db import Tx


def export_xlsx(
    app: App, date_from: str | None, date_to: str | None, out: Path, force: bool = False
) -> evidence.RecordExport:
    """Write the workbook of a period to `out` (formats/pack.py write_private rules), in the
    current language; from a verified ledger (`force`: any ledger, and the About sheet says so).

    One read transaction: the records, the days and the claim agree with each other and with
    `ot report range` for the same dates (the claim's totals are the report's pay).
    """
    from offline_tracker.app.reports import classify_period
    from offline_tracker.app.timestamps import facts_of
    from offline_tracker.formats import xlsx_out
    from offline_tracker.formats.pack import write_private

    unsound = evidence.sound_ledger(app, force)
    now = app.now()
    with app.db.read() as tx, collector_paused():
        period = evidence.export_period(app, tx, date_from, date_to)
        snap = terms.snapshot(tx)  # one snapshot for the report, the rows and the claim
        view = classify_period(tx, *period, now, snap=snap)
        terms_ = (snap.history, snap.calendars)
        rows = evidence.classified_rows(tx, period, terms_, now, include_voided=True)
        amended = frozenset(int(f.data["record"]) for f in facts_of(tx, facts.RECORD_AMEND))
        head = view.provenance.head_seq, view.provenance.head_hash
        export = evidence.RecordExport(*period, rows, head, now, True, view.zone.key, unsound)
        book = _workbook(tx, export, view, amended)
        # Rows are made as they are written: inside the snapshot they were read from.
        write_private(out, lambda f: xlsx_out.write(f, book, t), overwrite=force)
    return export


def _workbook(
    tx: Tx, export: evidence.RecordExport, report: ReportView, amended: frozenset[int]
) -> Workbook:
    from offline_tracker.domain.claim import monthly_claim
    from offline_tracker.formats.xlsx_out import Workbook

    result = report.result
    divisors = sorted({c.wage_divisor for c in report.contracts if c.monthly_wage is not None})
    return Workbook(
        rows=export.rows,
        amended=amended,
        days=result.days,
        claim=monthly_claim(result, report.history),
        period=(export.first, export.last),
        about=_about(tx, export),
        divisors=divisors,
        language=language(),
    )


def _about(tx: Tx, export: evidence.RecordExport) -> list[tuple[str, str]]:
    """The About sheet: what was exported, from which ledger head, and how to check it."""
    from offline_tracker.app.timestamps import facts_of

    meta = evidence.export_meta(export)
    head = meta["chain_head"]
    problems = export.unsound
    verified = (
        t("xlsx.about.no", count=len(problems), first=problems[0])
        if problems
        else t("xlsx.about.yes")
    )
    anchors = [
        f"{a.seq}  {evidence.anchor_digest(int(a.data['head_seq']), str(a.data['head_hash']))}"
        f"  {a.recorded_at}"
        for a in facts_of(tx, facts.ANCHOR)
    ]
    lines = [
        (t("xlsx.about.period"), f"{export.first} – {export.last}"),
        (t("xlsx.about.generated"), meta["generated_at"]),
        (t("xlsx.about.tool"), meta["tool"]),
        (t("xlsx.about.timezone"), export.timezone),
        (t("xlsx.about.records"), str(len(export.rows))),
        (t("xlsx.about.head"), f"{head['seq']}  {head['hash']}"),
        (t("xlsx.about.head_anchor"), head["anchor"]),
        (t("xlsx.about.verified"), verified),
        (t("xlsx.about.anchors"), "\n".join(anchors) or t("xlsx.about.no_anchors")),
        (t("xlsx.about.verify"), t("xlsx.about.verify1")),
    ]
    lines += [("", t(f"xlsx.about.verify{n}")) for n in (2, 3, 4)]
    return [*lines, ("", t("xlsx.about.times"))]
