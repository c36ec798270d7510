"""Output of `ot import wechat|phone FILE --list-chats`: one line (or JSON object) a chat."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from offline_tracker.i18n import t

if TYPE_CHECKING:
    from offline_tracker.app.chats import ChatRow


def _day(row: ChatRow, tz: ZoneInfo) -> tuple[str, str]:
    return f"{row.first.astimezone(tz):%Y-%m-%d}", f"{row.last.astimezone(tz):%Y-%m-%d}"


def chats_text(rows: Sequence[ChatRow], tz: ZoneInfo) -> str:
    lines = [t("out.chats_header")]
    for row in rows:
        first, last = _day(row, tz)
        kind = t("out.chat_group") if row.group else t("out.chat_private")
        lines.append(
            t(
                "out.chat_line",
                name=row.name,
                chat=row.chat,
                kind=kind,
                count=row.count,
                share=f"{row.outside_share:.0%}",
                first=first,
                last=last,
            )
        )
    lines.append(t("out.chats_hint", count=len(rows)))
    return "\n".join(lines)


def chats_json(rows: Sequence[ChatRow], tz: ZoneInfo) -> str:
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
    return json.dumps({"timezone": tz.key, "chats": items}, ensure_ascii=False, indent=2)
