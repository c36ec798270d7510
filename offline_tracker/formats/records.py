"""Records as plain JSON-ready dictionaries (the schema of `ot list --json`, docs/cli.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from offline_tracker.domain.records import Record


def local_iso(instant: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 local time with its UTC offset, e.g. 2025-10-01T23:40:00+08:00."""
    return instant.astimezone(tz).isoformat() if instant is not None else None


def minutes(seconds: float) -> float | int:
    """Minutes as a number: whole where whole, else fractional (the report schema's rule)."""
    value = seconds / 60
    return int(value) if value == int(value) else round(value, 4)


def record_to_dict(record: Record, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    return {
        "id": int(record.id),
        "type": record.type,
        "start": local_iso(record.start, tz),
        "end": local_iso(record.end, tz),
        "timezone": tz.key,
        "recorded_zone": record.zone,
        "minutes": minutes(record.duration(now).total_seconds()),
        "running": record.running,
        "text": record.text,
        "channel": record.channel,
        "counterpart": record.counterpart,
        "role": record.role,
        "direction": record.direction,
        "kind": record.kind,
        "tags": list(record.tags),
        "attachments": list(record.attachments),
        "emergency": record.emergency,
        "voided": record.voided,
        "void_reason": record.void_reason,
        "source_id": record.source_id,
        "entered_at": local_iso(record.entered, tz),
        "entered_late": record.entered_late,
    }
