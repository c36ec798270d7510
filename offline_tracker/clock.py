"""The only place that reads the system clock; tests and demos use a simulated one.

A simulated clock (`OFFLINE_TRACKER_NOW`) is for demos, golden tests and bug reports only: the
app accepts it only on a ledger created under it, and every entry it writes says so in its body
(docs/ledger-format.md, RULES E5).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

SIMULATED_CLOCK_VARIABLE = "OFFLINE_TRACKER_NOW"


def simulated() -> bool:
    """Whether the time comes from OFFLINE_TRACKER_NOW instead of the system clock."""
    return bool(os.environ.get(SIMULATED_CLOCK_VARIABLE))


def system_now() -> datetime:
    """The current instant, aware, in UTC, to the second (simulated when the variable is set)."""
    fixed = os.environ.get(SIMULATED_CLOCK_VARIABLE)
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValueError(
                f"{SIMULATED_CLOCK_VARIABLE}={fixed!r} is not an ISO time with an offset "
                "(e.g. 2025-10-08T09:30:00+08:00)"
            )
        return moment.astimezone(UTC).replace(microsecond=0)
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
