"""The bodies of the commands the fast path runs too (log, add, start; the reports), free of
typer: cli/records.py and cli/report.py call them from typer's commands, cli/fast.py directly,
so both paths make the same call and print the same bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from offline_tracker.cli.common import State, echo
from offline_tracker.i18n import t

if TYPE_CHECKING:
    from offline_tracker.app import RecordInput
    from offline_tracker.domain.report_view import ReportView

# A record command's use case (App's method) and the verb its output says.
RECORD_VERBS = {"log": "logged", "add": "added", "start": "started"}


def record(state: State, command: str, inp: RecordInput, as_json: bool) -> None:
    """`ot log|add|start`: write the record, print what was saved (or its JSON)."""
    with state.app() as app:
        echo_saved(getattr(app, command)(inp), RECORD_VERBS[command], as_json)


def echo_saved(saved: Any, verb: str, as_json: bool) -> None:
    from offline_tracker import render

    echo(render.saved_json(saved, verb) if as_json else render.saved(saved, verb))


def record_input(**kw: Any) -> RecordInput:
    """The options as typed, as an app.RecordInput (`-` as the text: standard input)."""
    from offline_tracker.app import RecordInput

    if kw.get("text") == "-":
        kw["text"] = _stdin_text()
    for name in ("channel", "role", "direction", "kind"):
        kw[name] = kw[name].lower() if kw.get(name) else None
    kw["tags"] = tuple(kw.get("tags") or ())
    kw["attach"] = tuple(kw.get("attach") or ())
    for path in kw["attach"]:
        if path.is_symlink():  # the copy is of the file the link points to: say which
            echo(t("out.attach_symlink", path=path, target=path.resolve()), err=True)
    return RecordInput(**kw)


def _stdin_text() -> str:
    """`ot log -`: the text from standard input (a script, a long paste)."""
    import sys

    from offline_tracker.domain.errors import InputError

    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("error.stdin_tty")
    return sys.stdin.read()


# A report's period: (today, the contract's week start) -> (first day, last day).
Period = Callable[[Any, int], tuple[Any, Any]]


def report(state: State, period: Period, as_json: bool, include_ack: bool) -> None:
    """Resolve the period (a function of today and the week start), classify, print."""
    from offline_tracker.app import reports

    with state.app() as app:
        view = reports.view(app, period, include_ack)
    echo(_json(view) if as_json else _text(view))


def report_week(
    state: State, when: str | None, week_opt: str | None, as_json: bool, include_ack: bool
) -> None:
    """`ot report week [WEEK|DATE] [--week W]`: the week named (this week by default)."""
    from offline_tracker.domain.timeparse import parse_week

    report(state, lambda today, ws: parse_week(week_opt or when, today, ws), as_json, include_ack)


def _json(view: ReportView) -> str:
    from offline_tracker.formats.report_json import report_dict
    from offline_tracker.render.jsonout import to_json
    from offline_tracker.render.report import flag_text

    return to_json(report_dict(view, flag_text))


def _text(view: ReportView) -> str:
    from offline_tracker.render.report import report_text

    return report_text(view)
