"""Times and durations as users type them (WHEN, DATE, minutes), turned into aware instants."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from offline_tracker.domain import timewords
from offline_tracker.domain.errors import InputError, Message
from offline_tracker.domain.values import value

# What each kind of input accepts, as the reader's language shows it (forms.* messages).
WHEN_FORMS = Message("forms.when")
DATE_FORMS = Message("forms.date")
DURATION_FORMS = Message("forms.duration")

_DAY_WORDS = {
    "today": 0,
    "今天": 0,
    "yesterday": 1,
    "昨天": 1,
    "昨晚": 1,
    "前天": 2,
}
_UNIT_SECONDS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "秒": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "分": 60,
    "分钟": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "小时": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "天": 86400,
}
# As text: compiled by re on first use (domain/timewords.py says why).
_TIME_RE = r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$"
_DATE_RE = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"
_AGO_RE = r"^(?P<amount>(?:\d+(?:\.\d+)?\s*[a-z\u4e00-\u9fff]+\s*)+)(?:ago|前|之前)$"
_PART_RE = r"(\d+(?:\.\d+)?)\s*([a-z\u4e00-\u9fff]+)"


@value
class When:
    """A parsed time: the UTC instant, and a note when the input was read in a special way."""

    instant: datetime
    note: Message | None = None


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or an InputError that says what is accepted."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InputError("error.zone", name=name) from exc


def local_to_utc(day: date, clock_time: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as a UTC instant; a time skipped by a DST change is an error."""
    local = datetime.combine(day, clock_time, tzinfo=tz)
    # RULES T1: a wall time that does not exist (spring forward) does not round-trip.
    back = local.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InputError("error.time_skipped", when=f"{day} {clock_time:%H:%M}", zone=tz.key)
    return local.astimezone(UTC)


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> When:
    """Read WHEN (see WHEN_FORMS) relative to `now`; local times are in `tz`, not the machine's."""
    raw = " ".join(str(text).strip().lower().split())
    if not raw:
        raise InputError("error.when", text=text, forms=WHEN_FORMS)
    if raw in ("now", "现在", "刚才"):
        return When(_second(now))
    for parse in (_parse_ago, _parse_clock, _parse_spoken, _parse_absolute):
        found = parse(raw, now, tz)
        if found is not None:
            return When(_second(found[0]), found[1])
    raise InputError("error.when", text=text, forms=WHEN_FORMS)


def parse_date(text: str, today: date) -> date:
    """Read a local calendar date (see DATE_FORMS)."""
    raw = timewords.numerals(str(text).strip().lower())
    if raw in _DAY_WORDS:
        return today - timedelta(days=_DAY_WORDS[raw])
    match = re.match(_DATE_RE, raw)
    if match:
        try:
            day = date(*(int(g) for g in match.groups()))
        except ValueError:
            day = None
        # Years outside 1970-2100 are typing slips, and keep instant arithmetic in range.
        if day is not None and 1970 <= day.year <= 2100:
            return day
    raise InputError("error.date", text=text, forms=DATE_FORMS)


def parse_duration(text: str) -> timedelta:
    """Read a positive duration; a bare number means minutes (see DURATION_FORMS)."""
    raw = str(text).strip().lower().replace(" ", "")
    seconds: float = 0.0
    try:
        seconds = float(raw) * 60
    except ValueError:
        seconds = _unit_seconds(raw, text)
    if not seconds > 0 or seconds > 31 * 86400:
        raise InputError("error.duration_range", text=text)
    return timedelta(seconds=round(seconds))


def _unit_seconds(raw: str, text: str) -> float:
    parts = re.findall(_PART_RE, raw)
    if not parts or "".join(a + u for a, u in parts) != raw:
        raise InputError("error.duration", text=text, forms=DURATION_FORMS)
    if any(unit not in _UNIT_SECONDS for _, unit in parts):
        raise InputError("error.duration", text=text, forms=DURATION_FORMS)
    return sum(float(amount) * _UNIT_SECONDS[unit] for amount, unit in parts)


