"""Work records (message events and sessions) as frozen values, with their vocabularies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

CHANNELS: Final = (
    "wechat",
    "wecom",
    "dingtalk",
    "feishu",
    "email",
    "phone",
    "sms",
    "slack",
    "teams",
    "other",
)
ROLES: Final = ("supervisor", "client", "colleague", "hr", "other")
DIRECTIONS: Final = ("received", "replied", "initiated")
KINDS: Final = ("instruction", "meeting", "call", "deliverable", "ack", "other")
RECORD_TYPES: Final = ("event", "session")

# RULES E1: a bare acknowledgement is recorded but kept out of claimed time by default.
ACK_KIND: Final = "ack"


@dataclass(frozen=True)
class Record:
    """One piece of work: a message event (with the minutes it took) or a session.

    `start` and `end` are aware UTC instants (RULES T1); `zone` is the IANA zone the user was in
    when it was logged. `end` is None only for a running session.
    """

    id: str
    type: str
    start: datetime
    end: datetime | None
    zone: str
    text: str = ""
    channel: str | None = None
    counterpart: str | None = None
    role: str | None = None
    direction: str | None = None
    kind: str | None = None
    tags: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    emergency: bool = False
    voided: bool = False
    void_reason: str | None = None
    source_id: str | None = None
    seq: int = 0
    entry_hash: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_ack(self) -> bool:
        return self.kind == ACK_KIND

    @property
    def running(self) -> bool:
        return self.end is None

    def end_or(self, now: datetime) -> datetime:
        """The end instant, or `now` for a running session."""
        return self.end if self.end is not None else max(now, self.start)

    def duration(self, now: datetime | None = None) -> timedelta:
        end = self.end if self.end is not None else (now or self.start)
        return end - self.start


def utc(dt: datetime) -> datetime:
    """Normalise an aware datetime to UTC, to the second (the ledger's resolution)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry a zone (RULES T1)")
    return dt.astimezone(UTC).replace(microsecond=0)
