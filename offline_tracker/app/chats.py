"""`ot import wechat|phone FILE --list-chats`: each chat of an export, nothing imported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from offline_tracker.app.import_sources import ImportRequest, check_request, parse_request

if TYPE_CHECKING:
    from offline_tracker.app.core import App


@dataclass(frozen=True)
class ChatRow:
    """One chat: its id and latest name, message count, how many outside contracted hours."""

    chat: str
    name: str
    group: bool
    count: int
    outside: int
    first: datetime
    last: datetime

    @property
    def outside_share(self) -> float:
        return self.outside / self.count if self.count else 0.0


def list_chats(app: App, req: ImportRequest) -> tuple[list[ChatRow], ZoneInfo]:
    """The chats of `req.path`, most messages first, and the ledger's zone; reads the ledger's
    terms only, in one transaction."""
    from offline_tracker.app import terms
    from offline_tracker.domain.offhours import outside_count

    check_request(req)
    with app.db.read() as tx:
        tz, today = app.zone(tx), app.today(tx)
        history, calendars = terms.history(tx), terms.calendars(tx)
    result = parse_request(req, tz, today, app.now())
    rows = [
        ChatRow(
            s.chat,
            s.name,
            s.group,
            len(s.times),
            outside_count(s.times, history, calendars),
            s.times[0],
            s.times[-1],
        )
        for s in result.chats
        if s.times
    ]
    return sorted(rows, key=lambda r: (-r.count, r.name)), tz
