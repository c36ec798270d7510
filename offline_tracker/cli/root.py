"""The root typer app: global options, the lazily opened app object, and error handling."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from click import exceptions as click_errors

from offline_tracker import __version__
from offline_tracker.cli.argv import first_after_globals as _first_after_globals
from offline_tracker.cli.argv import hoist_globals, version_first
from offline_tracker.cli.common import State, fail, failed, tell_traditional
from offline_tracker.i18n import t

app = typer.Typer(
    name="ot",
    help=t("help.root"),
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"offline_tracker {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help=t("help.opt.db"))] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=t("help.opt.lang"))] = None,
    _version_flag: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help=t("help.opt.version")),
    ] = None,
) -> None:
    from offline_tracker.paths import resolve_location

    if lang is not None and lang not in ("en", "zh"):
        raise typer.BadParameter(t("error.lang", value=lang), param_hint="--lang")
    ctx.obj = State(resolve_location(db))


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


# Each module has `register(app)`; the order is the order of `ot --help`. One per line.
COMMAND_MODULES = (
    "records",
    "terms",
    "report",
    "ledger_cmds",
    "doctor",
    "imports",
    "evidence",
)


# The module that registers each top-level command: `ot log ...` imports and builds only
# `records` (a third of the start-up went into building every command). Kept equal to what the
# modules register by tests/cli/test_lazy_commands.py.
COMMAND_HOMES = {
    **dict.fromkeys(("log", "start", "stop", "status", "add", "list"), "records"),
    **dict.fromkeys(("amend", "void", "show"), "records"),
    **dict.fromkeys(("contract", "calendar", "comp-time"), "terms"),
    "report": "report",
    **dict.fromkeys(("init", "verify", "db"), "ledger_cmds"),
    "doctor": "doctor",
    "import": "imports",
    **dict.fromkeys(("export", "anchor", "backup", "restore"), "evidence"),
}
_registered: list[str] = []


def _register(command: str | None = None) -> None:
    """Attach the command modules (they import this module for `app` and `state`): the one that
    has `command`, or every one (for help, completion, an unknown command)."""
    import importlib

    home = COMMAND_HOMES.get(command or "")
    for name in (home,) if home else COMMAND_MODULES:
        if name not in _registered:
            importlib.import_module(f"offline_tracker.cli.{name}").register(app)
            _registered.append(name)


def _command_word(args: list[str]) -> str | None:
    """The command of a command line whose global options were hoisted to the front."""
    word = _first_after_globals(args)
    if word is None or word.startswith("-") or os.environ.get("_OT_COMPLETE"):
        return None
    return word


def run(args: list[str]) -> int:
    """Run the command line; every failure becomes one line on stderr and exit code 2 or 1."""
    args = hoist_globals(args)
    if not version_first(args):
        _register(_command_word(args))
    from offline_tracker.cli import localize

    localize.install()
    tell_traditional(_explicit_language(args))
    command = typer.main.get_command(app)
    localize.localize(command)
    try:
        result = command.main(args=args, prog_name="ot", standalone_mode=False)
    except Exception as exc:  # the last line of defence: never a traceback for a user
        return _failed(exc)
    return result if isinstance(result, int) else 0


def _failed(exc: Exception) -> int:
    """The exit code of a command that raised, after saying why in one line."""
    if isinstance(exc, typer.Exit | click_errors.Exit):
        return int(exc.exit_code or 0)
    if isinstance(exc, click_errors.UsageError):
        text = usage_message(exc)
        return fail(t("error.usage_hint", text=text, command=_command_path(exc)), 2)
    if isinstance(exc, typer.Abort | click_errors.Abort):
        return fail(t("error.aborted"), 1)
    return failed(exc)


def _explicit_language(args: list[str]) -> str | None:
    from offline_tracker.cli import _language_from_argv

    return _language_from_argv(args)


def usage_message(exc: click_errors.UsageError) -> str:
    """Click's usage errors in the reader's language, a parameter by its translated name."""
    from offline_tracker.cli.localize import param_name
    from offline_tracker.cli.words import Words

    param = getattr(exc, "param", None)
    if isinstance(exc, click_errors.NoSuchOption):
        return t("error.no_such_option", option=exc.option_name) + _did_you_mean(exc)
    if isinstance(exc, click_errors.MissingParameter) and param is not None:
        return t("error.missing", param=param_name(param))
    if isinstance(exc, click_errors.BadParameter) and param is not None:
        if isinstance(param.type, Words):  # its sentence names the value and what is accepted
            return exc.message
        return t("error.bad_value", option=param_name(param), detail=exc.format_message())
    name = getattr(exc, "command_name", None)  # click 8.4+: NoSuchCommand
    if name is None and exc.message.startswith("No such command"):
        name = exc.message.split("'")[1] if "'" in exc.message else ""
    if name is not None:
        return t("error.no_such_command", detail=name) + _did_you_mean(exc)
    return exc.format_message()


def _did_you_mean(exc: click_errors.UsageError) -> str:
    close = getattr(exc, "possibilities", None)
    return t("error.did_you_mean", names=", ".join(close)) if close else ""


def _command_path(exc: click_errors.UsageError) -> str:
    ctx = exc.ctx
    return f"{ctx.command_path} --help" if ctx is not None else "ot --help"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv[1:]))
