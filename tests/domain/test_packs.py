"""Rule packs outside China (RULES J1-J7): table tests citing the statute, and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.packs import PACKS
from tests.domain.engine_builders import H, at, contract, history, rec, run

BERLIN, PARIS, LISBON = "Europe/Berlin", "Europe/Paris", "Europe/Lisbon"
LA, NEW_YORK, SYDNEY = "America/Los_Angeles", "America/New_York", "Australia/Sydney"
WEEK = "mon-fri 09:00-12:00,13:00-18:00"  # 8 h a day, 40 h a week


def _terms(code: str, tz: str, **options: object) -> object:
    return history(contract(jurisdiction=code, tz=tz, schedule=WEEK, **options))


def _codes(result: object) -> list[str]:
    return [f.code for f in result.flags]  # type: ignore[attr-defined]


# -- pay ---------------------------------------------------------------------------------------


def test_fr_l3121_36_hours_36_to_43_at_125_then_150() -> None:
    # Code du travail L3121-36: a 40 h roster + 5 h of evening work = 45 h in the week of
    # 2025-10-13: hours 36-43 (8 h) x 1.25, hours 44-45 (2 h) x 1.5; hourly = 3000 / 151.67.
    evenings = [rec(f"2025-10-{d} 18:00", f"2025-10-{d} 19:00", tz=PARIS) for d in range(13, 18)]
    terms = _terms("FR", PARIS, wage="3000", currency="EUR")
    result = run(evenings, "2025-10-13", "2025-10-19", contracts=terms)
    assert result.pay is not None
    lines = [(line.kind, line.seconds, line.amount) for line in result.pay.lines]
    assert lines == [
        ("week_36_43", 8 * H, Decimal("197.80")),
        ("week_44_on", 2 * H, Decimal("59.34")),
    ]
    assert result.pay.hourly == Decimal("19.78") and result.pay.total == Decimal("257.14")


def test_us_flsa_207_above_40_in_the_workweek_only() -> None:
    # 29 U.S.C. § 207: a 10 h Monday is no overtime by itself; 5 h on Saturday make 45 h.
    # (The week before holds Columbus Day, a public holiday: no shift that Monday.)
    records = [
        rec("2025-10-20 18:00", "2025-10-20 20:00", tz=NEW_YORK),
        rec("2025-10-25 10:00", "2025-10-25 13:00", tz=NEW_YORK),
    ]
    terms = _terms("US-NY", NEW_YORK, hourly_wage="20", currency="USD")
    result = run(records, "2025-10-20", "2025-10-26", contracts=terms)
    assert result.pay is not None
    assert [(line.kind, line.seconds) for line in result.pay.lines] == [("week_over_40", 5 * H)]
    assert result.pay.total == Decimal("150.00") and not result.flags


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # California Labor Code § 510; the 8 h shift is presumed worked.
        ({13: (18, 23)}, {"day_over_8": 4 * H, "day_over_12": H}),  # 13 h day
        ({13: (18, 20), 14: (18, 20)}, {"day_over_8": 4 * H}),  # daily, not weekly too
        # Saturday 8 h: regular hours reach 48, the 8 above 40 at 1.5.
        ({18: (9, 17)}, {"week_over_40": 8 * H}),
        # Saturday and Sunday worked: Sunday is the 7th consecutive day, 9 h: 8 x 1.5, 1 x 2.
        ({18: (9, 13), 19: (9, 18)}, {"week_over_40": 4 * H, "seventh_day_first_8": 8 * H,
                                      "seventh_day_over_8": H}),
    ],
)  # fmt: skip
def test_us_ca_510_the_highest_rate_never_stacked(
    extra: dict[int, tuple[int, int]], expected: dict[str, int]
) -> None:
    records = [
        rec(f"2025-10-{d} {a:02d}:00", f"2025-10-{d} {b:02d}:00", tz=LA)
        for d, (a, b) in extra.items()
    ]
    terms = _terms("US-CA", LA, hourly_wage="30", currency="USD")
    result = run(records, "2025-10-13", "2025-10-19", contracts=terms)
    assert result.pay is not None
    assert {line.kind: line.seconds for line in result.pay.lines} == expected


def test_de_pays_nothing_by_statute_but_the_contracts_multipliers() -> None:
    sunday = [rec("2025-10-12 10:00", "2025-10-12 12:00", tz=BERLIN)]
    plain = run(sunday, "2025-10-06", "2025-10-12", contracts=_terms("DE-BE", BERLIN, wage="4000"))
    assert plain.pay is None and plain.totals.overtime_s == 0
    agreed = _terms("DE-BE", BERLIN, wage="4000", currency="EUR", multipliers="rest_day=1.5")
    result = run(sunday, "2025-10-06", "2025-10-12", contracts=agreed)
    assert result.pay is not None  # 4000 x 12 / 52 / 40 = 23.08 an hour; 2 h x 1.5
    assert result.pay.hourly == Decimal("23.08") and result.pay.total == Decimal("69.23")


def test_multipliers_override_a_packs_tier() -> None:
    evenings = [rec(f"2025-10-{d} 18:00", f"2025-10-{d} 19:00", tz=PARIS) for d in range(13, 18)]
    terms = _terms("FR", PARIS, hourly_wage="20", currency="EUR", multipliers="week_36_43=1.3")
    result = run(evenings, "2025-10-13", "2025-10-19", contracts=terms)
    assert result.pay is not None
    assert [line.multiplier for line in result.pay.lines] == [Decimal("1.3"), Decimal("1.5")]


def test_no_china_rule_under_another_pack() -> None:
    # RULES J7: no 200 % rest day, no 21.75, no Labour Law flag on a German contract.
    records = [
        rec("2025-10-11 08:00", "2025-10-11 20:00", tz=BERLIN),  # a Saturday
        rec("2025-10-13 18:00", "2025-10-13 23:00", tz=BERLIN),
    ]
    result = run(records, "2025-10-06", "2025-10-19", contracts=_terms("DE", BERLIN, wage="4000"))
    assert result.pay is None and result.totals.overtime_200_s == 0
    assert not {"overtime_over_1h_day", "overtime_over_3h_day", "no_weekly_rest_day"} & set(
        _codes(result)
    )
    assert all(str(f.params.get("citation", "cite.")).startswith("cite.") for f in result.flags)


# -- checks ------------------------------------------------------------------------------------

SHORT_REST = [("2025-10-13 18:00", "2025-10-13 23:30"), ("2025-10-14 06:00", "2025-10-14 07:00")]
LONG_EVENING = [("2025-10-13 18:00", "2025-10-13 23:30")]


@pytest.mark.parametrize(
    ("code", "tz", "records", "flag", "citation"),
    [
        # Directive 2003/88/EC art. 3 / ArbZG § 5: 23:30 to 06:00 is 6 h 30 m of rest.
        ("EU", BERLIN, SHORT_REST,
         "daily_rest_under_11h", "cite.eu.art3"),
        ("DE", BERLIN, SHORT_REST,
         "daily_rest_under_11h", "cite.de.s5"),
        # art. 4 / § 4: 13:00-23:30 is one block of 10 h 30 m.
        ("EU", BERLIN, LONG_EVENING, "no_break_over_6h", "cite.eu.art4"),
        ("DE", BERLIN, LONG_EVENING, "no_break_over_6h", "cite.de.s4"),
        # ArbZG § 3: 8 h shifts + 3 h = 11 h a day; § 9: Sunday work.
        ("DE", BERLIN, [("2025-10-13 18:00", "2025-10-13 21:00")], "daily_over_10h", "cite.de.s3"),
        ("DE", BERLIN, [("2025-10-13 18:00", "2025-10-13 19:00")], "daily_over_8h", "cite.de.s3"),
        ("DE", BERLIN, [("2025-10-12 10:00", "2025-10-12 11:00")], "sunday_or_holiday_work",
         "cite.de.s9"),
        # Berlin's public holiday of 2025-10-03 (German Unity Day) is a § 9 day too.
        ("DE-BE", BERLIN, [("2025-10-03 10:00", "2025-10-03 11:00")], "sunday_or_holiday_work",
         "cite.de.s9"),
        ("FR", PARIS, [("2025-10-13 18:00", "2025-10-13 21:00")], "daily_over_10h",
         "cite.fr.l3121_18"),
        ("FR", PARIS, SHORT_REST,
         "daily_rest_under_11h", "cite.fr.l3131_1"),
    ],
)  # fmt: skip
def test_pack_checks_cite_their_own_statute(
    code: str, tz: str, records: list[tuple[str, str]], flag: str, citation: str
) -> None:
    made = [rec(a, b, tz=tz) for a, b in records]
    result = run(made, "2025-10-01", "2025-10-19", contracts=_terms(code, tz))
    found = result.flags_with(flag)
    assert found and all(f.params["citation"] == citation for f in found)


def test_weekly_rest_and_average_week() -> None:
    # Directive arts. 5, 6: seven days of 08:00-22:00 (14 h, the shifts inside) for two weeks.
    records = [
        rec(f"2025-10-{d:02d} 08:00", f"2025-10-{d:02d} 22:00", tz=BERLIN) for d in range(6, 20)
    ]
    result = run(records, "2025-10-06", "2025-10-19", contracts=_terms("EU", BERLIN))
    assert len(result.flags_with("weekly_rest_under_35h")) == 2
    (average,) = result.flags_with("weekly_average_over_48h")
    assert average.params["weeks"] == 2 and average.params["average_seconds"] == 98 * H
    fr = run(
        [rec(a.start, a.end) for a in records],
        "2025-10-06",
        "2025-10-19",
        contracts=_terms("FR", BERLIN),
    )
    assert len(fr.flags_with("weekly_over_48h")) == 2 and fr.flags_with("weekly_average_over_44h")


def test_pt_199a_every_employer_contact_in_a_rest_period() -> None:
    records = [
        rec("2025-10-13 21:00", "2025-10-13 21:10", tz=LISBON, role="supervisor",
            direction="received", channel="wechat"),
        rec("2025-10-13 21:30", "2025-10-13 21:40", tz=LISBON, role="client",
            direction="received"),  # not the employer
        rec("2025-10-14 10:00", "2025-10-14 10:10", tz=LISBON, role="supervisor",
            direction="received"),  # inside the shift
    ]  # fmt: skip
    result = run(records, "2025-10-13", "2025-10-19", contracts=_terms("PT", LISBON))
    (flag,) = result.flags_with("contact_during_rest")
    assert flag.params["role"] == "supervisor" and flag.params["citation"] == "cite.pt.a199a"


def test_au_333m_after_hours_contacts_with_what_the_act_weighs() -> None:
    records = [
        rec("2025-10-13 21:00", "2025-10-13 21:20", tz=SYDNEY, role="client",
            direction="received", channel="phone", kind="call"),
        rec("2025-10-13 22:00", "2025-10-13 22:05", tz=SYDNEY, direction="initiated"),
    ]  # fmt: skip
    terms = _terms("AU-NSW", SYDNEY, wage="8000", currency="AUD")
    result = run(records, "2025-10-13", "2025-10-19", contracts=terms)
    (flag,) = result.flags_with("after_hours_contact")
    assert {k: flag.params[k] for k in ("channel", "role", "kind", "seconds")} == {
        "channel": "phone",
        "role": "client",
        "kind": "call",
        "seconds": 20 * 60,
    }
    assert result.pay is None  # RULES J4: no pay multiplier


# -- properties --------------------------------------------------------------------------------

PAYING = {
    "FR": (PARIS, {"hourly_wage": "20"}),
    "US": (NEW_YORK, {"hourly_wage": "20"}),
    "US-CA": (LA, {"hourly_wage": "20"}),
    "DE": (BERLIN, {"hourly_wage": "20", "multipliers": "workday=1.25,rest_day=1.5"}),
    "EU": (BERLIN, {"hourly_wage": "20", "multipliers": "workday=1.25"}),
    "PT": (LISBON, {"hourly_wage": "20", "multipliers": "rest_day=1.5"}),
    "AU": (SYDNEY, {"hourly_wage": "20", "multipliers": "workday=1.5"}),
}


def test_every_pack_is_in_the_property_tests() -> None:
    assert set(PAYING) == set(PACKS) - {"CN"}


def _total(code: str, spans: list[tuple[int, int]]) -> Decimal:
    tz, options = PAYING[code]
    terms = _terms(code, tz, **options)
    base = at("2025-10-13 00:00", tz)
    from datetime import timedelta

    records = [
        rec(base + timedelta(minutes=a), base + timedelta(minutes=b), tz=tz) for a, b in spans
    ]
    result = run(records, "2025-10-13", "2025-10-19", contracts=terms)
    return Decimal(0) if result.pay is None or result.pay.total is None else result.pay.total


_SPANS = st.lists(
    st.tuples(st.integers(0, 7 * 1440 - 60), st.integers(1, 900)).map(
        lambda p: (p[0], p[0] + p[1])
    ),
    min_size=1,
    max_size=4,
).map(lambda spans: [(a, min(b, 7 * 1440)) for a, b in spans])


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(PAYING)), _SPANS, st.integers(1, 600))
def test_pay_is_monotone_in_worked_time(code: str, spans: list[tuple[int, int]], more: int) -> None:
    a, b = spans[0]
    longer = [(a, min(b + more, 7 * 1440)), *spans[1:]]
    assert _total(code, longer) >= _total(code, spans)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(PAYING)), _SPANS, st.floats(0.05, 0.95))
def test_splitting_a_record_changes_nothing(
    code: str, spans: list[tuple[int, int]], where: float
) -> None:
    a, b = spans[0]
    cut = a + max(1, int((b - a) * where))
    if not a < cut < b:
        return
    split = [(a, cut), (cut, b), *spans[1:]]
    assert _total(code, split) == _total(code, spans)
