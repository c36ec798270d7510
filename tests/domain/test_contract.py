"""Contracts: validation, payload round trips, raw options and the version history."""

from __future__ import annotations

import json
from datetime import time
from decimal import Decimal

import pytest

from offline_tracker.domain.contract import (
    Contract,
    ContractError,
    ContractHistory,
    contract_from_options,
)
from offline_tracker.domain.schedule import ScheduleError
from tests.domain.engine_builders import contract, day, sched


def _no_floats(value: object) -> bool:
    if isinstance(value, dict):
        return all(_no_floats(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_floats(v) for v in value)
    return value is None or isinstance(value, str | int | bool)


def test_defaults() -> None:
    c = Contract()
    assert (c.timezone, c.jurisdiction, c.system, c.cycle, c.currency) == (
        "Asia/Shanghai",
        "CN",
        "standard",
        "week",
        "CNY",
    )
    assert c.wage_divisor == Decimal("21.75")  # RULES P4
    assert c.late_night == (time(22), time(6))  # RULES T4
    assert c.schedule.spec == "mon-fri 09:00-12:00,13:00-18:00"


def test_payload_is_json_safe_and_round_trips() -> None:
    c = contract(
        effective="2025-03-01",
        wage="10,000",
        late_night="23:00-07:00",
        week_start="sun",
        schedule="sun-thu 22:00-06:00",
        system="comprehensive",
        cycle="month",
        approved="no",
        divisor="21.75",
        flexible_holiday_pay="yes",
    )
    payload = c.to_payload()
    assert _no_floats(payload)
    assert json.loads(json.dumps(payload)) == payload
    assert payload["monthly_wage"] == "10000" and payload["late_night"] == "23:00-07:00"
    assert Contract.from_payload(payload) == c


def test_options_carry_over_from_base() -> None:
    base = contract(wage="10000", tz="Europe/Berlin", jurisdiction="de")
    changed = contract_from_options(base, effective="2025-06-01", system="综合")
    assert changed.system == "comprehensive"
    assert changed.monthly_wage == Decimal("10000") and changed.timezone == "Europe/Berlin"
    assert changed.jurisdiction == "DE"
    assert contract_from_options(changed, wage="none").monthly_wage is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tz": "Asia/Shangai"}, "IANA"),
        ({"wage": "ten"}, "number"),
        ({"wage": "-5"}, "above 0"),
        ({"late_night": "22:00"}, "HH:MM-HH:MM"),
        ({"late_night": "22:00-22:00"}, "same time"),
        ({"week_start": "someday"}, "unknown day"),
        ({"system": "lazy"}, "standard, comprehensive, flexible"),
        ({"cycle": "fortnight"}, "week, month, quarter, year"),
        ({"approved": "maybe"}, "yes or no"),
        ({"jurisdiction": "XX"}, "unknown"),
        ({"effective": "2025-13-01"}, "YYYY-MM-DD"),
        ({"colour": "red"}, "unknown contract option"),
    ],
)
def test_bad_options(options: dict[str, str], message: str) -> None:
    with pytest.raises(ContractError, match=message):
        contract(**options)


def test_bad_schedule_option_is_a_schedule_error() -> None:
    with pytest.raises(ScheduleError):
        contract(schedule="mon 25:00-26:00")


def test_rule_pack_lookup_leaves_room_for_section_2() -> None:
    assert contract().rule_pack == "CN"
    assert contract(jurisdiction="US-CA").rule_pack == "US-CA"
    assert contract(jurisdiction="DE").rule_pack == "J6"


def test_history_picks_the_version_in_force() -> None:
    first = contract(wage="8000")
    raise_ = contract(effective="2025-03-01", wage="10000")
    moved = contract(effective="2025-07-01", tz="Europe/Berlin", jurisdiction="DE")
    h = ContractHistory((moved, first, raise_))
    assert h.at(day("2020-01-01")) == first  # the undated first version covers the past
    assert h.at(day("2025-02-28")) == first
    assert h.at(day("2025-03-01")) == raise_
    assert h.at(day("2026-01-01")) == moved
    assert h.changes_between(day("2025-01-01"), day("2025-07-01")) == (raise_, moved)
    assert h.changes_between(day("2025-03-01"), day("2025-06-30")) == ()


def test_history_before_a_dated_first_version() -> None:
    h = ContractHistory((contract(effective="2025-03-01"),))
    assert h.get(day("2025-02-28")) is None
    with pytest.raises(ContractError, match="2025-03-01"):
        h.at(day("2025-02-28"))


def test_same_effective_date_later_version_wins() -> None:
    a = contract(effective="2025-03-01", wage="1")
    b = contract(effective="2025-03-01", wage="2")
    assert ContractHistory((a, b)).at(day("2025-03-02")) == b
    with pytest.raises(ContractError):
        ContractHistory(())


def test_schedule_passes_through_unchanged() -> None:
    assert contract(schedule=sched("mon 09:00-10:00")).schedule.spec == "mon 09:00-10:00"
