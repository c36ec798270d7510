"""The overtime claim by month (domain/claim.py): rows are the pay engine's figures split by
month and wage, and always add up to the period's pay lines (RULES P3, P4, P5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.claim import monthly_claim
from offline_tracker.domain.results import PeriodResult
from tests.domain.engine_builders import H, contract, history, rec, run
from tests.domain.test_classify import COMPREHENSIVE_WEEK


def _check_sums(result: PeriodResult, claim_total: Decimal | None) -> None:
    assert result.pay is not None and claim_total == result.pay.total


def test_a_wage_change_in_a_month_gives_two_rows_at_their_own_base() -> None:
    contracts = history(contract(wage="10000"), contract(wage="20000", effective="2025-09-15"))
    records = [
        rec("2025-09-02 20:00", "2025-09-02 21:00"),
        rec("2025-09-16 20:00", "2025-09-16 21:00"),
    ]
    result = run(records, "2025-09-01", "2025-09-30", contracts=contracts)
    claim = monthly_claim(result, contracts)
    assert [(r.month, r.hourly) for r in claim.rows] == [
        (date(2025, 9, 1), Decimal("57.47")),
        (date(2025, 9, 1), Decimal("114.94")),
    ]
    assert [r.total for r in claim.rows] == [Decimal("86.21"), Decimal("172.41")]  # RULES P4
    _check_sums(result, claim.total)
    assert sum(r.total or 0 for r in claim.rows) == claim.total


def test_comprehensive_cycles_are_a_row_of_their_own() -> None:
    contracts = history(contract(system="comprehensive", wage="10000"))
    result = run(COMPREHENSIVE_WEEK, "2025-10-13", "2025-10-19", contracts=contracts)
    claim = monthly_claim(result, contracts)
    (row,) = claim.rows
    assert row.month is None and row.seconds == {"comprehensive": 8 * H}
    assert claim.kinds == ("comprehensive",) and row.total == claim.total


def test_no_wage_lists_hours_without_amounts() -> None:
    contracts = history(contract())
    result = run([rec("2025-09-02 20:00", "2025-09-02 21:00")], "2025-09-01", "2025-09-30",
                 contracts=contracts)  # fmt: skip
    claim = monthly_claim(result, contracts)
    (row,) = claim.rows
    assert row.hourly is None and row.amounts == {} and row.total is None
    assert claim.total is None and claim.seconds == {"workday": H}


def test_rest_day_hours_are_net_of_time_off_in_lieu() -> None:
    from offline_tracker.domain.results import CompTime

    contracts = history(contract(wage="10000"))
    records = [rec("2025-09-06 10:00", "2025-09-06 13:00")]  # a Saturday, 3 h
    comp = [CompTime(date(2025, 9, 10), 2 * H, date(2025, 9, 6))]
    result = run(records, "2025-09-01", "2025-09-30", contracts=contracts, comp=comp)
    claim = monthly_claim(result, contracts)
    assert claim.seconds == {"rest_day": H}
    _check_sums(result, claim.total)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(1, 240)), min_size=1, max_size=12))
def test_months_always_add_up_to_the_pay_lines(work: list[tuple[int, int]]) -> None:
    """Any minutes of workday overtime in any months: the months' cents sum to each line."""
    contracts = history(contract(wage="12345.67"))
    records = []
    for month, minutes in work:
        first_tuesday = next(d for d in range(1, 8) if date(2025, month + 1, d).weekday() == 1)
        day = f"2025-{month + 1:02d}-{first_tuesday:02d}"
        hours, rest = divmod(19 * 60 + minutes, 60)
        records.append(rec(f"{day} 19:00", f"{day} {hours:02d}:{rest:02d}"))
    result = run(records, "2025-01-01", "2025-12-31", contracts=contracts)
    claim = monthly_claim(result, contracts)
    assert result.pay is not None
    for kind in claim.kinds:
        assert sum(r.amounts.get(kind, Decimal(0)) for r in claim.rows) == claim.amounts[kind]
    assert sum(r.total or 0 for r in claim.rows) == result.pay.total == claim.total


def test_an_hourly_wage_and_another_pack_price_their_rows() -> None:
    """--hourly-wage (issue 15) gives the claim its base; another pack's tiers get a row."""
    contracts = history(contract(hourly_wage="50"))
    records = [rec("2025-09-02 20:00", "2025-09-02 21:00")]
    result = run(records, "2025-09-01", "2025-09-30", contracts=contracts)
    claim = monthly_claim(result, contracts)
    assert [(r.month, r.hourly, r.total) for r in claim.rows] == [
        (date(2025, 9, 1), Decimal("50.00"), Decimal("75.00"))  # 1 h x 50 x 150 % (RULES P3)
    ]
    assert sum(r.total or 0 for r in claim.rows) == claim.total
