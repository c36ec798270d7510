"""WeChat exports: WeChatMsg / 留痕 (MemoTrace) CSV, PyWxDump CSV and chatlog JSON, detected.

Each format becomes `ChatMessage` values keyed by the exporter's own message id (`localId`,
`MsgSvrID`, `seq`) and the chat's id, never by a display name, so a renamed contact or a longer
export of the same chat does not import anything twice. See docs/import.md for the columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo

from offline_tracker.formats.importers.base import (
    ImportFormatError,
    ImportOptions,
    ImportResult,
    RowError,
    accepted,
    decode_text,
)
from offline_tracker.formats.importers.chat import ChatMessage, chat_result, collect
from offline_tracker.formats.importers.datetimes import parse_instant
from offline_tracker.formats.importers.watson import load_json_list

FORMATS = ("wechatmsg", "pywxdump", "chatlog")
ACCEPTED = accepted("wechat")
SYSTEM_TYPE = "10000"
# What a message that is not text shows as (WeChat's own labels).
_PLACEHOLDERS = {"3": "[图片]", "34": "[语音]", "43": "[视频]", "47": "[表情]", "49": "[文件]"}
_PYWXDUMP_SYSTEM = ("系统通知", "系统消息", "拍一拍", "撤回消息")
Row = dict[str, str]


def detect(data: bytes) -> str:
    """The export's format from its first bytes and header row."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"[", b"{"):
        return "chatlog"
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    columns = {c.strip().strip('"') for c in first.split(",")}
    if {"localId", "TalkerId", "IsSender", "CreateTime"} <= columns:
        return "wechatmsg"
    if {"MsgSvrID", "is_sender", "room_name", "CreateTime"} <= columns:
        return "pywxdump"
    raise ImportFormatError("format.not_wechat", accepted=ACCEPTED)


def _csv_rows(data: bytes) -> Iterator[tuple[int, Row]]:
    """(message number, row by column name) of a CSV export with a header row."""
    reader = csv.DictReader(io.StringIO(decode_text(data, ACCEPTED), newline=""))
    try:
        for number, row in enumerate(reader, 1):
            yield number, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    except csv.Error as exc:
        raise ImportFormatError(
            "format.csv_unreadable", detail=str(exc), accepted=ACCEPTED
        ) from None


def _need(row: Row, name: str) -> str:
    value = row.get(name, "")
    if not value:
        raise RowError("row.empty_field", field=name)
    return value


def _wechatmsg(number: int, row: Row, zone: tzinfo) -> ChatMessage | None:
    kind = row.get("Type", "")
    if kind == SYSTEM_TYPE:
        return None
    stamp = row.get("CreateTime", "")
    if stamp.isdigit():
        at = datetime.fromtimestamp(int(stamp), UTC)
    else:
        at = parse_instant(_need(row, "StrTime"), zone)
    mine = row.get("IsSender") == "1"
    name = "" if mine else (row.get("Remark") or row.get("NickName") or "")
    text = row.get("StrContent", "") if kind in ("1", "") else _PLACEHOLDERS.get(kind, "[消息]")
    chat = _need(row, "TalkerId")
    sender = row.get("Remark") or row.get("NickName") or row.get("Sender", "")
    group = chat.endswith("@chatroom")
    local_id = _need(row, "localId")
    return ChatMessage(chat, name, group, sender, mine, at, text, f"localId:{local_id}", number)


def _pywxdump(number: int, row: Row, zone: tzinfo) -> ChatMessage | None:
    kind = row.get("type_name", "")
    if kind in _PYWXDUMP_SYSTEM:
        return None
    chat = _need(row, "room_name")
    server_id = row.get("MsgSvrID", "")
    key = f"MsgSvrID:{server_id}" if server_id and server_id != "0" else f"id:{_need(row, 'id')}"
    at = parse_instant(_need(row, "CreateTime"), zone)
    mine = row.get("is_sender") == "1"
    text = row.get("msg") or row.get("content") or (f"[{kind}]" if kind else "")
    group = chat.endswith("@chatroom")
    return ChatMessage(chat, chat, group, row.get("talker", ""), mine, at, text, key, number)


def _chatlog(number: int, item: object, zone: tzinfo) -> ChatMessage | None:
    if not isinstance(item, dict):
        raise RowError("row.wechat_not_object")
    if str(item.get("type", "")) == SYSTEM_TYPE:
        return None
    seq, chat, when = item.get("seq"), item.get("talker"), item.get("time")
    if type(seq) is not int and not (isinstance(seq, str) and seq):
        raise RowError("row.empty_field", field="seq")
    if not isinstance(chat, str) or not chat or not isinstance(when, str):
        raise RowError("row.empty_field", field="talker, time")
    name = item.get("talkerName") if isinstance(item.get("talkerName"), str) else ""
    sender = item.get("senderName") or item.get("sender") or ""
    content, kind = item.get("content"), str(item.get("type", "1"))
    text = content if isinstance(content, str) and kind == "1" else _PLACEHOLDERS.get(kind, "")
    return ChatMessage(
        chat,
        str(name),
        bool(item.get("isChatRoom")),
        str(sender),
        bool(item.get("isSelf")),
        parse_instant(when, zone),
        text,
        f"seq:{seq}",
        number,
    )


def _items(fmt: str, data: bytes) -> Iterator[tuple[int, object]]:
    if fmt == "chatlog":
        return enumerate(load_json_list(data, ACCEPTED), 1)
    return _csv_rows(data)


_READERS: dict[str, Callable[[int, dict[str, str], tzinfo], ChatMessage | None]] = {
    "wechatmsg": _wechatmsg,
    "pywxdump": _pywxdump,
}


def _read(fmt: str, number: int, item: object, zone: tzinfo) -> ChatMessage | None:
    if fmt == "chatlog":
        return _chatlog(number, item, zone)
    assert isinstance(item, dict)
    return _READERS[fmt](number, item, zone)


def _settle_groups(messages: list[ChatMessage], file_name: str) -> list[ChatMessage]:
    """WeChatMsg rows carry the sender's name, not the chat's: a chat with two or more other
    senders is a group, named by the file (WeChatMsg names it after the chat) or by its id, so
    that `--chat 张经理` never selects a group 张经理 writes in."""
    senders: dict[str, set[str]] = {}
    for m in messages:
        if not m.mine:
            senders.setdefault(m.chat, set()).add(m.sender)
    groups = {chat for chat, found in senders.items() if len(found) > 1}
    groups |= {m.chat for m in messages if m.group}
    single = len({m.chat for m in messages}) == 1
    stem = file_name.rsplit(".", 1)[0].removesuffix("_utf8") if single and file_name else ""
    return [
        m._replace(chat_name=stem or m.chat, group=True) if m.chat in groups else m
        for m in messages
    ]


def parse_wechat(data: bytes, options: ImportOptions) -> ImportResult:
    """Messages of the chosen chats become burst events (channel wechat); see chat.chat_result."""
    fmt = options.chat_format or detect(data)
    if fmt not in FORMATS:
        raise ImportFormatError("format.chat_format", value=fmt, accepted=", ".join(FORMATS))
    zone = options.tz()
    messages, problems, system = collect(
        _items(fmt, data), lambda number, item: _read(fmt, number, item, zone)
    )
    if not messages and not problems and not system:
        raise ImportFormatError("format.no_messages", accepted=ACCEPTED)
    if fmt == "wechatmsg":
        messages = _settle_groups(messages, options.source_name)
    return chat_result(messages, problems, "wechat", options, ignored=system)
