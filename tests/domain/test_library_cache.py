"""domain.calendar.use_library_cache: the holidays library's answers kept between runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from offline_tracker.domain import calendar
from offline_tracker.domain.calendar import Calendar


class DictCache:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value


@pytest.fixture
def cache() -> Iterator[DictCache]:
    kept = calendar._library_cache
    store = DictCache()
    calendar.use_library_cache(store)
    _forget()
    yield store
    calendar.use_library_cache(kept)
    _forget()


def _days(jurisdiction: str, year: int) -> list[calendar.DayInfo]:
    return list(Calendar(jurisdiction).days(date(year, 1, 1), date(year, 12, 31)))


def _forget() -> None:
    calendar._yearly_schedule_year.cache_clear()
    calendar._public_holiday_year.cache_clear()


@pytest.mark.parametrize(("jurisdiction", "year"), [("CN", 2025), ("CN", 2026), ("DE-BY", 2025)])
def test_cached_answers_give_the_same_days_without_the_library(
    cache: DictCache, monkeypatch: pytest.MonkeyPatch, jurisdiction: str, year: int
) -> None:
    computed = _days(jurisdiction, year)
    assert cache.data  # the answers were kept
    _forget()

    def no_library(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the library was asked again")

    monkeypatch.setattr(calendar, "_library", no_library)
    assert _days(jurisdiction, year) == computed


def test_a_damaged_entry_is_asked_again(cache: DictCache) -> None:
    computed = _days("CN", 2025)
    _forget()
    for key in cache.data:
        cache.data[key] = [["not a date", 1]] if key.startswith("names/") else {"x": 1}
    assert _days("CN", 2025) == computed  # RULES C2-C4 dates still right
    assert cache.data["make_up/CN/2025"] == ["2025-01-26", "2025-02-08", "2025-04-27",
                                             "2025-09-28", "2025-10-11"]  # fmt: skip


def test_without_a_cache_the_library_answers(cache: DictCache) -> None:
    calendar.use_library_cache(None)
    day = Calendar("CN").day(date(2025, 10, 11))  # RULES C3: a make-up workday, a Saturday
    assert (day.day_type, day.source) == (calendar.WORKDAY, "official")
    assert not cache.data
