"""What `ot log/start/stop/add/amend/void`, `ot list`, `ot status` and `ot show` print."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from offline_tracker.domain.records import Record
from offline_tracker.formats.records import local_iso, minutes, record_to_dict
from offline_tracker.i18n import t
from offline_tracker.render.jsonout import to_json
from offline_tracker.render.text import (
    breakdown,
    breakdown_dict,
    hm,
    late_line,
    message,
    rendered,
    span,
)

# A record's history: (seq, recorded_at, kind, data, hash, clock) per entry (`ot show`).
History = list[tuple[int, str, str, dict[str, Any], str, str | None]]


def saved(result: Any, verb: str) -> str:
    """The lines printed after a write: what was saved, notes, and its classification."""
    record: Record = result.record
    tz = ZoneInfo(record.zone)
    lines = [
        t(
            f"out.{verb}",
            id=record.id,
            span=span(record, tz),
            duration=hm(record.duration(record.start).total_seconds()) if record.end else "",
        )
    ]
    lines += [f"  {t('out.note')}: {message(n)}" for n in result.notes]
    if record.entered_late:
        lines.append(f"  {late_line(record, tz)}")
    if result.breakdown is not None:
        lines.append("  " + breakdown(result.breakdown))
    if record.is_ack:  # RULES E1: shown, but left out of the claimed time
        lines.append(f"  {t('out.ack_not_claimed')}")
    return "\n".join(lines)


def saved_json(result: Any, verb: str) -> str:
    return to_json(saved_dict(result, verb))


def saved_dict(result: Any, verb: str) -> dict[str, Any]:
    """`--json` of a write: the record, the entry written (seq, hash), the classification."""
    record: Record = result.record
    tz = ZoneInfo(record.zone)
    entry = result.entry
    value = result.breakdown
    return {
        "action": verb,
        "id": int(record.id),
        "entry": {"seq": entry.seq, "hash": entry.hash} if entry is not None else None,
        "record": record_to_dict(record, tz, record.end or record.start),
        "classification": None if value is None else breakdown_dict(value),
        "notes": [message(n) for n in result.notes],
    }


def records(items: list[Record], tz: ZoneInfo, now: datetime) -> str:
    if not items:
        return t("out.no_records")
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for key in ("id", "when", "minutes", "kind", "channel", "who", "text"):
        table.add_column(t(f"col.{key}"), overflow="fold", no_wrap=key in ("id", "when"))
    for r in items:
        mark = f" ({t('out.void_mark')})" if r.voided else ""
        if r.entered_late and r.entered is not None:  # RULES E5: 补记, with when it was entered
            entered = f"{r.entered.astimezone(tz):%Y-%m-%d %H:%M}"
            mark += f" ({t('out.late_mark')} {entered})"
        table.add_row(
            r.id,
            span(r, tz),
            hm(r.duration(now).total_seconds()),
            t(f"kind.{r.kind}") if r.kind else "",
            t(f"report.channel.{r.channel}") if r.channel else "",
            _who(r),
            (r.text or "") + mark,
        )
    return rendered(table, f"{len(items)} · {tz.key}")


def _who(r: Record) -> str:
    role = f" ({t('role.' + r.role)})" if r.role else ""
    return f"{r.counterpart or ''}{role}".strip()


def records_json(items: list[Record], tz: ZoneInfo, now: datetime) -> str:
    data = {"timezone": tz.key, "records": [record_to_dict(r, tz, now) for r in items]}
    return to_json(data)


def status(result: Any) -> str:
    tz = result.zone
    lines = []
    for r in result.running:
        since = r.start.astimezone(tz)
        lines.append(
            t("out.running_since", id=r.id, text=r.text or "-", since=f"{since:%Y-%m-%d %H:%M}")
        )
    if not result.running:
        lines.append(t("out.nothing_running"))
    lines.append(
        t(
            "out.today",
            date=result.today.isoformat(),
            count=result.today_records,
            duration=hm(result.today_seconds),
        )
    )
    return "\n".join(lines)


def status_json(result: Any) -> str:
    tz = result.zone
    data = {
        "timezone": tz.key,
        "date": result.today.isoformat(),
        "running": [
            {"id": int(r.id), "text": r.text, "start": local_iso(r.start, tz)}
            for r in result.running
        ],
        "today_records": result.today_records,
        "today_minutes": minutes(result.today_seconds),
    }
    return to_json(data)


def history_json(record: Record, history: History, tz: ZoneInfo, now: datetime) -> str:
    return to_json(history_dict(record, history, tz, now))


def history_dict(
    record: Record,
    history: History,
    tz: ZoneInfo,
    now: datetime,
) -> dict[str, Any]:
    return {
        "record": record_to_dict(record, tz, now),
        "history": [
            {"seq": seq, "recorded_at": at, "kind": kind, "data": data, "hash": digest}
            | ({"clock": clock} if clock else {})
            for seq, at, kind, data, digest, clock in history
        ],
    }


def history(
    record: Record,
    entries: History,
    tz: ZoneInfo,
    now: datetime,
) -> str:
    lines = [
        f"{t('col.id')} {record.id}: {span(record, tz)}  "
        f"{hm(record.duration(now).total_seconds())}",
        f"  {record.text}",
    ]
    if record.entered_late:
        lines.append(f"  {late_line(record, tz)}")
    if record.voided:
        lines.append(f"  {t('out.void_mark')}: {record.void_reason}")
    lines += _evidence_lines(entries)
    lines.append(t("out.history"))
    for seq, at, kind, data, digest, clock in entries:
        detail = data.get("reason") or ""
        changes = data.get("changes")
        if changes:
            detail = f"{', '.join(sorted(t('field.' + name) for name in changes))} — {detail}"
        if clock:
            detail = f"{detail} [{t('out.simulated_entry')}]".strip()
        shown = f"{datetime.fromisoformat(at).astimezone(tz):%Y-%m-%d %H:%M:%S}"  # recorded, local
        lines.append(f"  #{seq}  {shown}  {t('fact.' + kind)}  {detail}  {digest[:12]}")
    return "\n".join(lines)


def _evidence_lines(entries: History) -> list[str]:
    """The record's files in the evidence store (RULES E4), each with the items it came from."""
    current: list[Any] = []
    for _, _, _, data, *_ in entries:
        changes = data.get("changes")
        found = (changes if isinstance(changes, dict) else data).get("attachments")
        if isinstance(found, list):
            current = found
    lines = []
    for item in current:
        if not isinstance(item, dict):
            continue
        lines.append(t("out.evidence_file", name=item.get("name", ""), sha=item.get("sha256", "")))
        if item.get("items"):
            lines.append(t("out.evidence_items", items=", ".join(map(str, item["items"]))))
    return lines
