"""The command line's global options, read before typer is imported (`ot --version`)."""

from __future__ import annotations

GLOBAL_OPTIONS = ("--db", "--lang")


def hoist_globals(args: list[str]) -> list[str]:
    """Accept `ot list --db X` as well as `ot --db X list`: global options move to the front."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in GLOBAL_OPTIONS and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
            continue
        if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def version_first(args: list[str]) -> bool:
    """`ot [--db X] --version` prints and exits before any command is parsed: the command modules
    need not be imported nor their options built (a fifth of its start-up, issue 7)."""
    return first_after_globals(args) == "--version"


def first_after_globals(args: list[str]) -> str | None:
    """The first word of a command line whose global options were hoisted to the front."""
    i = 0
    while i < len(args) and args[i].split("=", 1)[0] in GLOBAL_OPTIONS:
        i += 1 if "=" in args[i] else 2
    return args[i] if i < len(args) else None
