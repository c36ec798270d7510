"""How people write a time, in Chinese and in exports, read into its parts (no calendar yet):
`晚上11点40`, `上周五 23:40`, `10/1 23:40`, `2025年10月1日 23时40分`, `半小时前`.

timeparse.parse_when resolves the parts against now (RULES T1 for local times); importers read
exports' date-times with `wall_time`, so --at and every importer share one grammar.
"""

from __future__ import annotations

import re

from offline_tracker.domain.values import value

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Patterns are kept as text: re compiles (and caches) each on its first use, so a command
# compiles only those it needs (issue 19: compiling all of them cost `ot log` 3 ms).
_NUMERAL = r"[零〇一二两三四五六七八九十]+"

# Year-month-day and a time as exports and people write them: 2025-10-01 23:40,
# 2025/10/1 23:40:05, 2025.10.01 23:40, 2025年10月1日 23:40, 2025年10月1日23时40分, ...23点40
_CLOCK = (
    r"(?P<h>\d{1,2})\s*(?:[:：时点]\s*(?P<mi>\d{1,2})?(?:\s*[:：分]\s*(?P<s>\d{1,2})"
    r"(?:[.,]\d+)?\s*秒?)?\s*分?)"
)
_YMD = r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
_WALL = rf"{_YMD}(?:(?:[\sT]+|(?<=[日号])){_CLOCK})?\s*"

_PERIOD = r"凌晨|半夜|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|夜间|晚"
_SPOKEN = (
    r"^(?:(?P<word>今天|今晚|昨天|昨晚|前天)"
    r"|(?P<week>上|这|本)?(?:周|星期|礼拜)(?P<wd>[1-7日天])"
    rf"|{_YMD}"
    r"|(?P<mo2>\d{1,2})\s*[/月]\s*(?P<d2>\d{1,2})\s*[日号]?)?"
    rf"\s*(?P<period>{_PERIOD})?\s*"
    r"(?P<h>\d{1,2})\s*(?:[:：]\s*(?P<mi>\d{2})(?:[:：](?P<s>\d{2}))?"
    r"|[点时](?:\s*(?P<mi2>\d{1,2})\s*分?(?:\s*(?P<s2>\d{1,2})\s*秒)?|(?P<half>半)|(?P<q>[13])刻)?)$"
)
_WORD_DAYS = {"今天": 0, "今晚": 0, "昨天": 1, "昨晚": 1, "前天": 2}


@value
class Spoken:
    """The parts of a spoken time; the day is one of: days back, a weekday (1 = Monday) with
    `week` "last"/"this"/None, a full date, a month and day, or nothing (a bare time)."""

    hour: int
    minute: int
    second: int = 0
    days_back: int | None = None
    weekday: int | None = None
    week: str | None = None
    date: tuple[int, int, int] | None = None
    month_day: tuple[int, int] | None = None
    next_day: bool = False  # 晚上12点: the midnight that ends the day


def numerals(text: str) -> str:
    """Chinese numerals as digits: 十一点四十 -> 11点40, 两小时 -> 2小时, 二〇二五 -> 2025."""

    def value(match: re.Match[str]) -> str:
        run = match.group(0)
        if "十" not in run:
            return "".join(str(_DIGITS[c]) for c in run)
        tens, _, ones = run.partition("十")
        return str(_DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0))

    return re.sub(_NUMERAL, value, text)


def spoken_amount(text: str) -> str:
    """A spoken duration in units parse_duration reads: 半小时 -> 30分钟, 1个半小时 -> 1.5小时,
    1刻钟 -> 15分钟."""
    text = text.replace("钟头", "小时")
    text = re.sub(r"(\d+)个半小时", r"\g<1>.5小时", text)
    text = re.sub(r"半个?小时", "30分钟", text).replace("个", "")
    return re.sub(r"(\d+)刻钟?", lambda m: f"{int(m.group(1)) * 15}分钟", text)


_EN_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EN_WEEKDAY = r"^(?:(last|this) )?(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.? "


def _english_weekday(match: re.Match[str]) -> str:
    week = {"last": "上", "this": "这"}.get(match.group(1) or "", "")
    return f"{week}周{_EN_DAYS.index(match.group(2)) + 1} "


def spoken(text: str) -> Spoken | None:
    """The parts of `text` (lower case, numerals as digits), or None when it is not this form;
    `fri 23:40` and `last fri 23:40` are read as 周五 and 上周五."""
    match = re.match(_SPOKEN, re.sub(_EN_WEEKDAY, _english_weekday, text))
    if not match:
        return None
    g = match.groupdict()
    minute = 30 if g["half"] else 15 * int(g["q"]) if g["q"] else int(g["mi"] or g["mi2"] or 0)
    period = g["period"] or ("晚上" if g["word"] in ("今晚", "昨晚") else None)
    hour, next_day = _hour(int(g["h"]), period)
    days_back = _WORD_DAYS[g["word"]] if g["word"] else None
    weekday = None if g["wd"] is None else 7 if g["wd"] in "日天" else int(g["wd"])
    week = {"上": "last", "这": "this", "本": "this"}.get(g["week"] or "")
    full = (int(g["y"]), int(g["mo"]), int(g["d"])) if g["y"] else None
    month_day = (int(g["mo2"]), int(g["d2"])) if g["mo2"] else None
    second = int(g["s"] or g["s2"] or 0)
    return Spoken(hour, minute, second, days_back, weekday, week, full, month_day, next_day)


def _hour(hour: int, period: str | None) -> tuple[int, bool]:
    """The 24-hour clock of `hour` said in `period`: 下午3点 is 15:00, 凌晨1点 01:00, 中午1点
    13:00, 晚上11点 23:00, 晚上12点 the midnight after; 13-23 are taken as they are."""
    if period is None or hour > 12:
        return hour, False
    if period in ("凌晨", "半夜", "早上", "早晨", "清晨", "上午"):
        return (0 if hour == 12 else hour), False
    if period == "中午":
        return (hour + 12 if hour < 11 else hour), False
    if period in ("晚上", "夜里", "夜间", "晚") and hour == 12:
        return 0, True
    if period in ("晚上", "夜里", "夜间", "晚") and hour < 6:
        return hour, False  # 晚上1点: after midnight
    return (hour if hour == 12 else hour + 12), False


def wall_time(text: str) -> tuple[int, int, int, int | None, int, int] | None:
    """Year, month, day, hour (None for a bare date), minute, second of a date-time written
    the common ways (see _WALL), or None; values are not checked yet."""
    match = re.fullmatch(_WALL, numerals(text.strip()))
    if not match:
        return None
    g = match.groupdict()
    hour = None if g["h"] is None else int(g["h"])
    return int(g["y"]), int(g["mo"]), int(g["d"]), hour, int(g["mi"] or 0), int(g["s"] or 0)
