"""The only place that reads the system clock; tests replace `now` with a fixed clock."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime


def system_now() -> datetime:
    """The current instant, aware, in UTC, to the second."""
    fixed = os.environ.get("OFFLINE_TRACKER_NOW")
    if fixed:
        # A fixed clock for demos, golden tests and reproducible bug reports.
        return datetime.fromisoformat(fixed).astimezone(UTC).replace(microsecond=0)
    return datetime.now(UTC).replace(microsecond=0)


Clock = Callable[[], datetime]


def local_zone_name(default: str = "Asia/Shanghai") -> str:
    """The machine's IANA zone name, used only to suggest a default at `ot init` (RULES T1)."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and "/" in tz:
        return tz
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return default
