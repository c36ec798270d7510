"""What `ot verify`, `ot backup`, `ot restore` and `ot verify PACK` print."""

from __future__ import annotations

from typing import Any

from offline_tracker.formats.units import count
from offline_tracker.i18n import t
from offline_tracker.render.jsonout import to_json
from offline_tracker.render.text import findings_json, message, warnings


def verification(result: Any) -> str:
    if result.ok:
        lines = [t("out.verified", count=result.count, head=result.head_hash)]
    else:
        lines = [t("out.verify_failed", problems=count(len(result.problems), "problem", t))]
        lines += [f"  {message(p)}" for p in result.problems]
    return "\n".join(lines + warnings(result.warnings))


def verification_json(result: Any) -> str:
    data = {
        "ok": result.ok,
        "entries": result.count,
        "head": result.head_hash,
        "problems": [message(p) for p in result.problems],
        "warnings": findings_json(result.warnings),
    }
    return to_json(data)


def checked_json(check: Any, action: str, **extra: Any) -> str:
    """`--json` of backup and restore: the copy, whether it verified, and its head."""
    found = check.verification
    data = {
        "action": action,
        "path": str(check.path),
        "ok": bool(check.ok),
        "entries": found.count if found is not None else None,
        "head": found.head_hash if found is not None else None,
        "problems": [message(p) for p in found.problems] if found is not None else [],
        **extra,
    }
    return to_json(data)


def restore_json(done: Any) -> str:
    replaced = [{"seq": seq, "at": at, "kind": kind} for seq, at, kind in done.replaced]
    return checked_json(
        done, "restore", replaced=replaced, needs_yes=done.needs_yes, kept=done.kept
    )


def check_lines(check: Any, ok_key: str, failed_key: str) -> list[str]:
    """A copy that verified in one line; one that did not, with each problem (for stderr)."""
    found = check.verification
    if check.ok:
        return [t(ok_key, path=check.path, count=found.count, head=found.head_hash)]
    lines = [t(failed_key, path=check.path, count=len(found.problems))]
    return lines + [f"  {message(problem)}" for problem in found.problems]


REPLACED_SHOWN = 20  # entries a restore would replace listed one by one; the rest counted


def replaced_lines(done: Any) -> list[str]:
    """What a restore replaces (or would): said before anything else, on stderr."""
    lines = []
    if done.uncompared is not None:
        lines.append(t("out.restore_unreadable", reason=done.uncompared))
    if not done.replaced:
        return lines
    first = done.replaced[0][0]
    lines.append(t("out.restore_loses", count=len(done.replaced), first=first))
    for seq, at, kind in done.replaced[:REPLACED_SHOWN]:
        lines.append(t("out.restore_entry", seq=seq, at=at, kind=kind))
    if len(done.replaced) > REPLACED_SHOWN:
        lines.append(t("out.restore_more", count=len(done.replaced) - REPLACED_SHOWN))
    return lines


def pack_json(result: Any) -> str:
    data = {
        "ok": result.ok,
        "files": result.check.files,
        "entries": len(result.check.entries),
        "head": (result.check.manifest or {}).get("chain_head"),
        "ledger_checked": result.ledger_checked,
        "problems": [message(p) for p in result.problems],
        "notes": [message(n) for n in result.notes],
    }
    return to_json(data)


def pack_text(result: Any) -> str:
    if not result.ok:
        lines = [t("out.pack_failed", count=len(result.problems))]
        return "\n".join(lines + [f"  {message(p)}" for p in result.problems])
    head = (result.check.manifest or {}).get("chain_head") or {}
    counts = {"files": result.check.files, "entries": len(result.check.entries)}
    return "\n".join(
        [
            t("out.pack_ok", seq=head.get("seq"), **counts),
            t("out.pack_ledger_ok" if result.ledger_checked else "out.pack_no_ledger"),
            *(f"  {message(n)}" for n in result.notes),
        ]
    )
