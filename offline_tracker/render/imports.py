"""What `ot import` prints: the dry-run records, every problem, one summary line; the chats of
`--list-chats`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from offline_tracker.formats.records import record_to_dict
from offline_tracker.formats.units import count
from offline_tracker.i18n import t
from offline_tracker.render.jsonout import to_json
from offline_tracker.render.text import breakdown, breakdown_dict, hm, message, span


def _problem_text(report: Any, line: int | None, severity: str, message: str) -> str:
    where = t(f"import.at.{report.unit}", n=line) if line is not None else ""
    label = t(f"import.severity.{severity}")
    return t("out.import_problem", where=where, severity=label, text=message).strip()


def _preview_text(report: Any, item: Any) -> list[str]:
    rec = item.record
    length = hm(rec.duration(rec.start).total_seconds()) if rec.end else ""
    lines = [f"+ {span(rec, report.zone)}  {length}  {rec.text}".rstrip()]
    lines.append(f"    {rec.source_id}")
    if item.items:
        lines.append("    " + _burst_text(rec, item.items, report.source))
    if item.breakdown is not None:
        lines.append("    " + breakdown(item.breakdown))
    return lines


# What the items of a previewed record are (the message key and the counted noun): messages,
# unless these.
_ITEMS = {
    "activitywatch": ("out.import_burst_windows", "window_event"),
    "call": ("out.import_burst_calls", "call"),
}
_MESSAGES = ("out.import_burst", "message")


def _burst_text(rec: Any, items: int, source: str) -> str:
    """A chat burst: who, which way, whether only acknowledged (RULES E1), how many messages
    (or calls, or window events)."""
    parts = [rec.counterpart or "-"]
    if rec.direction:
        parts.append(t(f"direction.{rec.direction}"))
    if rec.kind:
        parts.append(t(f"kind.{rec.kind}"))
    key, noun = _ITEMS.get(source) or _ITEMS.get(rec.kind or "", _MESSAGES)
    return t(key, who=" · ".join(parts), items=count(items, noun, t))


def import_text(report: Any) -> str:
    """Human output: the dry-run records, every problem, and one summary line."""
    lines: list[str] = []
    for item in report.previews:
        lines += _preview_text(report, item)
    for issue in report.issues:
        lines.append(_problem_text(report, issue.line, issue.severity, message(issue.message())))
    counts = _counts(report)
    key = "out.import_summary"
    if not report.written:
        key = "out.import_dry_summary" if report.dry_run else "out.import_strict_summary"
    lines.append(
        t(
            key,
            source=report.source,
            added=counts["added"],
            duplicate=counts["duplicate"],
            rejected=counts["rejected"],
            skipped=counts["skipped"],
        )
    )
    if report.stopped:
        key = "out.import_stopped" if report.written else "out.import_dry_stopped"
        lines.append(t(key, sessions=count(report.stopped, "running_session", t)))
    if report.ignored:
        lines.append(t("out.import_ignored", items=count(report.ignored, "item", t)))
    return "\n".join(lines)


def _counts(report: Any) -> dict[str, int]:
    return {
        "added": report.added,
        "stopped": report.stopped,
        "duplicate": report.duplicate,
        "rejected": report.rejected,
        "skipped": report.skipped,
        "ignored": report.ignored,
    }


def _preview_dict(report: Any, item: Any) -> dict[str, Any]:
    data = record_to_dict(item.record, report.zone, report.now)
    data["id"] = None
    data["classification"] = None if item.breakdown is None else breakdown_dict(item.breakdown)
    return data


def import_json(report: Any) -> str:
    """`--json`: the summary, every problem, and (dry run) the records with their classification."""
    data: dict[str, Any] = {
        "source": report.source,
        "path": report.path,
        "dry_run": report.dry_run,
        "strict": report.strict,
        "written": report.written,
        **_counts(report),
        "problems": [
            {
                "line": i.line,
                "unit": report.unit,
                "severity": i.severity,
                "message": message(i.message()),
            }
            for i in report.issues
        ],
    }
    if report.dry_run:
        data["records"] = [_preview_dict(report, item) for item in report.previews]
    return to_json(data)


def _day(row: Any, tz: ZoneInfo) -> tuple[str, str]:
    return f"{row.first.astimezone(tz):%Y-%m-%d}", f"{row.last.astimezone(tz):%Y-%m-%d}"


# What `--list-chats` lists in a chat export and in a phone's (calls and texts per contact).
_CHAT_WORDS = {"phone": ("out.contacts_header", "contact", "call_or_text")}
_CHAT_DEFAULT = ("out.chats_header", "chat", "message")


def chats_text(rows: Sequence[Any], tz: ZoneInfo, source: str) -> str:
    header, chat_noun, item_noun = _CHAT_WORDS.get(source, _CHAT_DEFAULT)
    lines = [t(header)]
    for row in rows:
        first, last = _day(row, tz)
        kind = t("out.chat_group") if row.group else t("out.chat_private")
        lines.append(
            t(
                "out.chat_line",
                name=row.name,
                chat=row.chat,
                kind=kind,
                items=count(row.count, item_noun, t),
                share=f"{row.outside_share:.0%}",
                first=first,
                last=last,
            )
        )
    lines.append(t("out.chats_hint", chats=count(len(rows), chat_noun, t)))
    return "\n".join(lines)


def chats_json(rows: Sequence[Any], tz: ZoneInfo) -> str:
    items = []
    for row in rows:
        first, last = _day(row, tz)
        items.append(
            {
                "chat": row.chat,
                "name": row.name,
                "group": row.group,
                "messages": row.count,
                "outside_hours": row.outside,
                "outside_share": round(row.outside_share, 4),
                "first": first,
                "last": last,
            }
        )
    return to_json({"timezone": tz.key, "chats": items})
