"""Ledger facts about records: their payloads, and how corrections apply (never in place)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from offline_tracker.domain.records import Record

# Ledger entry kinds. Every fact is one of these; docs/ledger-format.md lists their payloads.
INIT = "ledger.init"
CONTRACT = "contract.set"
RECORD_ADD = "record.add"
RECORD_STOP = "record.stop"
RECORD_AMEND = "record.amend"
RECORD_VOID = "record.void"
CALENDAR_SET = "calendar.set"
CALENDAR_IMPORT = "calendar.import"
COMP_TIME = "comp_time.add"
ANCHOR = "anchor"
ANCHOR_TOKEN = "anchor.token"  # an RFC 3161 token on an anchor (app/timestamps.py)
RECORD_KINDS = (RECORD_ADD, RECORD_STOP, RECORD_AMEND, RECORD_VOID)

# The metadata fields a record carries and an amendment may change.
META_FIELDS = ("text", "channel", "counterpart", "role", "direction", "kind")


def iso_utc(instant: datetime) -> str:
    """An instant as stored in the ledger: UTC, to the second, with a Z (2025-10-01T13:30:00Z)."""
    utc = instant if instant.tzinfo is UTC else instant.astimezone(UTC)
    return utc.isoformat()[:19] + "Z"  # isoformat is C code: imports write this per record


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def record_payload(record: Record) -> dict[str, Any]:
    """The payload of a `record.add` entry for `record` (its id is the entry's sequence number)."""
    return new_record_payload(
        record.type,
        record.start,
        record.end,
        record.zone,
        {name: getattr(record, name) for name in META_FIELDS},
        tags=list(record.tags),
        attachments=list(record.attachments),
        emergency=record.emergency,
        source_id=record.source_id,
    )


def new_record_payload(
    type_: str,
    start: datetime,
    end: datetime | None,
    zone: str,
    meta: Mapping[str, str | None],
    *,
    tags: list[str],
    attachments: list[Any],
    emergency: bool = False,
    source_id: str | None = None,
) -> dict[str, Any]:
    """The one definition of a `record.add` payload (docs/ledger-format.md): logs and imports."""
    data: dict[str, Any] = {
        "type": type_,
        "start": iso_utc(start),
        "end": iso_utc(end) if end is not None else None,
        "zone": zone,
        "offset": _offset(start, zone),
        "tags": tags,
        "attachments": attachments,
        "emergency": emergency,
    }
    for name in META_FIELDS:
        data[name] = meta.get(name)
    if source_id:
        data["source_id"] = source_id
    return data


def record_from_payload(record_id: int, data: Mapping[str, Any], seq: int = 0) -> Record:
    """Rebuild a Record from its (possibly amended) payload."""
    end = data.get("end")
    return Record(
        id=str(record_id),
        type=str(data["type"]),
        start=parse_utc(str(data["start"])),
        end=parse_utc(str(end)) if end else None,
        zone=str(data["zone"]),
        text=str(data.get("text") or ""),
        channel=data.get("channel"),
        counterpart=data.get("counterpart"),
        role=data.get("role"),
        direction=data.get("direction"),
        kind=data.get("kind"),
        tags=tuple(data.get("tags") or ()),
        attachments=tuple(_sha(a) for a in data.get("attachments") or ()),
        emergency=bool(data.get("emergency", False)),
        voided=bool(data.get("voided", False)),
        void_reason=data.get("void_reason"),
        source_id=data.get("source_id"),
        seq=seq or record_id,
    )


def apply_fact(
    current: Mapping[str, Any] | None, kind: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    """The record payload after one fact (add, stop, amend or void) is applied to it."""
    if kind == RECORD_ADD:
        return dict(data)
    if current is None:
        raise ValueError(f"{kind} refers to a record that does not exist")
    merged = dict(current)
    if kind == RECORD_STOP:
        merged["end"] = data["end"]
    elif kind == RECORD_AMEND:
        merged.update(data["changes"])
        if "start" in data["changes"] or "zone" in data["changes"]:
            merged["offset"] = _offset(parse_utc(merged["start"]), merged["zone"])
    elif kind == RECORD_VOID:
        merged["voided"] = True
        merged["void_reason"] = data["reason"]
    else:
        raise ValueError(f"{kind} is not a record fact")
    return merged


def replay_one(
    records: dict[int, dict[str, Any]], seq: int, kind: str, data: Mapping[str, Any]
) -> None:
    """Apply one entry to `records` (id -> payload); other facts than record facts are skipped."""
    if kind == RECORD_ADD:
        records[seq] = apply_fact(None, kind, data)
    elif kind in RECORD_KINDS:
        ref = int(data["record"])
        records[ref] = apply_fact(records.get(ref), kind, data)


def _sha(attachment: Any) -> str:
    """Attachments are stored as {"sha256", "name", "size"}; the record keeps the digest."""
    return str(attachment["sha256"]) if isinstance(attachment, Mapping) else str(attachment)


def _offset(instant: datetime, zone_name: str) -> str:
    """The zone's UTC offset at `instant` as "+08:00" (the offset the user was at, RULES T1)."""
    offset = instant.astimezone(_zone(zone_name)).utcoffset()
    return _offset_text(offset or timedelta(0))


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
