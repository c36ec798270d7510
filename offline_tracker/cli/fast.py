"""`ot log`, `ot add` and `ot report week` without typer and click, when every word of the
command line is understood (issue 19: importing typer and click and building their command
cost more than the command's own work).

The parser reads the declarations typer's commands are made of (cli/spec.py) and takes only
what both read alike: `--db`/`--lang` once each (a known language), the command's words, then
its options as `--name VALUE`, `--name=VALUE` or `-n VALUE` (a value that does not start with
`-`), flags without a value, vocabulary words it knows, and no more arguments than declared.
Anything else (--help, a missing or unknown option, an option given twice, `--`, files to
attach, shell completion) returns None and the full typer path runs, so help, completion and
every usage error come from one place. Both paths make the same call to cli/hot.py; failures
end as cli/root.py ends them (tests/cli/test_fast_path.py compares the two).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any

from offline_tracker.cli import hot, spec
from offline_tracker.cli.argv import GLOBAL_OPTIONS, hoist_globals
from offline_tracker.cli.common import State, echo, fail, failed, tell_traditional
from offline_tracker.i18n import LANGUAGES, t

# What the fast path runs: the command's words -> its parameters and what runs it.
Body = Callable[[State, dict[str, Any]], None]


def _record(command: str) -> Body:
    def run(state: State, values: dict[str, Any]) -> None:
        fields = {name: values.pop(name) for name in spec.INPUT_FIELDS}
        hot.record(state, command, hot.record_input(**fields), **values)

    return run


def _report_week(state: State, values: dict[str, Any]) -> None:
    hot.report_week(state, **values)


COMMANDS: dict[tuple[str, ...], tuple[tuple[spec.Param, ...], Body]] = {
    ("log",): (spec.record_params(spec.LOG), _record("log")),
    ("add",): (spec.record_params(spec.ADD), _record("add")),
    ("report", "week"): (spec.REPORT_WEEK, _report_week),
}


def run(args: list[str]) -> int | None:
    """The exit code of a hot command line run here; None when the full path must run it."""
    if os.environ.get("_OT_COMPLETE"):  # shell completion is typer's
        return None
    args = hoist_globals(args)
    found = parse(args)
    if found is None:
        return None
    body, values, given = found
    tell_traditional(given.get("--lang"))
    return _invoke(body, values, given.get("--db"))


def parse(args: list[str]) -> tuple[Body, dict[str, Any], dict[str, str]] | None:
    """(what runs, its parameters' values, the global options) of a hoisted command line that
    this parser reads as typer would; None for anything else."""
    given, rest = _globals(args)
    if given is None or given.get("--lang", "en") not in LANGUAGES:
        return None
    for words, (params, body) in COMMANDS.items():
        if tuple(rest[: len(words)]) == words:
            values = parse_params(rest[len(words) :], params)
            return None if values is None else (body, values, given)
    return None


def _globals(args: list[str]) -> tuple[dict[str, str] | None, list[str]]:
    """The global options at the front (each at most once) and the words after them."""
    given: dict[str, str] = {}
    i = 0
    while i < len(args):
        name, eq, value = args[i].partition("=")
        if name not in GLOBAL_OPTIONS:
            break
        if not eq:
            if i + 1 >= len(args):
                return None, []
            value, i = args[i + 1], i + 1
        if name in given:
            return None, []
        given[name] = value
        i += 1
    return given, args[i:]


def parse_params(words: list[str], params: tuple[spec.Param, ...]) -> dict[str, Any] | None:
    """The values of a command's parameters from its words, defaults for those not given;
    None when a word is one this parser does not take as typer would."""
    flags = {word: (p, on) for p in params for word, on in p.opt.flags().items()}
    values: dict[str, Any] = {}
    arguments: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word == "-" or not word.startswith("-"):
            arguments.append(word)
            continue
        name, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if name not in flags:
            return None
        p, on = flags[name]
        if p.opt.kind in (spec.FLAG, spec.SWITCH):
            value: Any = None if eq else on  # `--json=yes` is typer's to refuse
        elif eq:
            value = inline
        elif i < len(words) and not words[i].startswith("-"):
            value, i = words[i], i + 1
        else:
            value = None
        if not _take(values, p, value):
            return None
    return _complete(values, arguments, params)


def _take(values: dict[str, Any], p: spec.Param, value: Any) -> bool:
    """Keep one option's value; False when typer would read it otherwise (or refuse it)."""
    kind = p.opt.kind
    if value is None or kind == spec.FILES or (p.name in values and kind != spec.MANY):
        return False
    if p.opt.vocab is not None:
        value = spec.code_of(*p.opt.vocab, value)
        if value is None:
            return False
    if kind == spec.MANY:
        values.setdefault(p.name, []).append(value)
    else:
        values[p.name] = value
    return True


def _complete(
    values: dict[str, Any], arguments: list[str], params: tuple[spec.Param, ...]
) -> dict[str, Any] | None:
    """The arguments in their places and every parameter not given at its default; None when
    one is missing or there are too many."""
    positional = [p for p in params if p.opt.kind == spec.ARGUMENT]
    if len(arguments) > len(positional):
        return None
    values.update((p.name, word) for p, word in zip(positional, arguments, strict=False))
    for p in params:
        if p.name not in values:
            if p.default is spec.REQUIRED:
                return None
            values[p.name] = p.default
    return values


def _invoke(body: Body, values: dict[str, Any], db: str | None) -> int:
    """Run the command; a failure ends as click's main and cli/root.py end it."""
    from offline_tracker.paths import resolve_location

    try:
        body(State(resolve_location(db)), values)
    except (EOFError, KeyboardInterrupt):
        echo("", err=True)  # the blank line that closes the terminal's ^C echo
        return fail(t("error.aborted"), 1)
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            return failed(exc)
        sys.stdout, sys.stderr = _Pacified(sys.stdout), _Pacified(sys.stderr)
        sys.exit(1)
    except Exception as exc:  # the last line of defence: never a traceback for a user
        return failed(exc)
    return 0


class _Pacified:
    """A stream whose flush ignores a broken pipe (the reader went away), as click's main has
    it, so that the interpreter's last flush does not print a traceback."""

    def __init__(self, wrapped: IO[Any]) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        import errno

        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.wrapped, attr)
