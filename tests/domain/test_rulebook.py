"""Checks registered once by name with one signature; a rule pack is a set of them (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

from offline_tracker.domain.packs import PACKS
from offline_tracker.domain.rulebook import CHECKS
from tests.domain.engine_builders import contract, history, rec, run

DOCS = Path(__file__).resolve().parents[2] / "docs" / "classification.md"


def _section(title: str) -> str:
    return DOCS.read_text(encoding="utf-8").split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_names_are_unique_and_each_code_belongs_to_one_check() -> None:
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names)) >= 16
    codes = [code for c in CHECKS for code in c.codes]
    assert len(codes) == len(set(codes))


def test_the_docs_list_every_check_and_every_code_it_gives() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| (.+) \|$", _section("Checks"), re.M)
    assert {name: tuple(re.findall(r"`([a-z0-9_]+)`", codes)) for name, codes in rows} == {
        c.name: c.codes for c in CHECKS
    }
    flags = set(re.findall(r"`([a-z0-9_]+)`", _section("Flags")))
    assert [code for c in CHECKS for code in c.codes if code not in flags] == []


def test_every_code_a_pack_names_is_a_registered_check() -> None:
    registered = {code for c in CHECKS for code in c.codes}
    for pack in PACKS.values():
        assert set(pack.checks) <= registered, pack.code


def test_each_check_gives_only_its_own_codes() -> None:
    """A week that trips checks of China and of Germany: every flag is of the check named."""
    records = [
        rec("2025-10-09 19:00", "2025-10-10 05:00", rid="a"),
        rec("2025-10-09 20:00", "2025-10-09 21:00", rid="b"),
        rec("2025-10-12 09:00", None, rid="open"),
    ]
    for terms in (history(contract()), history(contract(tz="Europe/Berlin", jurisdiction="DE"))):
        result = run(records, "2025-10-06", "2025-10-12", contracts=terms)
        by_code = {code: c.name for c in CHECKS for code in c.codes}
        found = {by_code[f.code] for f in result.flags if f.code in by_code}
        assert {"overlap", "open_session"} <= found
        assert ("cn_daily_overtime" in found) == (terms.latest.rule_pack == "CN")
        assert ("daily_hours" in found) == (terms.latest.rule_pack == "DE")
