"""The report's text blocks, laid out by rich or, where it prints the same, without it (issue 19).

The text report is made of paragraphs (`Line`), label / value lines (`Grid`) and the day table
(`Table`). On a terminal with colour they go through rich (bold headings). Anywhere else (a
pipe, a file, NO_COLOR, TERM=dumb) no style shows, and `plain` lays the blocks out as rich does:
the same column widths (each column as wide as its widest cell, the one folding column narrowed
by what the width lacks), the same line breaks and cell widths (rich's own `rich.cells` and
`rich._wrap`, a few milliseconds to import), without importing rich's console and tables (about
50 ms of a week report). What `plain` cannot be sure to lay out as rich does (a control
character or a tab in a text, markup signs in a header, a width that cannot hold the columns)
it leaves to rich: it answers None. tests/render/test_blocks.py compares the two.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NamedTuple

# NamedTuples: a third of the import time of frozen dataclasses (about 1 ms less, issue 19).


class Line(NamedTuple):
    """A paragraph: folds at the width; `style` shows on a terminal only."""

    text: str
    style: str = ""


class Grid(NamedTuple):
    """Label / value lines; values fold inside the width instead of running past it."""

    rows: tuple[tuple[str, str], ...]


class Table(NamedTuple):
    """The day table: a header, the rows, a blank line, the bold total row. Only the column
    marked in `folds` folds; `right` columns are right-justified."""

    headers: tuple[str, ...]
    right: tuple[bool, ...]
    folds: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...]


Block = Line | Grid | Table | str


def to_rich(block: Block) -> Any:
    """The rich renderable of a block (the terminal's way)."""
    from rich.text import Text  # Text, not markup: names such as "[PM] Li" print as typed

    if isinstance(block, str):
        return block
    if isinstance(block, Line):
        return Text(block.text, style=block.style)
    if isinstance(block, Grid):
        from rich.table import Table as RichTable

        grid = RichTable.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in block.rows:
            grid.add_row(Text(label), Text(value))
        return grid
    return _rich_table(block)


def _rich_table(block: Table) -> Any:
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    # Right padding only: with the box's blank separator that makes a two-cell gap.
    table = RichTable(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        header_style="bold",
    )
    for header, right, folds in zip(block.headers, block.right, block.folds, strict=True):
        table.add_column(
            header, justify="right" if right else "left", no_wrap=not folds, overflow="fold"
        )
    for index, row in enumerate(block.rows):
        table.add_row(*(Text(cell) for cell in row), end_section=index == len(block.rows) - 1)
    table.add_row(*(Text(cell) for cell in block.total), style="bold")
    return table


# -- without rich ----------------------------------------------------------------------------
_ROW = tuple[str, ...]
_UNSURE = frozenset("\t\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # rich splits or expands them


def plain(blocks: Sequence[Block], width: int) -> str | None:
    """The blocks as rich prints them without style at `width` (None: leave it to rich)."""
    if sys.platform == "win32":  # rich may draw another box on a legacy console
        return None
    out: list[str] = []
    for block in blocks:
        lines = _block_lines(block, width)
        if lines is None:
            return None
        out += lines
    return "\n".join(out)


def _block_lines(block: Block, width: int) -> list[str] | None:
    if isinstance(block, str):
        return _wrapped(block, width, True) if block else [""]
    if isinstance(block, Line):
        return _wrapped(block.text, width, True)
    if isinstance(block, Grid):
        # Table.grid(padding=(0, 2)): two cells after the label, none at the edges.
        grid = _Layout((2, 0), (False, False), (False, True))
        rows = grid.rows(list(block.rows), width)
        return None if rows is None else [line for row in rows for line in _joined(row, "")]
    return _table(block, width)


def _table(block: Table, width: int) -> list[str] | None:
    """Header, its rule, the days, the blank line that ends their section, the total row; the
    columns two cells apart (one of padding, one of the box's blank divider)."""
    if any(set(h) & set("[]:") for h in block.headers):  # rich reads a header's markup
        return None
    count = len(block.headers)
    layout = _Layout(tuple(int(i < count - 1) for i in range(count)), block.right, block.folds)
    rows = layout.rows([block.headers, *block.rows, block.total], width - (count - 1), True)
    if rows is None:
        return None
    head, *days, total = rows
    lines = _joined(head, " ")
    lines.append("─" * (sum(layout.widths) + count - 1))
    for row in days:
        lines += _joined(row, " ")
    if days:
        lines.append("")
    return lines + _joined(total, " ")


def _joined(cells: list[list[str]], divider: str) -> list[str]:
    return [divider.join(parts) for parts in zip(*cells, strict=True)]


class _Layout:
    """Columns as rich's Table sizes them: each as wide as its widest cell plus its padding
    (at most the width); when they do not fit, the one folding column gives up the excess."""

    def __init__(self, pads: tuple[int, ...], right: Sequence[bool], folds: Sequence[bool]):
        self.pads, self.right, self.folds = pads, tuple(right), tuple(folds)
        self.widths: list[int] = []

    def rows(
        self, rows: Sequence[Sequence[str]], width: int, header: bool = False
    ) -> list[list[list[str]]] | None:
        """Each row's cells as lines of their column's width (None: leave it to rich)."""
        widths = self._widths(rows, width)
        if widths is None:
            return None
        self.widths = widths
        out = []
        for index, row in enumerate(rows):
            made = [self._cell(text, i) for i, text in enumerate(row)]
            cells = [cell for cell in made if cell is not None]
            if len(cells) < len(made):
                return None
            height, bottom = max(len(cell) for cell in cells), header and not index
            out.append([_aligned(c, w, height, bottom) for c, w in zip(cells, widths, strict=True)])
        return out

    def _widths(self, rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
        if any(not _safe(text) for row in rows for text in row):
            return None
        widths = [self._measure(rows, i, width) or 1 for i in range(len(self.pads))]
        excess = sum(widths) - width
        if excess <= 0:
            return widths
        folding = [i for i, folds in enumerate(self.folds) if folds]
        if len(folding) != 1 or widths[folding[0]] - excess - self.pads[folding[0]] < 1:
            return None  # rich would narrow every column alike
        widths[folding[0]] -= excess
        return [self._measure(rows, i, w) for i, w in enumerate(widths)]  # rich measures again

    def _measure(self, rows: Sequence[Sequence[str]], i: int, width: int) -> int:
        """The widest cell of column `i` with its padding, at most `width`."""
        from rich.cells import cell_len

        if width < 1:
            return 0
        pad = self.pads[i]
        if width - pad < 1:
            return width
        longest = max(cell_len(line) for row in rows for line in row[i].split("\n"))
        return min(longest + pad, width)

    def _cell(self, text: str, i: int) -> list[str] | None:
        from rich.cells import cell_len

        inner = self.widths[i] - self.pads[i]
        lines = _wrapped(text, inner, self.folds[i], self.right[i])
        if lines is None or (not self.folds[i] and any(cell_len(x) > inner for x in lines)):
            return None  # rich would crop it with an ellipsis
        gap = " " * self.pads[i]
        if self.right[i]:
            return [" " * (inner - cell_len(x)) + x + gap for x in lines]
        return [x + " " * (inner - cell_len(x)) + gap for x in lines]


def _aligned(cell: list[str], width: int, height: int, bottom: bool) -> list[str]:
    """A cell made `height` lines tall: blank lines below it (a header's above it)."""
    blank = [" " * width] * (height - len(cell))
    return blank + cell if bottom else cell + blank


def _safe(text: str) -> bool:
    return not (_UNSURE & set(text)) and all(c == "\n" or c.isprintable() for c in text)


def _wrapped(text: str, width: int, folds: bool, right: bool = False) -> list[str] | None:
    """`text`'s lines as rich wraps them at `width` (words longer than it folded)."""
    from rich._wrap import divide_line
    from rich.cells import cell_len, set_cell_size

    if not _safe(text) or width < 1:
        return None
    out = []
    for line in text.split("\n"):
        breaks = divide_line(line, width, fold=True) if folds else []
        for start, end in zip([0, *breaks], [*breaks, len(line)], strict=True):
            piece = line[start:end].rstrip() if right else line[start:end]
            out.append(set_cell_size(piece, width) if cell_len(piece) > width else piece)
    return out