def _second(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(microsecond=0)


def _parse_ago(raw: str, now: datetime, _tz: ZoneInfo) -> tuple[datetime, Message | None] | None:
    match = re.match(_AGO_RE, timewords.spoken_amount(timewords.numerals(raw)))
    if not match:
        return None
    return now - parse_duration(match.group("amount")), None


def _parse_spoken(raw: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, Message | None] | None:
    """晚上11点40, 周五 23:40, 上周五 23:40, 10/1 23:40, 2025年10月1日 23点40 (timewords).

    A time without its day, week or year is the latest one that is not in the future, as a
    bare 23:40 is (docs/cli.md, "When a record happened"); a note says so when it goes back."""
    wall = timewords.wall_time(raw)  # a full date and time: read as the importers read it
    if wall is not None and wall[3] is not None:
        year, month, day_of, hour, minute, second = wall
        moment = _clock(f"{hour}:{minute:02d}:{second:02d}", raw)
        return local_to_utc(_valid_date(year, month, day_of, raw=raw), moment, tz), None
    found = timewords.spoken(timewords.numerals(raw))
    if found is None:
        return None
    clock_time = _clock(f"{found.hour}:{found.minute:02d}:{found.second:02d}", raw)
    today = now.astimezone(tz).date()
    day, step = _spoken_day(found, today, raw)
    shift = timedelta(days=1 if found.next_day else 0)
    instant = local_to_utc(day + shift, clock_time, tz)
    if step is None or instant <= now:
        return instant, None
    earlier = _step_back(day, step)
    instant = local_to_utc(earlier + shift, clock_time, tz)
    if step == "day":
        return instant, Message("note.read_as_yesterday", {"time": raw})
    return instant, Message("note.read_as", {"text": raw, "date": earlier.isoformat()})


def _spoken_day(found: timewords.Spoken, today: date, raw: str) -> tuple[date, str | None]:
    """The day a spoken time names, and the step back to take if that moment is still ahead."""
    if found.date is not None:
        return _valid_date(*found.date, raw=raw), None
    if found.days_back is not None:
        return today - timedelta(days=found.days_back), None
    if found.weekday is not None:
        monday = today - timedelta(days=today.weekday())
        if found.week is not None:
            weeks = -7 if found.week == "last" else 0
            return monday + timedelta(days=weeks + found.weekday - 1), None
        back = (today.weekday() - (found.weekday - 1)) % 7
        return today - timedelta(days=back), "week"
    if found.month_day is not None:
        return _valid_date(today.year, *found.month_day, raw=raw), "year"
    return today, "day"


def _step_back(day: date, step: str) -> date:
    if step == "day":
        return day - timedelta(days=1)
    if step == "week":
        return day - timedelta(days=7)
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 2/29 of a leap year: the year before has none
        raise InputError("error.date", text=day.isoformat(), forms=DATE_FORMS) from None


def _valid_date(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError("error.date", text=raw, forms=DATE_FORMS) from None


def _parse_clock(raw: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, Message | None] | None:
    words = raw.split(" ")
    back = None
    if len(words) == 2 and words[0] in _DAY_WORDS:
        back, words = _DAY_WORDS[words[0]], words[1:]
    elif len(words) == 1 and words[0][:2] in _DAY_WORDS and re.match(_TIME_RE, words[0][2:]):
        back, words = _DAY_WORDS[words[0][:2]], [words[0][2:]]
    if len(words) != 1 or not re.match(_TIME_RE, words[0]):
        return None
    clock_time = _clock(words[0], raw)
    today = now.astimezone(tz).date()
    instant = local_to_utc(today - timedelta(days=back or 0), clock_time, tz)
    if back is None and instant > now:
        # A bare time later than now means last night: the common case at 00:20 for "23:40".
        instant = local_to_utc(today - timedelta(days=1), clock_time, tz)
        return instant, Message("note.read_as_yesterday", {"time": words[0]})
    return instant, None


def _parse_absolute(
    raw: str, now: datetime, tz: ZoneInfo
) -> tuple[datetime, Message | None] | None:
    text = raw.replace("t", " ", 1) if re.match(r"^\d{4}-\d{2}-\d{2}t", raw) else raw
    parts = text.split(" ", 1)
    match = re.match(_DATE_RE, parts[0])
    if not match:
        return None
    day = parse_date(parts[0], now.date())
    if len(parts) == 1:
        return local_to_utc(day, time(0), tz), None
    rest = parts[1].replace(" ", "")
    offset_match = re.match(r"^([\d:：.]+)(z|[+-]\d{2}:?\d{2})?$", rest)
    if not offset_match:
        raise InputError("error.when", text=raw, forms=WHEN_FORMS)
    clock_text, offset = offset_match.groups()
    clock_time = _clock(clock_text.split(".")[0], raw)
    if offset is None:
        return local_to_utc(day, clock_time, tz), None
    iso = f"{day.isoformat()}T{clock_time.isoformat()}{'+00:00' if offset == 'z' else offset}"
    try:
        return datetime.fromisoformat(iso), None
    except ValueError as exc:
        raise InputError("error.offset", text=raw) from exc


def _clock(text: str, raw: str) -> time:
    match = re.match(_TIME_RE, text)
    if not match:
        raise InputError("error.when", text=raw, forms=WHEN_FORMS)
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise InputError("error.clock", text=text)
    return time(hour, minute, second)


_WEEK_RE = r"^(\d{4})-?w(\d{1,2})$"
_MONTH_RE = r"^(\d{4})[-/.年](\d{1,2})月?$"
WEEK_FORMS = Message("forms.week")
MONTH_FORMS = Message("forms.month")


def week_of(day: date, week_start: int = 0) -> tuple[date, date]:
    """The week (first and last local date) that holds `day`; weeks start on `week_start`."""
    first = day - timedelta(days=(day.weekday() - week_start) % 7)
    return first, first + timedelta(days=6)


def parse_week(text: str | None, today: date, week_start: int = 0) -> tuple[date, date]:
    """A week: ISO `2025-W40` (Monday-based by ISO), a date inside it, `this` or `last`."""
    raw = (text or "this").strip().lower()
    if raw in ("this", "本周"):
        return week_of(today, week_start)
    if raw in ("last", "上周"):
        return week_of(today - timedelta(days=7), week_start)
    match = re.match(_WEEK_RE, raw)
    if match:
        try:
            monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            raise InputError("error.week", text=text, forms=WEEK_FORMS) from None
        return week_of(monday, week_start)
    try:
        return week_of(parse_date(raw, today), week_start)
    except InputError:
        raise InputError("error.week", text=text, forms=WEEK_FORMS) from None


def parse_month(text: str | None, today: date) -> tuple[date, date]:
    """A calendar month: `2025-10`, `this` or `last`."""
    raw = (text or "this").strip().lower()
    if raw in ("this", "本月"):
        year, month = today.year, today.month
    elif raw in ("last", "上月"):
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    else:
        match = re.match(_MONTH_RE, raw)
        if (
            not match
            or not 1 <= int(match.group(2)) <= 12
            or not 1970 <= int(match.group(1)) <= 2100
        ):
            raise InputError("error.month", text=text, forms=MONTH_FORMS)
        year, month = int(match.group(1)), int(match.group(2))
    first = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, nxt - timedelta(days=1)
