"""Chat messages (WeChat exports, SMS) as work records: chosen chats only, in bursts (RULES E1).

A reader turns its file into `ChatMessage` values; `chat_result` keeps the chats the worker chose
(`--chat`: nothing of any other chat is imported, so private life stays out of the ledger), groups
each chat's messages into bursts (less than `gap_minutes` apart) and makes one event of each, from
the first message to the last plus `tail_minutes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple, TypeVar

from offline_tracker.formats.importers.base import (
    ChatSummary,
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    dedupe,
    one_line,
)

SNIPPET = 60
_ACK_TRIM = re.compile(r"[\s。．.！!～~,，、…]+")


class ChatMessage(NamedTuple):
    """One message. `key` is stable across exports (a message id, never a display name)."""

    chat: str
    chat_name: str
    group: bool
    sender: str
    mine: bool
    at: datetime
    text: str
    key: str
    line: int


def ack_word(text: str) -> str:
    """The text as acknowledgements are compared: case-folded, without spaces and end marks."""
    return _ACK_TRIM.sub("", text).casefold()


class _Chats(NamedTuple):
    """What a file says of its chats: every name each had, its latest, and which are groups."""

    names: dict[str, set[str]]
    display: dict[str, str]
    groups: set[str]


def _chats(messages: Iterable[ChatMessage]) -> _Chats:
    names: dict[str, set[str]] = {}
    latest: dict[str, tuple[datetime, str]] = {}
    senders: dict[str, set[str]] = {}
    groups: set[str] = set()
    for m in messages:
        names.setdefault(m.chat, {m.chat})
        if m.chat_name:
            names[m.chat].add(m.chat_name)
            if m.chat not in latest or m.at >= latest[m.chat][0]:
                latest[m.chat] = (m.at, m.chat_name)
        if m.group:
            groups.add(m.chat)
        if not m.mine:
            senders.setdefault(m.chat, set()).add(m.sender)
    groups |= {chat for chat, found in senders.items() if len(found) > 1}
    display = {chat: latest[chat][1] if chat in latest else chat for chat in names}
    return _Chats(names, display, groups)


def _chosen(chats: _Chats, wanted: Sequence[str]) -> set[str]:
    """The chat ids `--chat` names (by id or by any name the chat has had in the file)."""
    chosen: set[str] = set()
    for want in wanted:
        folded = want.strip().casefold()
        hits = {c for c, known in chats.names.items() if folded in {n.casefold() for n in known}}
        if not hits:
            raise ImportFormatError("format.no_chat", name=want)
        chosen |= hits
    return chosen


def summaries(messages: Sequence[ChatMessage]) -> tuple[ChatSummary, ...]:
    """Each chat with its name (the latest it has in the file) and its message times."""
    chats = _chats(messages)
    times: dict[str, list[datetime]] = {}
    for m in messages:
        times.setdefault(m.chat, []).append(m.at)
    return tuple(
        ChatSummary(chat, chats.display[chat], chat in chats.groups, tuple(sorted(found)))
        for chat, found in times.items()
    )


def _bursts(messages: Sequence[ChatMessage], gap: timedelta) -> list[list[ChatMessage]]:
    bursts: list[list[ChatMessage]] = []
    for m in sorted(messages, key=lambda m: (m.at, m.line)):
        if bursts and m.at - bursts[-1][-1].at < gap:
            bursts[-1].append(m)
        else:
            bursts.append([m])
    return bursts


def _direction(burst: Sequence[ChatMessage]) -> str:
    if burst[0].mine:
        return "initiated"
    return "replied" if any(m.mine for m in burst) else "received"


def _is_ack(burst: Sequence[ChatMessage], acks: frozenset[str]) -> bool:
    """RULES E1: the worker wrote, and wrote only acknowledgements ("收到", "好的", ...)."""
    mine = [m for m in burst if m.mine]
    return bool(mine) and all(ack_word(m.text) in acks for m in mine)


def _counterpart(burst: Sequence[ChatMessage], name: str, group: bool) -> str:
    """The other party: the contact, or in a group the first other sender of the burst."""
    if not group:
        return name
    return next((m.sender for m in burst if not m.mine and m.sender), name)


def _event(
    burst: Sequence[ChatMessage], channel: str, options: ImportOptions, chats: _Chats
) -> ImportedRecord:
    first, last = burst[0], burst[-1]
    name = chats.display[first.chat]
    end = last.at + timedelta(seconds=round(options.tail_minutes * 60))
    if options.not_after is not None:
        end = max(first.at, min(end, options.not_after))
    acks = frozenset(ack_word(w) for w in options.ack_words)
    snippet = one_line(first.text)[:SNIPPET]
    return ImportedRecord(
        f"{channel}:{first.chat}:{first.key}",
        "event",
        first.at,
        end,
        options.zone,
        f"{name}: {snippet}" if snippet else name,
        channel=channel,
        counterpart=_counterpart(burst, name, first.chat in chats.groups) or None,
        direction=_direction(burst),
        kind="ack" if _is_ack(burst, acks) else None,
        line=first.line,
        items=tuple(m.key for m in burst),
    )


def future(messages: list[ChatMessage], options: ImportOptions) -> list[Problem]:
    """Refuse (and drop from `messages`) what lies after now: an export never holds the future."""
    bound = options.not_after
    if bound is None:
        return []
    late = [m for m in messages if m.at > bound]
    messages[:] = [m for m in messages if m.at <= bound]
    return [Problem.row(m.line, "row.future_message") for m in late]


T = TypeVar("T")


def collect(
    items: Iterable[tuple[int, T]], read: Callable[[int, T], ChatMessage | None]
) -> tuple[list[ChatMessage], list[Problem], int]:
    """Read numbered items into messages: a bad one is a problem on its line, None is ignored
    (a system message, a blocked call); returns (messages, problems, ignored)."""
    messages: list[ChatMessage] = []
    problems: list[Problem] = []
    ignored = 0
    for number, item in items:
        try:
            message = read(number, item)
        except (ValueError, OverflowError, OSError) as exc:
            problems.append(Problem.of(number, exc))
            continue
        if message is None:
            ignored += 1
        else:
            messages.append(message)
    return messages, problems, ignored


def chat_result(
    messages: list[ChatMessage],
    problems: list[Problem],
    channel: str,
    options: ImportOptions,
    calls: Mapping[str, ImportedRecord] | None = None,
    ignored: int = 0,
) -> ImportResult:
    """List the chats, or make the chosen chats' bursts records.

    `calls` maps the key of a message that is a phone call to its own record (never in a burst).
    """
    problems += future(messages, options)
    if options.list_chats:
        return ImportResult((), tuple(problems), ignored, summaries(messages))
    if not options.chats:
        raise ImportFormatError("format.choose_chat")
    chats = _chats(messages)
    chosen = _chosen(chats, options.chats)
    kept = [m for m in messages if m.chat in chosen]
    calls = calls or {}
    by_chat: dict[str, list[ChatMessage]] = {}
    records = [calls[m.key] for m in kept if m.key in calls]
    for m in kept:
        if m.key not in calls:
            by_chat.setdefault(m.chat, []).append(m)
    gap = timedelta(seconds=round(options.gap_minutes * 60))
    records += [
        _event(burst, channel, options, chats)
        for chat in by_chat.values()
        for burst in _bursts(chat, gap)
    ]
    records.sort(key=lambda r: (r.start, r.line))
    ignored += len(messages) - len(kept)
    return ImportResult(tuple(dedupe(records, problems, "chat_message")), tuple(problems), ignored)
