"""Help text wrapped for Chinese and English alike: a line may break between two CJK characters
or at a space, never inside an English word, an option or a number; widths count a CJK
character as two columns; a line never starts with a closing mark (，。）) nor ends with an
opening one (（“). Installed as click's wrap_text (cli/localize.py)."""

from __future__ import annotations

import re
import unicodedata

_CJK = "\u2e80-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_OPEN = "（“‘《「『【〔"
_CLOSE = "，。、；：？！）”’》」』】〕…"
# A unit that cannot be broken: opening marks, then an English run or one CJK character, then
# closing marks (which stay with what they close).
_ATOM = re.compile(rf"\s+|[{_OPEN}]*(?:[^\s{_CJK}]+|[^\s{_OPEN}{_CLOSE}])[{_CLOSE}]*|\S")
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])(?=\s)")


def width(text: str) -> int:
    """Columns on a terminal: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def term_len(text: str) -> int:
    """click's term_len (styles do not count) in terminal columns."""
    from click._compat import strip_ansi

    return width(strip_ansi(text))


def fill(text: str, limit: int, first: str = "", rest: str = "") -> str:
    """One paragraph in lines of at most `limit` columns (a single unit longer than a line
    stays whole rather than being cut)."""
    lines: list[str] = []
    line, used, spaced, empty = first, width(first), False, True
    for atom in _ATOM.findall(text):
        if atom.isspace():
            spaced = True
            continue
        gap = " " if spaced and not empty else ""
        size = width(atom)
        if not empty and used + len(gap) + size > limit:
            lines.append(line)
            line, used, gap = rest, width(rest), ""
        line, used, spaced, empty = line + gap + atom, used + len(gap) + size, False, False
    lines.append(line)
    return "\n".join(lines)


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click.formatting.wrap_text's contract: paragraphs are separated by an empty line, and
    one that starts with a line holding only \\b is kept as it is, only indented."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(text, width, initial_indent, subsequent_indent)
    out = []
    for indent, raw, body in _paragraphs(text):
        first, rest = initial_indent + " " * indent, subsequent_indent + " " * indent
        if raw:
            lines = body.splitlines()
            out.append("\n".join((first if i == 0 else rest) + s for i, s in enumerate(lines)))
        else:
            out.append(fill(body, width, first, rest))
    return "\n\n".join(out)


def _paragraphs(text: str) -> list[tuple[int, bool, str]]:
    found: list[tuple[int, bool, str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line]
        if not lines:
            continue
        indent = len(lines[0]) - len(lines[0].lstrip())
        if lines[0].strip() == "\b":
            found.append((indent, True, "\n".join(lines[1:])))
        else:
            found.append((indent, False, " ".join(line.strip() for line in lines)))
    return found


def first_sentence(text: str) -> str:
    """A command's help up to its first full stop: its line in the list of commands."""
    paragraph = text.split("\n\n", 1)[0].strip()
    return _SENTENCE_END.split(paragraph, 1)[0].strip()
