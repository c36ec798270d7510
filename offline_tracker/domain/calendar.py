"""Day types (workday, rest day, statutory holiday) per jurisdiction: RULES C1-C8."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Final, Protocol, TypeVar

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.schedule import Shift
from offline_tracker.domain.values import field, value

WORKDAY: Final = "workday"
REST_DAY: Final = "rest_day"
STATUTORY: Final = "statutory_holiday"
DAY_TYPES: Final = (WORKDAY, REST_DAY, STATUTORY)
SOURCES: Final = ("official", "rule", "provisional", "user", "weekend", "schedule")

# RULES C6: countries whose day-off schedule is published year by year (swapped workdays);
# a year the library has no published schedule for is provisional.
YEARLY_SCHEDULE_COUNTRIES: Final = frozenset({"CN"})
NOTE_HALF_DAY: Final = "half_day_holiday"
NOTE_MAKE_UP: Final = "make_up_workday"
NOTE_IN_LIEU: Final = "day_in_lieu"
NOTE_BREAK: Final = "holiday_break"
_T = TypeVar("_T")


@value
class DayInfo:
    """What one local date is (RULES C1) and where that came from."""

    date: date
    day_type: str
    source: str
    provisional: bool = False
    name_en: str | None = None
    name_zh: str | None = None
    hours: tuple[Shift, ...] | None = None
    note: str | None = None


class CalendarOverrideError(InputError):
    """A day type or hours for `ot calendar set` that cannot be used; the message says why."""


@value
class CalendarOverride:
    """The user's `ot calendar set`: a day type for one date, with hours for a workday."""

    date: date
    day_type: str
    hours: tuple[Shift, ...] | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.day_type not in DAY_TYPES:
            raise CalendarOverrideError(
                "calendar.day_type", value=self.day_type, choices=", ".join(DAY_TYPES)
            )
        if self.hours is not None and self.day_type != WORKDAY:
            raise CalendarOverrideError("calendar.hours_not_workday", day_type=self.day_type)


@value
class OfficialDay:
    """One listed day of a loaded official schedule."""

    date: date
    day_type: str
    name_en: str | None = None
    name_zh: str | None = None


@value
class OfficialSchedule:
    """A published holiday schedule for one year (docs/calendar.md); other days follow the week."""

    jurisdiction: str
    year: int
    days: tuple[OfficialDay, ...]
    source: str | None = None

    def get(self, day: date) -> OfficialDay | None:
        return next((d for d in self.days if d.date == day), None)


class OfficialScheduleError(InputError):
    """A schedule file that cannot be read; the message (key `calendar.*`) names the line."""


_KINDS: Final = {
    "holiday": STATUTORY,
    "statutory": STATUTORY,
    "法定": STATUTORY,
    "rest": REST_DAY,
    "休": REST_DAY,
    "workday": WORKDAY,
    "班": WORKDAY,
}
_DAY_LINE: Final = re.compile(
    r"^(\S+)\s+(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?(?:\s+(.*))?$"
)
_HEADERS: Final = ("jurisdiction", "year", "source")


