"""One Problem shape for flags, chain, pack, import and doctor findings (issue 14)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from offline_tracker import i18n
from offline_tracker.app.doctor import AttachmentProblem
from offline_tracker.app.imports import Issue
from offline_tracker.domain.problems import Problem
from offline_tracker.domain.results import Flag
from offline_tracker.formats import pack
from offline_tracker.formats.importers import Problem as ImportProblem
from offline_tracker.ledger.chain import StoredEntry, verify_chain
from offline_tracker.render import message
from offline_tracker.render.report import flag_text


def test_every_kind_of_finding_is_the_one_shape(tmp_path: Path) -> None:
    assert Flag is Problem and Issue is Problem and AttachmentProblem is Problem
    assert issubclass(ImportProblem, Problem)
    broken = StoredEntry(1, "x", "ledger.init", b"{}", "0" * 64, "", None)
    chain = verify_chain([broken]).problems
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    packed = pack.check_pack(junk).problems
    row = ImportProblem.row(7, "row.duplicate", "skipped", where="line 3")
    for found in (*chain, *packed, row):
        assert isinstance(found, Problem)
    assert {p.code for p in chain} >= {"hash_mismatch"} and chain[0].where == 1
    assert packed[0].code == "unreadable" and str(junk) in str(packed[0].where)
    assert (row.line, row.severity, row.params) == (7, "skipped", {"where": "line 3"})


def test_where_says_a_date_or_a_line_and_nothing_else() -> None:
    flag = Problem("overlap", date(2025, 11, 19))
    assert (flag.date, flag.line) == (date(2025, 11, 19), None)
    assert (Problem("missing", 4).line, Problem("missing", 4).date) == (4, None)
    assert (Problem("changed", "SHA256SUMS").line, Problem("x").date) == (None, None)


def test_a_problem_is_rendered_in_the_users_language() -> None:
    found = Problem("overlap", date(2025, 11, 19), {"records": "1,2", "count": 2, "seconds": 60})
    row = ImportProblem.row(3, "row.duplicate", "skipped", where="line 1")
    try:
        i18n.set_language("en")
        english = (flag_text(found), message(row.message()))
        i18n.set_language("zh")
        chinese = (flag_text(found), message(row.message()))
    finally:
        i18n.set_language("en")
    assert english[0].startswith("2 records overlap (1, 2)") and "条记录" in chinese[0]
    assert english[1] != chinese[1] and "row.duplicate" not in english[1] + chinese[1]
