"""What `ot doctor` prints: the file, the chain, the tables, the attachments, the backups."""

from __future__ import annotations

from typing import Any

from offline_tracker.i18n import t
from offline_tracker.render.jsonout import to_json
from offline_tracker.render.text import findings_json, message, warnings


def doctor_json(diag: Any, tips: list[Any]) -> str:
    db, best = diag.database, diag.restore_from
    data = {
        "ok": diag.ok,
        "database": {
            "location": db.location,
            "exists": db.exists,
            "size": db.size,
            "readable": db.readable,
            "integrity": list(db.integrity),
            "schema": db.schema,
            "error": db.error,
        },
        "ledger": _ledger_json(diag),
        "attachments": {
            "checked": diag.attachments_checked,
            "problems": [_attachment_json(a) for a in diag.attachment_problems],
        },
        "backups": [_backup_json(b) for b in diag.backups],
        "restore": {"path": str(best.path)} if best else None,
        "advice": [message(m) for m in tips],
    }
    return to_json(data)


def _ledger_json(diag: Any) -> dict[str, Any]:
    v = diag.verification
    return {
        "checked": v is not None,
        "entries": v.count if v else None,
        "head": v.head_hash if v else None,
        "chain_ok": diag.chain_ok,
        "projections_ok": diag.projections_ok,
        "problems": [message(p) for p in v.problems] if v else [],
        "warnings": findings_json(v.warnings) if v else [],
    }


def _attachment_json(a: Any) -> dict[str, Any]:
    return {
        "sha256": a.sha256,
        "name": a.name,
        "seq": a.seq,
        "problem": a.problem,
        "path": str(a.path),
    }


def _backup_json(b: Any) -> dict[str, Any]:
    return {
        "path": str(b.path),
        "modified": b.modified.isoformat(),
        "readable": b.readable,
        "entries": b.entries,
        "chain_ok": b.chain_ok,
        "head": b.head,
        "intact": b.intact,
        "error": b.error,
    }


def doctor_text(diag: Any, tips: list[Any]) -> str:
    lines = [_database_line(diag.database), *_ledger_lines(diag), *_backup_lines(diag)]
    if tips:
        lines.append(t("doctor.todo"))
        lines += [f"  - {message(m)}" for m in tips]
    lines.append(t("doctor.all_well") if diag.ok else t("doctor.problems_found"))
    return "\n".join(lines)


def _database_line(db: Any) -> str:
    where = db.location
    if not db.exists:
        return t("doctor.db_missing", location=where)
    if not db.readable:
        return t("doctor.db_unreadable", location=where, error=db.error)
    if db.integrity:
        return t(
            "doctor.db_integrity", location=where, count=len(db.integrity), first=db.integrity[0]
        )
    if db.schema is None:
        return t("doctor.db_not_ledger", location=where)
    if db.newer:
        return t("doctor.db_newer", location=where, schema=db.schema, known=db.known_revision)
    size = f"{db.size:,}" if db.size is not None else "-"
    return t("doctor.db_ok", location=where, size=size, schema=db.schema)


def _ledger_lines(diag: Any) -> list[str]:
    v = diag.verification
    if v is None:
        error = diag.database.error if diag.database.readable else None
        return [t("doctor.chain_unchecked") + (f": {error}" if error else "")]
    lines = []
    chain = diag.chain_problems
    if chain:
        lines.append(t("doctor.chain_failed", count=len(chain)))
        lines += [f"    {message(p)}" for p in chain[:20]]
    else:
        lines.append(t("doctor.chain_ok", count=v.count, head=v.head_hash[:16]))
    tables = diag.table_problems
    if not chain:
        key = "doctor.tables_failed" if tables else "doctor.tables_ok"
        lines.append(t(key, count=len(tables)))
    if diag.chain_ok and diag.projections_ok:
        bad = len(diag.attachment_problems)
        key = "doctor.attachments_failed" if bad else "doctor.attachments_ok"
        lines.append(t(key, count=diag.attachments_checked, bad=bad))
    return lines + [f"  {line}" for line in warnings(v.warnings)]


def _backup_lines(diag: Any) -> list[str]:
    if not diag.database.is_file:
        return [t("doctor.backups_server")]
    if not diag.backups:
        return [t("doctor.backups_none")]
    lines = [t("doctor.backups", count=len(diag.backups))]
    for b in diag.backups:
        when = b.modified.strftime("%Y-%m-%d %H:%M UTC")
        if b.intact:
            detail = t("doctor.backup_intact", entries=b.entries, head=(b.head or "")[:16])
        elif b.readable and b.error is None:
            detail = t("doctor.backup_broken", entries=b.entries)
        else:
            detail = t("doctor.backup_unreadable", error=b.error)
        lines.append(f"  {when}  {b.path}  {detail}")
    return lines
