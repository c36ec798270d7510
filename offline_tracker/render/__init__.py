"""Text and rich tables from domain values, in the chosen language; no arithmetic."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from offline_tracker.domain.errors import Message
from offline_tracker.domain.records import Record
from offline_tracker.formats.records import local_iso, minutes, record_to_dict
from offline_tracker.i18n import language, t

# A record's history: (seq, recorded_at, kind, data, hash, clock) per entry (`ot show`).
History = list[tuple[int, str, str, dict[str, Any], str, str | None]]


def message(msg: Message) -> str:
    """A message in the current language; a message among its values is put in it first."""
    params = {k: message(v) if isinstance(v, Message) else v for k, v in msg.params.items()}
    return t(msg.key, **params)


def hm(seconds: float) -> str:
    """A duration as 1h05m or 12m (seconds shown only when under a minute)."""
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    h, m = divmod(total // 60, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m"


def span(record: Record, tz: ZoneInfo) -> str:
    start = record.start.astimezone(tz)
    if record.end is None:
        return f"{start:%Y-%m-%d %H:%M} – {t('out.running')}"
    end = record.end.astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end_text}"


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


CATEGORY_NAMES = ("inside", "outside_workday", "rest_day", "statutory_holiday", "late_night")


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


def breakdown_dict(value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{n}_minutes": minutes(getattr(value, n + "_s")) for n in CATEGORY_NAMES
    }
    data["provisional"] = bool(value.provisional)
    return data


def written_json(entries: Any, **fields: Any) -> str:
    """`--json` of a write that adds ledger entries but no record (init, contract, calendar...)."""
    listed = [{"seq": e.seq, "hash": e.hash} for e in entries]
    data = {**fields, "entry": listed[-1] if listed else None, "entries": listed}
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def late_line(record: Record, tz: ZoneInfo) -> str:
    """补记: when a record was entered, if that was more than a day after it ended (RULES E5)."""
    assert record.entered is not None and record.end is not None
    delay = record.entered - record.end
    days = delay.days
    text = t("out.day") if days == 1 else t("out.days", count=days)
    if days < 1:
        text = t("out.hours", count=int(delay.total_seconds() // 3600))
    return t(
        "out.entered_late", entered=f"{record.entered.astimezone(tz):%Y-%m-%d %H:%M}", days=text
    )


def breakdown(value: Any) -> str:
    """One line: how a record's time was classified (category: minutes)."""
    parts = [
        f"{t('cat.' + name)} {hm(getattr(value, name + '_s'))}"
        for name in CATEGORY_NAMES
        if getattr(value, name + "_s")
    ]
    text = t("out.classified", parts=", ".join(parts) or "0m")
    return f"{text} ({t('out.provisional')})" if value.provisional else text


def console(width: int | None = None) -> Any:
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=width or _width(),
        no_color=bool(os.environ.get("NO_COLOR")),
        color_system=None if os.environ.get("NO_COLOR") else "auto",
        highlight=False,
    )


def _width() -> int:
    import shutil

    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 160))


def _render(*renderables: Any, width: int | None = None) -> str:
    out = console(width)
    for item in renderables:
        out.print(item)
    text: str = out.file.getvalue()
    return text.rstrip("\n")


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
    return _render(table, f"{len(items)} · {tz.key}")


def _who(r: Record) -> str:
    role = f" ({t('role.' + r.role)})" if r.role else ""
    return f"{r.counterpart or ''}{role}".strip()


def records_json(items: list[Record], tz: ZoneInfo, now: datetime) -> str:
    data = {"timezone": tz.key, "records": [record_to_dict(r, tz, now) for r in items]}
    return json.dumps(data, ensure_ascii=False, indent=2)


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
    return json.dumps(data, ensure_ascii=False, indent=2)


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
            detail = f"{', '.join(sorted(changes))} — {detail}"
        if clock:
            detail = f"{detail} [{t('out.simulated_entry')}]".strip()
        lines.append(f"  #{seq}  {at}  {t('fact.' + kind)}  {detail}  {digest[:12]}")
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


