"""ActivityWatch's export: focus time in work apps, minus time away (AFK), as sessions.

The export is `{"buckets": {ID: {"id", "type", "client", "hostname", "events": [{"timestamp",
"duration", "data"}]}}}`. Window buckets (`currentwindow`: `data.app`, `data.title`) say which app
had the focus; AFK buckets (`afkstatus`: `data.status` afk / not-afk) when the user was away. Focus
in a work app, minus the same host's AFK time, with gaps under two minutes merged, is a session.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    RowError,
    accepted,
    dedupe,
    to_utc,
)
from offline_tracker.formats.importers.datetimes import aware_iso
from offline_tracker.formats.importers.watson import load_json

ACCEPTED = accepted("activitywatch")
MERGE_GAP = timedelta(minutes=2)
# Work apps by default, the first word found in the app's name (case-folded) deciding the channel:
# 企业微信 before 微信, so WeCom is not taken for WeChat.
WORK_APPS: tuple[tuple[str, str], ...] = (
    ("wxwork", "wecom"),
    ("企业微信", "wecom"),
    ("wecom", "wecom"),
    ("wechat", "wechat"),
    ("weixin", "wechat"),
    ("微信", "wechat"),
    ("dingtalk", "dingtalk"),
    ("钉钉", "dingtalk"),
    ("feishu", "feishu"),
    ("lark", "feishu"),
    ("飞书", "feishu"),
    ("outlook", "email"),
    ("teams", "teams"),
    ("slack", "slack"),
)


class Piece(NamedTuple):
    start: datetime
    end: datetime
    key: str
    app: str
    channel: str
    number: int
    cut: int = 0  # seconds into its window event where an AFK span cut this piece off


def _piece_id(piece: Piece) -> str:
    # A session that starts where AFK time cut a window event is told apart from the one that
    # starts at the event itself (same bucket and timestamp) by the seconds into the event.
    return f"aw:{piece.key}" + (f"+{piece.cut}s" if piece.cut else "")


def _instant(value: object) -> datetime:
    return aware_iso(value, "row.aw_timestamp", "row.aw_zone")


def _span(event: object) -> tuple[datetime, datetime, dict[str, object]]:
    if not isinstance(event, dict):
        raise RowError("row.aw_not_object")
    start = _instant(event.get("timestamp"))
    duration = event.get("duration", 0)
    if type(duration) not in (int, float) or not 0 <= duration < 7 * 86400:
        raise RowError("row.aw_duration", value=duration)
    data = event.get("data")
    return start, start + timedelta(seconds=float(duration)), data if isinstance(data, dict) else {}


def _channel(app: str, extra: Sequence[str]) -> str | None:
    folded = app.casefold()
    for word, channel in WORK_APPS:
        if word in folded:
            return channel
    return "other" if any(word.casefold() in folded for word in extra) else None


class _Reader:
    """Pieces of work focus and spans of AFK per host, read from the buckets."""

    def __init__(self, options: ImportOptions) -> None:
        self.options = options
        self.focus: dict[str, list[Piece]] = {}
        self.away: dict[str, list[tuple[datetime, datetime]]] = {}
        self.problems: list[Problem] = []
        self.ignored = 0
        self.number = 0

    def bucket(self, name: str, bucket: object) -> None:
        if not isinstance(bucket, dict) or not isinstance(bucket.get("events", []), list):
            raise ImportFormatError("format.aw_bucket", name=name, accepted=ACCEPTED)
        kind, host = str(bucket.get("type", "")), str(bucket.get("hostname", ""))
        for event in bucket.get("events", []):
            self.number += 1
            if kind not in ("currentwindow", "afkstatus"):
                self.ignored += 1
                continue
            try:
                self._event(kind, host, name, event)
            except (ValueError, OverflowError) as exc:
                self.problems.append(Problem.of(self.number, exc))

    def _event(self, kind: str, host: str, bucket: str, event: object) -> None:
        start, end, data = _span(event)
        if kind == "afkstatus":
            if data.get("status") == "afk":
                self.away.setdefault(host, []).append((start, end))
            return
        app, title = str(data.get("app", "")), str(data.get("title", ""))
        channel = _channel(app, self.options.apps)
        titles = self.options.titles
        if channel is None or (
            titles and not any(t.casefold() in title.casefold() for t in titles)
        ):
            self.ignored += 1
            return
        key = f"{bucket}:{event['timestamp']}"  # type: ignore[index]
        piece = Piece(start, end, key, app, channel, self.number)
        self.focus.setdefault(host, []).append(piece)


def _merged(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _present(pieces: Sequence[Piece], away: Sequence[tuple[datetime, datetime]]) -> list[Piece]:
    """The pieces with the AFK spans cut out (both sorted; away merged)."""
    ends = [end for _, end in away]
    kept: list[Piece] = []
    for piece in pieces:
        start = piece.start
        i = bisect_right(ends, start)
        while i < len(away) and away[i][0] < piece.end:
            if away[i][0] > start:
                kept.append(_cut(piece, start, away[i][0]))
            start = max(start, away[i][1])
            i += 1
        if start < piece.end:
            kept.append(_cut(piece, start, piece.end))
    return kept


def _cut(piece: Piece, start: datetime, end: datetime) -> Piece:
    return piece._replace(start=start, end=end, cut=int((start - piece.start).total_seconds()))


def _session(group: Sequence[Piece], zone: str) -> ImportedRecord:
    seconds: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    for piece in group:
        length = round((piece.end - piece.start).total_seconds())
        seconds[piece.app] += length
        channels[piece.channel] += length
    apps = ", ".join(app for app, _ in seconds.most_common(3))
    return ImportedRecord(
        _piece_id(group[0]),
        "session",
        to_utc(group[0].start),
        to_utc(max(p.end for p in group) + timedelta(microseconds=999_999)),
        zone,
        f"ActivityWatch: {apps}",
        channel=channels.most_common(1)[0][0],
        line=group[0].number,
        items=tuple(dict.fromkeys(p.key for p in group)),
    )


def _sessions(pieces: list[Piece], zone: str) -> list[ImportedRecord]:
    pieces.sort()
    groups: list[list[Piece]] = []
    end: datetime | None = None
    for piece in pieces:
        if groups and end is not None and piece.start - end < MERGE_GAP:
            groups[-1].append(piece)
            end = max(end, piece.end)
        else:
            groups.append([piece])
            end = piece.end
    return [_session(group, zone) for group in groups]


def parse_activitywatch(data: bytes, options: ImportOptions) -> ImportResult:
    """Focus in work apps (`options.apps` adds names, `options.titles` filters) as sessions."""
    export = load_json(data, ACCEPTED)
    buckets = export.get("buckets") if isinstance(export, dict) else None
    if not isinstance(buckets, dict):
        raise ImportFormatError("format.aw_no_buckets", accepted=ACCEPTED)
    reader = _Reader(options)
    for name, bucket in buckets.items():
        reader.bucket(str(name), bucket)
    pieces = [
        piece
        for host, found in reader.focus.items()
        for piece in _present(sorted(found), _merged(reader.away.get(host, ())))
    ]
    problems = reader.problems
    records = dedupe(_sessions(pieces, options.zone), problems, "event")
    return ImportResult(tuple(records), tuple(problems), reader.ignored)
