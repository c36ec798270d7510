"""Record ids of a finding as the text report shows them (overlap groups, issue 19)."""

from __future__ import annotations

from offline_tracker.render.ids import id_ranges


def test_runs_of_three_or_more_are_shortened_others_listed() -> None:
    assert id_ranges("3,4,5,9,10,call") == "3–5, 9, 10, call"
    assert id_ranges("7") == "7"
    assert id_ranges(",".join(str(n) for n in range(3, 403))) == "3–402"


def test_past_the_shown_runs_the_rest_are_counted() -> None:
    ids = ",".join(str(n) for n in range(0, 60, 2))  # 30 runs of one
    assert id_ranges(ids, shown=4) == "0, 2, 4, 6, … (+26)"