def verification(result: Any) -> str:
    if result.ok:
        lines = [t("out.verified", count=result.count, head=result.head_hash)]
    else:
        lines = [t("out.verify_failed", count=len(result.problems))]
        lines += [f"  {message(p)}" for p in result.problems]
    return "\n".join(lines + warnings(result.warnings))


SHOWN_BACK = 20  # steps back of the clock listed in text; `--json` has them all


def warnings(found: Any) -> list[str]:
    """The findings a reader must be told that do not break the chain (recorded times)."""
    if not found:
        return []
    head = (
        t("out.verify_warning") if len(found) == 1 else t("out.verify_warnings", count=len(found))
    )
    back = [w for w in found if w.key == "verify.clock_back"]
    shown = [w for w in found if w.key != "verify.clock_back" or w in back[:SHOWN_BACK]]
    lines = [head] + [f"  {message(w)}" for w in shown]
    if len(back) > SHOWN_BACK:  # the JSON lists every one
        lines.append(f"  {t('out.verify_more_back', count=len(back) - SHOWN_BACK)}")
    return lines


def findings_json(found: Any) -> list[dict[str, Any]]:
    """Messages as JSON findings: their code, their parameters (entry numbers), the text."""
    return [{"code": m.key.rsplit(".", 1)[-1], **m.params, "message": message(m)} for m in found]


def contract(value: Any) -> str:
    """The terms of a contract version, one per line; China's own terms only under CN (J7)."""
    data = value.to_payload()
    hidden = () if value.rule_pack == "CN" else _CN_TERMS
    lines = [
        f"  {t('term.' + key)}: {_term(key, data[key])}"
        for key in sorted(data)
        if data[key] is not None and key not in hidden
    ]
    return "\n".join([*lines, f"  {t('term.rule_pack')}: {value.rule_pack}"])


# The divisor (21.75, RULES P4) and the special hours systems (P5, P6) are China's.
_CN_TERMS = ("wage_divisor", "system", "cycle", "approved", "flexible_holiday_pay")


def _term(key: str, value: Any) -> str:
    """A contract term as a person reads it: yes/no, a weekday's name."""
    if isinstance(value, bool):
        return t("out.yes") if value else t("out.no")
    if key == "week_start":
        return t(f"report.weekday.{value}")
    return str(value)


def day_type(info: Any) -> str:
    name = info.name_zh if language() == "zh" else info.name_en
    text = t(f"report.daytype.{info.day_type}")
    return f"{text} ({name})" if name else text


def day_note(note: str) -> str:
    """A calendar note: the engine's codes are translated, a user's own note is shown as typed."""
    key = f"report.note.{note}"
    text = t(key)
    return note if text == key else text


def day_line(info: Any) -> str:
    extra = f" · {day_note(info.note)}" if info.note else ""
    hours = f" · {','.join(str(s) for s in info.hours)}" if info.hours else ""
    mark = f" · {t('out.provisional_short')}" if info.provisional else ""
    weekday = t(f"report.weekday.{info.date.weekday()}")
    return (
        f"{info.date.isoformat()} {weekday}  {day_type(info)}"
        f"  [{t('source.' + info.source)}]{hours}{extra}{mark}"
    )


def calendar(days: list[Any]) -> str:
    """Each day of a month or year with its type and source (official, rule, provisional, user)."""
    special = [d for d in days if d.source not in ("schedule", "weekend") or d.name_en]
    lines = [day_line(d) for d in special]
    workdays = sum(1 for d in days if d.day_type == "workday")
    lines.append(
        t(
            "out.calendar_summary",
            days=len(days),
            workdays=workdays,
            provisional=sum(1 for d in days if d.provisional),
        )
    )
    return "\n".join(lines)


def days_json(days: list[Any]) -> str:
    data = [
        {
            "date": d.date.isoformat(),
            "day_type": d.day_type,
            "source": d.source,
            "provisional": d.provisional,
            "name": d.name_en,
            "name_zh": d.name_zh,
            "hours": [str(s) for s in d.hours] if d.hours else None,
            "note": d.note,
        }
        for d in days
    ]
    return json.dumps({"days": data}, ensure_ascii=False, indent=2)
