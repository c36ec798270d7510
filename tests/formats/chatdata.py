"""Chat and phone exports built for the tests from the formats' descriptions (no real samples).

One conversation set, written as WeChatMsg/MemoTrace CSV, PyWxDump CSV or chatlog JSON: a work
group (两人发言), a supervisor's private chat, and a private family chat that must stay out.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Msg(NamedTuple):
    chat: str
    chat_name: str
    group: bool
    sender_id: str
    sender: str
    mine: bool
    local: str  # Asia/Shanghai wall time
    type: int
    text: str
    id: int


ME_ID, ME = "wxid_me", "王五"
GROUP = ("4451@chatroom", "项目群")
BOSS = ("wxid_boss", "王经理")
MOM = ("wxid_mom", "妈妈")


def messages() -> list[Msg]:
    g, b, m = GROUP, BOSS, MOM
    return [
        Msg(
            *g,
            True,
            "wxid_zhang",
            "张经理",
            False,
            "2025-10-01 21:00:00",
            1,
            "明天早上要PPT终稿",
            101,
        ),
        Msg(*g, True, ME_ID, ME, True, "2025-10-01 21:03:00", 1, "收到", 102),
        Msg(*g, True, "wxid_li", "李工", False, "2025-10-01 21:30:00", 1, "还有预算表", 103),
        Msg(*g, True, ME_ID, ME, True, "2025-10-01 21:35:00", 1, "好的，我今晚改完发你", 104),
        Msg(*g, True, ME_ID, ME, True, "2025-10-01 21:50:00", 49, "<xml>预算表.xlsx</xml>", 105),
        Msg(*b, False, "wxid_boss", "王经理", False, "2025-10-02 23:10:00", 1, "客户回复了吗", 201),
        Msg(*b, False, ME_ID, ME, True, "2025-10-02 23:12:00", 1, "好的！", 202),
        Msg(*b, False, "wxid_boss", "王经理", False, "2025-10-02 23:12:30", 10000, "拍了拍我", 203),
        Msg(*m, False, "wxid_mom", "妈妈", False, "2025-10-03 20:00:00", 1, "吃饭了吗", 301),
        Msg(*m, False, ME_ID, ME, True, "2025-10-03 20:01:00", 1, "吃了", 302),
    ]


def _epoch(local: str) -> int:
    return int(datetime.fromisoformat(local).replace(tzinfo=SHANGHAI).timestamp())


def wechatmsg_csv(items: list[Msg], rename: dict[str, str] | None = None) -> bytes:
    """WeChatMsg / MemoTrace: UTF-8 with BOM; Remark/NickName/Sender are the sender's."""
    rename = rename or {}
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
         "StrContent", "StrTime", "Remark", "NickName", "Sender"]
    )  # fmt: skip
    talker_ids = {GROUP[0]: "18", BOSS[0]: "7", MOM[0]: "3"}
    for m in items:
        name = rename.get(m.sender, m.sender)
        writer.writerow(
            [m.id, talker_ids.get(m.chat, m.chat), m.type, 0, int(m.mine), _epoch(m.local), 2,
             m.text, m.local, name, name, m.sender_id]
        )  # fmt: skip
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


_PYWX_TYPES = {1: "文本", 3: "图片", 49: "文件", 10000: "系统通知"}


def pywxdump_csv(items: list[Msg]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src",
         "CreateTime"]
    )  # fmt: skip
    for m in items:
        writer.writerow(
            [m.id, 7_000_000 + m.id, _PYWX_TYPES[m.type], int(m.mine), m.sender_id, m.chat,
             m.text, "", m.local]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def chatlog_json(items: list[Msg]) -> bytes:
    rows = [
        {
            "seq": _epoch(m.local) * 1000 + m.id,
            "time": datetime.fromisoformat(m.local).replace(tzinfo=SHANGHAI).isoformat(),
            "talker": m.chat,
            "talkerName": m.chat_name,
            "isChatRoom": m.group,
            "sender": m.sender_id,
            "senderName": m.sender,
            "isSelf": m.mine,
            "type": m.type,
            "subType": 0,
            "content": m.text,
        }
        for m in items
    ]
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def calls_xml(calls: list[tuple[str, str, int, int, str]]) -> bytes:
    """SMS Backup & Restore calls: (number, local time, duration s, type, contact name)."""
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<calls count="{len(calls)}">']
    for number, local, duration, kind, name in calls:
        ms = _epoch(local) * 1000
        lines.append(
            f'  <call number="{number}" duration="{duration}" date="{ms}" type="{kind}" '
            f'presentation="1" readable_date="{local}" contact_name="{name}" />'
        )
    lines.append("</calls>\n")
    return "\n".join(lines).encode("utf-8")


def sms_xml(items: list[tuple[str, str, int, str, str]]) -> bytes:
    """SMS Backup & Restore sms: (address, local time, type 1 received / 2 sent, body, name)."""
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<smses count="{len(items)}">']
    for address, local, kind, body, name in items:
        ms = _epoch(local) * 1000
        lines.append(
            f'  <sms protocol="0" address="{address}" date="{ms}" type="{kind}" body="{body}" '
            f'read="1" status="-1" readable_date="{local}" contact_name="{name}" />'
        )
    lines.append("</smses>\n")
    return "\n".join(lines).encode("utf-8")


def activitywatch_json(
    windows: list[tuple[str, float, str, str]], afk: list[tuple[str, float, str]]
) -> bytes:
    """ActivityWatch export: window events (UTC time, s, app, title), AFK (time, s, status)."""

    def events(rows: list[tuple[Any, ...]], data: Any) -> list[dict[str, Any]]:
        return [
            {"timestamp": f"{row[0]}.000000+00:00", "duration": row[1], "data": data(row)}
            for row in rows
        ]

    buckets = {
        "aw-watcher-window_pc": {
            "id": "aw-watcher-window_pc",
            "type": "currentwindow",
            "client": "aw-watcher-window",
            "hostname": "pc",
            "events": events(windows, lambda r: {"app": r[2], "title": r[3]}),  # type: ignore[arg-type]
        },
        "aw-watcher-afk_pc": {
            "id": "aw-watcher-afk_pc",
            "type": "afkstatus",
            "client": "aw-watcher-afk",
            "hostname": "pc",
            "events": events(afk, lambda r: {"status": r[2]}),  # type: ignore[arg-type]
        },
        "aw-watcher-web-chrome": {"id": "w", "type": "web.tab.current", "hostname": "pc",
                                  "events": events([("2025-10-01T13:00:00", 5)], lambda _r: {})},
    }  # fmt: skip
    return json.dumps({"buckets": buckets}, ensure_ascii=False).encode("utf-8")
