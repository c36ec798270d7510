"""Phone backups of SMS Backup & Restore: `calls-*.xml` and `sms-*.xml`, read with defusedxml.

Calls become one event each with their real duration (channel phone, kind call); a missed,
rejected or voicemail call is a contact event of zero claimed time. Text messages go through the
chat bursts (channel sms). Contacts are chosen with `--chat` (a name or a number), as for WeChat.
The XML is read element by element (bounded memory) by a parser that refuses DTDs and entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    RowError,
    accepted,
)
from offline_tracker.formats.importers.chat import ChatMessage, chat_result, collect

ACCEPTED = accepted("phone")
# type: (direction, counts its duration, record text)
_CALLS = {
    "1": ("received", True, "[来电]"),
    "2": ("initiated", True, "[去电]"),
    "3": ("received", False, "[未接来电]"),
    "4": ("received", False, "[语音信箱]"),
    "5": ("received", False, "[拒接来电]"),
}
_BLOCKED = "6"
# 1 received, 2 sent (by the worker)
_SMS = {"1": False, "2": True}
_NUMBER_JUNK = re.compile(r"[\s()\-.]")
_UNKNOWN = ("", "(unknown)", "null", "unknown")


def number_key(number: str) -> str:
    """A phone number as a chat id: no spaces or dashes, China's +86/0086 prefix dropped."""
    digits = _NUMBER_JUNK.sub("", number)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix) and len(digits) > 11:
            return digits[len(prefix) :]
    return digits


def _elements(handle: IO[bytes]) -> Iterator[tuple[str, dict[str, str]]]:
    """(tag, attributes) of each child of the root, the root's tag first with no attributes."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    depth = 0
    try:
        for event, element in iterparse(handle, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1:
                    yield element.tag, {}
                continue
            depth -= 1
            if depth == 1:
                yield element.tag, dict(element.attrib)
            element.clear()  # bounded memory: nothing read is kept
    except DefusedXmlException as exc:
        why = type(exc).__name__
        raise ImportFormatError("format.xml_refused", detail=why, accepted=ACCEPTED) from None
    except ParseError as exc:
        raise ImportFormatError("format.xml_invalid", detail=str(exc), accepted=ACCEPTED) from None


def _when(attrs: dict[str, str]) -> datetime:
    ms = attrs.get("date", "")
    if not ms.isdigit():
        raise RowError("row.phone_date", value=ms)
    return datetime.fromtimestamp(int(ms) // 1000, UTC)


def _contact(attrs: dict[str, str], key: str) -> tuple[str, str]:
    number = attrs.get(key, "").strip()
    if not number:
        raise RowError("row.empty_field", field=key)
    name = attrs.get("contact_name", "").strip()
    return number_key(number), "" if name.casefold() in _UNKNOWN else name


def _call(number: int, attrs: dict[str, str]) -> ChatMessage | None:
    kind = attrs.get("type", "")
    if kind == _BLOCKED:
        return None
    if kind not in _CALLS:
        raise RowError("row.phone_call_type", value=kind)
    chat, name = _contact(attrs, "number")
    at = _when(attrs)
    duration = attrs.get("duration", "0")
    if not duration.isdigit():
        raise RowError("row.phone_duration", value=duration)
    key = f"call:{attrs['date']}:{chat}"
    return ChatMessage(chat, name, False, name, kind == "2", at, kind, key, number)


def _call_record(m: ChatMessage, attrs: dict[str, str], options: ImportOptions) -> ImportedRecord:
    direction, counts, text = _CALLS[m.text]
    seconds = int(attrs.get("duration", "0")) if counts else 0
    end = m.at + timedelta(seconds=seconds)
    if options.not_after is not None:
        end = max(m.at, min(end, options.not_after))
    return ImportedRecord(
        f"phone:{m.key}",
        "event",
        m.at,
        end,
        options.zone,
        text,
        channel="phone",
        counterpart=m.chat_name or m.chat,
        direction=direction,
        kind="call",
        line=m.line,
        items=(m.key,),
    )


def _sms(number: int, attrs: dict[str, str]) -> ChatMessage | None:
    kind = attrs.get("type", "")
    if kind not in _SMS:
        return None  # drafts, outbox, failed: never delivered
    chat, name = _contact(attrs, "address")
    at, body = _when(attrs), attrs.get("body", "")
    return ChatMessage(
        chat, name, False, name, _SMS[kind], at, body, f"sms:{attrs['date']}", number
    )


def parse_phone(data: bytes | IO[bytes], options: ImportOptions) -> ImportResult:
    """Calls or text messages of the chosen contacts; see the module's description."""
    import io

    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    elements = _elements(handle)
    root = next(elements, ("", {}))[0]
    if root not in ("calls", "smses"):
        raise ImportFormatError("format.xml_root", root=root, accepted=ACCEPTED)
    calls: dict[str, ImportedRecord] = {}
    messages, problems, ignored = collect(
        enumerate(elements, 1),
        lambda number, element: _item(root, element[0], number, element[1], options, calls),
    )
    return chat_result(messages, problems, "sms", options, calls, ignored)


def _item(
    root: str,
    tag: str,
    number: int,
    attrs: dict[str, str],
    options: ImportOptions,
    calls: dict[str, Any],
) -> ChatMessage | None:
    if root == "calls" and tag == "call":
        message = _call(number, attrs)
        if message is not None:
            calls[message.key] = _call_record(message, attrs, options)
        return message
    if root == "smses" and tag == "sms":
        return _sms(number, attrs)
    return None  # MMS and other elements: not read
