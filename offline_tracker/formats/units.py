"""Durations, money and counted nouns in the reader's language: the one formatter of them all.

The terminal (render/) and the HTML report (formats/html_report.py) both write durations and
money through here, so one figure reads the same in every view. Words come from the locales
(`unit.*` keys) through the `tr(key, **params)` the caller passes: render passes `i18n.t`,
the HTML its report language's.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

Tr = Callable[..., str]


def duration(seconds: float, tr: Tr, *, zero_in_minutes: bool = False) -> str:
    """`40m`, `2h00m`, `2h15m` (zh `40分钟`, `2小时`, `2小时15分`); under a minute in seconds
    (`30s`, `30秒`). Minutes are whole minutes passed, never rounded up: 3599 s is 59m.

    `zero_in_minutes`: nothing at all reads `0m` (a report's total) rather than `0s`.
    """
    total = round(seconds)
    if total == 0 and zero_in_minutes:
        return tr("unit.minutes", m=0)
    if total < 60:
        return tr("unit.seconds", s=total)
    hours, minutes = divmod(total // 60, 60)
    if not hours:
        return tr("unit.minutes", m=minutes)
    if not minutes:
        return tr("unit.hours", h=hours)
    return tr("unit.hours_minutes", h=hours, m=minutes)


def number(amount: Decimal) -> str:
    """A money amount without its currency: two places, thousands separated (1,149.43)."""
    return f"{amount:,.2f}"


def money(amount: Decimal, currency: str | None, tr: Tr) -> str:
    """`1,149.43 CNY`; in Chinese `¥1,149.43` for yuan (a currency without a sign keeps its
    code: `1,149.43 EUR`)."""
    figure = number(amount)
    if not currency:
        return figure
    key = f"unit.money.{currency.lower()}"
    text = tr(key, amount=figure)
    return text if text != key else tr("unit.money", amount=figure, currency=currency)


def count(n: int, noun: str, tr: Tr) -> str:
    """`1 day`, `2 days` (`1 天`, `2 天`): `unit.<noun>.one` or `unit.<noun>.other`."""
    return tr(f"unit.{noun}.{'one' if n == 1 else 'other'}", n=n)