def _parse_date(text: str, number: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise OfficialScheduleError("calendar.bad_date", line=number, text=text) from exc


def _parse_day_line(line: str, number: int) -> list[OfficialDay]:
    match = _DAY_LINE.match(line)
    if match is None:
        raise OfficialScheduleError("calendar.cannot_read", line=number, text=line)
    kind, first_text, last_text, names = match.groups()
    if kind.lower() not in _KINDS:
        raise OfficialScheduleError("calendar.unknown_kind", line=number, kind=kind)
    first = _parse_date(first_text, number)
    last = _parse_date(last_text, number) if last_text else first
    if last < first:
        raise OfficialScheduleError(
            "calendar.range_reversed", line=number, text=f"{first_text}..{last_text}"
        )
    name_en, _, name_zh = (names or "").partition("|")
    return [
        OfficialDay(
            first + timedelta(days=i),
            _KINDS[kind.lower()],
            name_en.strip() or None,
            name_zh.strip() or None,
        )
        for i in range((last - first).days + 1)
    ]


def parse_official_schedule(text: str) -> OfficialSchedule:
    """Read the official schedule file format of docs/calendar.md."""
    headers, days, lines = _schedule_lines(text)
    if "jurisdiction" not in headers:
        raise OfficialScheduleError("calendar.missing_jurisdiction")
    if "year" not in headers:
        raise OfficialScheduleError("calendar.missing_year")
    if not re.fullmatch(r"\d{4}", headers["year"]):
        raise OfficialScheduleError("calendar.header_year", text=headers["year"])
    year = int(headers["year"])
    stray = sorted(d for d in days if d.year != year)
    if stray:
        raise OfficialScheduleError(
            "calendar.outside_year", line=lines[stray[0]], day=stray[0].isoformat(), year=year
        )
    if not days:
        raise OfficialScheduleError("calendar.no_days")
    return OfficialSchedule(
        headers["jurisdiction"].upper(),
        year,
        tuple(days[d] for d in sorted(days)),
        headers.get("source") or None,
    )


def _schedule_lines(
    text: str,
) -> tuple[dict[str, str], dict[date, OfficialDay], dict[date, int]]:
    """The headers, the days, and the line each day was listed on; a day twice is refused."""
    headers: dict[str, str] = {}
    days: dict[date, OfficialDay] = {}
    lines: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in _HEADERS and not _DAY_LINE.match(line):
            headers[key.strip().lower()] = value.strip()
            continue
        for day in _parse_day_line(line, number):
            if day.date in days:
                raise OfficialScheduleError(
                    "calendar.listed_twice", line=number, day=day.date.isoformat()
                )
            days[day.date] = day
            lines[day.date] = number
    return headers, days, lines


def _split_jurisdiction(jurisdiction: str) -> tuple[str, str | None]:
    country, _, subdiv = jurisdiction.upper().partition("-")
    return country, subdiv or None


class LibraryCache(Protocol):
    """What the holidays library computed, kept between runs (the app keeps it in a file).

    Keys name a question to the library; values are the JSON-able answers. Computing a year
    costs ~100 ms, most of it loading the library: `ot log` needs one year, an export ten.
    """

    def get(self, key: str) -> Any: ...

    def put(self, key: str, value: Any) -> None: ...


_library_cache: LibraryCache | None = None


def use_library_cache(cache: LibraryCache | None) -> None:
    """Keep the library's answers in `cache` from now on (None: compute them every run)."""
    global _library_cache
    _library_cache = cache


def _remembered(key: str, compute: Callable[[], Any], read: Callable[[Any], _T]) -> _T:
    """read(the cached answer to `key`), or compute, cache and read it; a bad entry is replaced."""
    cache = _library_cache
    if cache is not None:
        found = cache.get(key)
        if found is not None:
            try:
                return read(found)
            except (TypeError, ValueError, KeyError, IndexError):
                pass  # written by something else, or damaged: asked again below
    answer = compute()
    if cache is not None:
        cache.put(key, answer)
    return read(answer)


def _library(country: str, subdiv: str | None, year: int, **kwargs: Any) -> Any:
    import holidays  # slow import: only when a calendar year is first needed

    try:
        return holidays.country_holidays(country, subdiv=subdiv, years=year, **kwargs)
    except NotImplementedError:
        return None


def _names(
    country: str, subdiv: str | None, year: int, **kwargs: Any
) -> dict[date, tuple[str, str | None]]:
    """Holiday names of one year in English and Chinese (None where the library has no zh_CN)."""
    options = ",".join(f"{k}={v}" for k, v in sorted(kwargs.items()))
    return _remembered(
        f"names/{country}/{subdiv or ''}/{year}/{options}",
        lambda: [
            [day.isoformat(), en, zh]
            for day, (en, zh) in _library_names(country, subdiv, year, **kwargs).items()
        ],
        lambda rows: {date.fromisoformat(d): (str(en), _text(zh)) for d, en, zh in rows},
    )


def _make_up_days(country: str, year: int) -> list[date]:
    """The library's official make-up workdays (weekend days worked) of one year, in order."""

    def compute() -> list[str]:
        library = _library(country, None, year)
        days = getattr(library, "weekend_workdays", ())
        return sorted(d.isoformat() for d in days if d.year == year)

    return _remembered(
        f"make_up/{country}/{year}", compute, lambda days: [date.fromisoformat(d) for d in days]
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _library_names(
    country: str, subdiv: str | None, year: int, **kwargs: Any
) -> dict[date, tuple[str, str | None]]:
    english = _library(country, subdiv, year, **kwargs)
    if english is None:
        return {}
    languages = getattr(english, "supported_languages", ())
    if "en_US" in languages:
        english = _library(country, subdiv, year, language="en_US", **kwargs)
    chinese = (
        _library(country, subdiv, year, language="zh_CN", **kwargs)
        if "zh_CN" in languages
        else None
    )
    return {d: (str(name), _zh_name(chinese, d)) for d, name in english.items() if d.year == year}


def _zh_name(chinese: Any, day: date) -> str | None:
    name = None if chinese is None else chinese.get(day)
    return None if name is None else str(name)


def _is_in_lieu_name(part: str) -> bool:
    # RULES C6: the library marks days given in lieu as observed or substituted.
    return "(observed" in part or part.startswith("Day off") or "Extended Holiday" in part


@value
class _Year:
    official: bool
    special: dict[date, DayInfo]
    half_day: dict[date, tuple[str, str | None]]


@lru_cache(maxsize=256)
def _yearly_schedule_year(country: str, year: int, in_lieu_as_rest: bool) -> _Year:
    """CN-style year: statutory days, breaks, days in lieu and make-up workdays (C2-C8)."""
    names = _names(country, None, year)
    make_up = _make_up_days(country, year)
    in_lieu = {d for d, (en, _) in names.items() if all(map(_is_in_lieu_name, en.split("; ")))}
    official = bool(make_up) or any(n[0].startswith("Day off") for n in names.values())
    special: dict[date, DayInfo] = {}
    for day, (en, zh) in names.items():
        if day not in in_lieu:
            special[day] = DayInfo(
                day, STATUTORY, "official" if official else "rule", False, en, zh
            )
        elif official:
            # RULES C7: a weekday given back for a weekend holiday is a rest day by default.
            observed = "(observed" in en
            day_type = STATUTORY if observed and not in_lieu_as_rest else REST_DAY
            note = NOTE_IN_LIEU if observed else NOTE_BREAK
            special[day] = DayInfo(day, day_type, "official", False, en, zh, note=note)
        # else: the library's guess for an unpublished year is never presented as fact (C6).
    for day in make_up if official else ():
        # RULES C3: an official make-up workday on a weekend is an ordinary workday.
        special[day] = DayInfo(
            day, WORKDAY, "official", False, "Make-up workday", "调休上班", note=NOTE_MAKE_UP
        )
    half_day = _names(country, None, year, categories=("half_day",))
    return _Year(official, special, half_day)


@lru_cache(maxsize=256)
def _public_holiday_year(country: str, subdiv: str | None, year: int) -> _Year:
    """Other countries (RULES J6): the library's public holidays are statutory days."""
    special = {
        day: DayInfo(day, STATUTORY, "official", False, en, zh)
        for day, (en, zh) in _names(country, subdiv, year).items()
    }
    return _Year(True, special, {})


@value
class Calendar:
    """Day types for one jurisdiction. Precedence: user override > loaded schedule > library."""

    jurisdiction: str = "CN"
    overrides: tuple[CalendarOverride, ...] = ()
    official: tuple[OfficialSchedule, ...] = ()
    workdays_of_week: frozenset[int] = frozenset(range(5))
    in_lieu_as_rest: bool = True
    _memo: dict[int, _Year] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def day(self, day: date) -> DayInfo:
        year = self._year(day.year)
        found = year.special.get(day)
        if found is not None:
            return found
        weekday_type = WORKDAY if day.weekday() in self.workdays_of_week else REST_DAY
        if not year.official:
            return DayInfo(day, weekday_type, "provisional", True)  # RULES C6
        source = "schedule" if weekday_type == WORKDAY else "weekend"
        half = year.half_day.get(day)
        if half is not None:
            # RULES C8: half-day and group holidays carry no premium; the day keeps its type.
            return DayInfo(day, weekday_type, source, False, half[0], half[1], note=NOTE_HALF_DAY)
        return DayInfo(day, weekday_type, source)

    def days(self, first: date, last: date) -> Iterator[DayInfo]:
        for offset in range((last - first).days + 1):
            yield self.day(first + timedelta(days=offset))

    def is_official_year(self, year: int) -> bool:
        return self._year(year).official

    def _year(self, year: int) -> _Year:
        found = self._memo.get(year)
        if found is None:
            found = self._build_year(year)
            self._memo[year] = found
        return found

    def _build_year(self, year: int) -> _Year:
        country, subdiv = _split_jurisdiction(self.jurisdiction)
        loaded = [
            s
            for s in self.official
            if s.year == year and _split_jurisdiction(s.jurisdiction)[0] == country
        ]
        if loaded:
            base = _Year(
                True,
                {
                    d.date: DayInfo(d.date, d.day_type, "official", False, d.name_en, d.name_zh)
                    for d in loaded[-1].days
                },
                {},
            )
        elif country in YEARLY_SCHEDULE_COUNTRIES:
            base = _yearly_schedule_year(country, year, self.in_lieu_as_rest)
        else:
            base = _public_holiday_year(country, subdiv, year)
        special = dict(base.special)
        for override in self.overrides:
            if override.date.year == year:
                named = special.get(override.date)
                special[override.date] = DayInfo(
                    override.date,
                    override.day_type,
                    "user",
                    False,
                    named.name_en if named else None,
                    named.name_zh if named else None,
                    override.hours,
                    override.note,
                )
        return _Year(base.official, special, base.half_day)


@value
class CalendarSet:
    """Builds (and keeps) one Calendar per jurisdiction and working week, sharing user data."""

    overrides: tuple[CalendarOverride, ...] = ()
    official: tuple[OfficialSchedule, ...] = ()
    in_lieu_as_rest: bool = True
    _cache: dict[tuple[str, frozenset[int]], Calendar] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def get(self, jurisdiction: str, workdays_of_week: frozenset[int]) -> Calendar:
        key = (jurisdiction, workdays_of_week)
        found = self._cache.get(key)
        if found is None:
            found = Calendar(
                jurisdiction, self.overrides, self.official, workdays_of_week, self.in_lieu_as_rest
            )
            self._cache[key] = found
        return found

    def national(self, jurisdiction: str) -> Calendar:
        """The national calendar (RULES P5): a Monday-Friday week, no user days."""
        key = (f"national:{jurisdiction}", frozenset(range(5)))
        found = self._cache.get(key)
        if found is None:
            found = Calendar(
                jurisdiction, (), self.official, frozenset(range(5)), self.in_lieu_as_rest
            )
            self._cache[key] = found
        return found
