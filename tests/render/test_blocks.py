"""The text report without rich (render/blocks.plain) prints what rich prints (issue 19).

Where no style can show (a pipe, a file, NO_COLOR), the report is laid out without importing
rich's console and tables. These compare the two layouts: whole reports in both languages at
the widths a terminal gives, and random blocks (texts with wide characters, long words, markup
signs, spaces) at random widths. Where `plain` is not sure it answers None and rich is used.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from offline_tracker import i18n
from offline_tracker.render import blocks, report
from offline_tracker.render.blocks import Block, Grid, Line, Table, plain, to_rich
from offline_tracker.render.text import rendered
from tests.render.test_report import WEEK, event, week_report


def _by_rich(items: list[Block], width: int) -> str:
    text = rendered(*(to_rich(item) for item in items), width=width)
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines())


def _by_plain(items: list[Block], width: int) -> str | None:
    text = plain(items, width)
    if text is None:
        return None
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 64, 71, 72, 80, 99, 100, 120, 160])
def test_the_week_report_without_rich_is_the_report_with_it(
    lang: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_name = "Director of Strategic Partnerships Zhao-Wang-Li-Chen " * 2
    views = [
        week_report(),
        week_report(wage=None),
        week_report((*WEEK, event("11", "2025-10-04 21:00", 30, counterpart=long_name))),
        week_report(()),
    ]
    used = []
    real = blocks.plain

    def spy(items: list[Block], at: int) -> str | None:
        used.append(real(items, at))
        return used[-1]

    i18n.set_language(lang)
    try:
        for view in views:
            monkeypatch.setattr(report, "plain", spy)
            without = report.report_text(view, width=width)
            monkeypatch.setattr(report, "plain", lambda _items, _at: None)
            assert without == report.report_text(view, width=width)
    finally:
        i18n.set_language("en")
    assert all(text is not None for text in used)  # the plain layout served every one


words = st.text(
    st.sampled_from("abc xyz  -.,()[]:中文报告·–—…0123"), min_size=0, max_size=40
) | st.sampled_from(["", " ", "Worked (overlaps once)", "加班 3h00m", "a" * 70, "[bold]x[/]"])


@st.composite
def some_blocks(draw: st.DrawFn) -> list[Block]:
    out: list[Block] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["line", "grid", "table", "gap"]))
        if kind == "line":
            out.append(Line(draw(words)))
        elif kind == "gap":
            out.append("")
        elif kind == "grid":
            rows = draw(st.lists(st.tuples(words, words), min_size=1, max_size=4))
            out.append(Grid(tuple(rows)))
        else:
            n = draw(st.integers(2, 5))
            fold = draw(st.integers(0, n - 1))
            row = st.tuples(*[words] * n)
            out.append(
                Table(
                    headers=draw(row),
                    right=tuple(draw(st.booleans()) for _ in range(n)),
                    folds=tuple(i == fold for i in range(n)),
                    rows=tuple(draw(st.lists(row, max_size=4))),
                    total=draw(row),
                )
            )
    return out


_EMPTY_COLUMN = Table(("", ""), (False, False), (True, False), (), ("Worked (overlaps once)", ""))


@settings(max_examples=500, deadline=None)
@given(some_blocks(), st.integers(20, 160))
@example([_EMPTY_COLUMN], 20)  # narrowed, then measured again: the empty column is 0 wide
def test_random_blocks_lay_out_as_rich_lays_them_out(items: list[Block], width: int) -> None:
    got = _by_plain(items, width)
    if got is not None:
        assert got == _by_rich(items, width)


def test_plain_leaves_what_it_is_not_sure_of_to_rich() -> None:
    assert plain([Line("a\tb")], 80) is None  # rich expands tabs
    assert plain([Line("bell\x07")], 80) is None
    table = Table(("Date", "[b]x[/b]"), (False, False), (False, True), (("1", "2"),), ("t", ""))
    assert plain([table], 80) is None  # a header is markup to rich
    wide = Table(("a" * 50, "b" * 58), (False, False), (True, False), (), ("", ""))
    assert plain([wide], 60) is None  # the folding column cannot give up enough


def test_a_piped_week_report_does_not_import_rich() -> None:
    code = (
        "import sys\n"
        "from offline_tracker.render.report import report_text\n"
        "from tests.render.test_report import week_report\n"
        "text = report_text(week_report(), width=100)\n"
        "assert 'Work-time report' in text\n"
        "print(sorted({'rich.console', 'rich.table', 'rich.text'} & set(sys.modules)))\n"
    )
    env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "OFFLINE_TRACKER_LANG": "en"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3", "72", "250"])
@pytest.mark.parametrize("terminal", [None, 0, 90, OSError])
def test_the_width_is_shutils_without_shutil(
    columns: str | None, terminal: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import shutil

    from offline_tracker.render.text import terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)

    def size(_fd: int = 1) -> os.terminal_size:
        if terminal is OSError:
            raise OSError("not a terminal")
        return os.terminal_size((int(terminal or 0), 24))

    if terminal is not None:
        monkeypatch.setattr(os, "get_terminal_size", size)
    assert terminal_columns() == shutil.get_terminal_size((100, 24)).columns
