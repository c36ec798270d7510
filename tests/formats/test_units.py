"""The one formatter of durations, money and counted days (issues 14 and 16), in both languages."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from offline_tracker.formats.units import count, duration, money
from offline_tracker.i18n import t

EN, ZH = partial(t, lang="en"), partial(t, lang="zh")


@pytest.mark.parametrize(
    ("seconds", "en", "zh"),
    [
        (0, "0s", "0秒"),
        (30, "30s", "30秒"),  # the HTML said 0m
        (59.6, "1m", "1分钟"),
        (60, "1m", "1分钟"),
        (2400, "40m", "40分钟"),
        (3599, "59m", "59分钟"),  # minutes passed, never rounded up (the HTML said 1h00m)
        (3600, "1h00m", "1小时"),
        (7200, "2h00m", "2小时"),
        (8100, "2h15m", "2小时15分"),
        (3660, "1h01m", "1小时1分"),
        (100 * 3600 + 5 * 60, "100h05m", "100小时5分"),
    ],
)
def test_durations_read_alike_in_every_view(seconds: float, en: str, zh: str) -> None:
    assert duration(seconds, EN) == en
    assert duration(seconds, ZH) == zh


def test_nothing_reads_as_zero_minutes_in_a_report() -> None:
    assert duration(0, EN, zero_in_minutes=True) == "0m"
    assert duration(0, ZH, zero_in_minutes=True) == "0分钟"
    assert duration(30, EN, zero_in_minutes=True) == "30s"


def test_money_in_yuan_and_in_other_currencies() -> None:
    amount = Decimal("1149.43")
    assert money(amount, "CNY", ZH) == "¥1,149.43"
    assert money(amount, "CNY", EN) == "1,149.43 CNY"
    assert money(amount, "EUR", ZH) == "1,149.43 EUR"
    assert money(Decimal("1234567.5"), "USD", EN) == "1,234,567.50 USD"
    assert money(amount, None, EN) == "1,149.43"


@pytest.mark.parametrize(
    ("n", "en", "zh"), [(0, "0 days", "0 天"), (1, "1 day", "1 天"), (2, "2 days", "2 天")]
)
def test_days_are_counted_with_the_right_plural(n: int, en: str, zh: str) -> None:
    assert count(n, "day", EN) == en
    assert count(n, "day", ZH) == zh
