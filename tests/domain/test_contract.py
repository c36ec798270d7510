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
    ("options", "key", "params"),
    [
        ({"tz": "Asia/Shangai"}, "contract.zone", {"value": "Asia/Shangai"}),
        ({"wage": "ten"}, "contract.wage_not_number", {"value": "ten"}),
        ({"wage": "inf"}, "contract.wage_not_finite", {"value": "inf"}),
        ({"wage": "-5"}, "contract.wage_not_positive", {"value": "-5"}),
        ({"divisor": "x"}, "contract.divisor_not_number", {"value": "x"}),
        ({"divisor": "0"}, "contract.divisor_not_positive", {"value": "0"}),
        ({"late_night": "22:00"}, "contract.late_night_format", {"value": "22:00"}),
        ({"late_night": "22:00-25:00"}, "contract.late_night_format", {"value": "22:00-25:00"}),
        ({"late_night": "22:00-22:00"}, "contract.late_night_empty", {"value": "22:00-22:00"}),
        ({"week_start": "someday"}, "contract.week_start_day", {"value": "someday"}),
        (
            {"system": "lazy"},
            "contract.system",
            {"value": "lazy", "choices": "standard, comprehensive, flexible"},
        ),
        (
            {"cycle": "fortnight"},
            "contract.cycle",
            {"value": "fortnight", "choices": "week, month, quarter, year"},
        ),
        ({"approved": "maybe"}, "contract.approved_yes_no", {"value": "maybe"}),
        ({"flexible_holiday_pay": "?"}, "contract.holiday_pay_yes_no", {"value": "?"}),
        ({"jurisdiction": "XX"}, "contract.unknown_jurisdiction", {"value": "XX"}),
        ({"currency": "yuan"}, "contract.currency", {"value": "YUAN"}),
        ({"effective": "2025-13-01"}, "contract.effective_date", {"value": "2025-13-01"}),
        ({"colour": "red"}, "contract.unknown_option", {"name": "colour"}),
    ],
)
def test_bad_options(options: dict[str, str], key: str, params: dict[str, object]) -> None:
    with pytest.raises(ContractError) as caught:
        contract(**options)
    assert caught.value.message.key == key
    assert params.items() <= caught.value.message.params.items()


def test_unknown_stored_field_is_refused() -> None:
    payload = {**contract().to_payload(), "colour": "red"}
    with pytest.raises(ContractError) as caught:
        Contract.from_payload(payload)
    assert caught.value.message.key == "contract.unknown_fields"
    assert caught.value.message.params["fields"] == "colour"


def test_bad_schedule_option_is_a_schedule_error() -> None:
    with pytest.raises(ScheduleError):
        contract(schedule="mon 25:00-26:00")


@pytest.mark.parametrize(
    ("code", "pack"),
    [
        ("CN", "CN"),
        ("US-CA", "US-CA"),
        ("US-NY", "US"),
        ("US", "US"),
        ("DE", "DE"),
        ("DE-BE", "DE"),
        ("AU-NSW", "AU"),
        ("FR", "FR"),
        ("PT", "PT"),
        ("EU", "EU"),
        ("JP", "J6"),
    ],
)
def test_rule_pack_of_each_jurisdiction(code: str, pack: str) -> None:
    assert contract(jurisdiction=code).rule_pack == pack  # RULES section 2, J6


def test_multipliers_and_hourly_wage_are_terms_of_the_version() -> None:
    from decimal import Decimal

    from offline_tracker.domain.contract import Contract, ContractError

    made = contract(multipliers="rest_day=1.5, statutory-holiday=2", hourly_wage="25")
    assert made.multipliers == (("rest_day", Decimal("1.5")), ("statutory_holiday", Decimal("2")))
    payload = made.to_payload()
    assert payload["multipliers"] == "rest_day=1.5,statutory_holiday=2"
    assert payload["hourly_wage"] == "25"
    assert Contract.from_payload(payload) == made
    assert "multipliers" not in contract().to_payload()  # older versions keep their payload
    for bad in ("rest_day", "sunday=2", "rest_day=0.5", "rest_day=x"):
        with pytest.raises(ContractError):
            contract(multipliers=bad)


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
    with pytest.raises(ContractError) as caught:
        h.at(day("2025-02-28"))
    assert caught.value.message.key == "contract.not_covered"
    assert caught.value.message.params == {"day": "2025-02-28", "first": "2025-03-01"}


def test_same_effective_date_later_version_wins() -> None:
    a = contract(effective="2025-03-01", wage="1")
    b = contract(effective="2025-03-01", wage="2")
    assert ContractHistory((a, b)).at(day("2025-03-02")) == b
    with pytest.raises(ContractError) as caught:
        ContractHistory(())
    assert caught.value.message.key == "contract.no_versions"


def test_schedule_passes_through_unchanged() -> None:
    assert contract(schedule=sched("mon 09:00-10:00")).schedule.spec == "mon 09:00-10:00"
