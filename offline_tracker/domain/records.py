"""Work records (message events and sessions) as frozen values, with their vocabularies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.values import field, value

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

# RULES E1: a bare acknowledgement is recorded but kept out of claimed time by default.
ACK_KIND: Final = "ack"

# RULES E5: courts weigh records made at the time more than ones made later. A record whose end
# was entered more than this after it happened is marked as entered later (补记) wherever shown.
LATE_ENTRY: Final = timedelta(hours=24)

# A record's text: one line typed, or a long paste read with `ot log -`; beyond this, attach a
# file instead (--attach keeps it whole, by SHA-256).
MAX_TEXT: Final = 10_000


@value
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
    # When the record's end was entered in the ledger (its record.add entry, or the record.stop
    # entry of a session); None while a session runs or when not read from the ledger.
    entered: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def entered_late(self) -> bool:
        """Entered more than LATE_ENTRY after it ended (补记, RULES E5)."""
        return (
            self.entered is not None
            and self.end is not None
            and self.entered - self.end > LATE_ENTRY
        )

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


def record_text(text: str | None, required: bool = True) -> str:
    """A record's text, stripped: blank is refused (unless none is needed and none was given),
    and so is a text over MAX_TEXT characters."""
    value = (text or "").strip()
    if not value and (required or text is not None):
        raise InputError("error.text_empty")
    if len(value) > MAX_TEXT:
        raise InputError("error.text_too_long", length=len(value), limit=MAX_TEXT)
    return value
