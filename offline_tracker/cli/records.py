"""Commands that write and read records: log, start, stop, status, add, list, amend, void, show."""

from collections.abc import Callable
from typing import Annotated, Any

import typer

from offline_tracker.cli import hot, spec
from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.i18n import t


def _complete_ids(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of a record id: the newest records, with their text (never fails)."""
    from offline_tracker.app import open_app
    from offline_tracker.clock import system_now
    from offline_tracker.paths import resolve_location

    try:
        with open_app(resolve_location(None), system_now) as app:
            records = app.recent_records(50)
    except Exception:  # completion must never print an error into the user's shell
        return []
    return [(r.id, r.text[:40]) for r in records if r.id.startswith(incomplete)]


RecordId = Annotated[
    int, typer.Argument(metavar="ID", help=t("help.arg.id"), autocompletion=_complete_ids)
]


def _echo_saved(saved: Any, verb: str, as_json: bool) -> None:
    hot.echo_saved(saved, verb, as_json)


def _record(command: str) -> Callable[..., None]:
    def run(ctx: typer.Context, inp: Any, as_json: bool) -> None:
        hot.record(state(ctx), command, inp, as_json)

    return run


def _amend(ctx: typer.Context, inp: Any, as_json: bool, record_id: int, reason: str) -> None:
    with state(ctx).app() as app:
        _echo_saved(app.amend(record_id, inp, reason), "amended", as_json)


# `ot log` and `ot add` are declared in cli/spec.py: cli/fast.py parses them without typer.
log = o.record_command(_record("log"), *map(o.parameter, spec.LOG))
start = o.record_command(
    _record("start"),
    o.param("text", Annotated[str | None, typer.Argument(help=t("help.arg.text"))], None),
    o.param("at", o.At, None),
)
add = o.record_command(_record("add"), *map(o.parameter, spec.ADD))
amend = o.record_command(
    _amend,
    o.param("record_id", RecordId),
    o.param("reason", o.Reason),
    o.param("text", Annotated[str | None, typer.Option("--text", help=t("help.opt.text"))], None),
    *o.TIMES,
)


def stop(
    ctx: typer.Context,
    at: o.StopAt = None,
    allow_future: o.AllowFuture = False,
    as_json: o.Json = False,
) -> None:
    with state(ctx).app() as app:
        _echo_saved(app.stop(at, allow_future), "stopped", as_json)


def status(ctx: typer.Context, as_json: o.Json = False) -> None:
    from offline_tracker import render

    with state(ctx).app() as app:
        result = app.status()
    typer.echo(render.status_json(result) if as_json else render.status(result))


def list_(
    ctx: typer.Context,
    date_from: o.DateFrom = None,
    date_to: o.DateTo = None,
    include_voided: Annotated[
        bool, typer.Option("--include-voided", help=t("help.opt.voided"))
    ] = False,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render

    with state(ctx).app() as app:
        records, tz = app.list_records(date_from, date_to, include_voided)
        now = app.now()
    typer.echo(
        render.records_json(records, tz, now) if as_json else render.records(records, tz, now)
    )


def void(
    ctx: typer.Context,
    record_id: RecordId,
    reason: o.Reason,
    as_json: o.Json = False,
) -> None:
    with state(ctx).app() as app:
        saved = app.void(record_id, reason)
    if as_json:
        _echo_saved(saved, "voided", as_json)
    else:
        typer.echo(t("out.voided", id=saved.record.id, reason=saved.record.void_reason))


def show(
    ctx: typer.Context,
    record_id: RecordId,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render

    with state(ctx).app() as app:
        record, history, tz = app.show(record_id)
        now = app.now()
    show = render.history_json if as_json else render.history
    typer.echo(show(record, history, tz, now))


COMMANDS: dict[str, Callable[..., None]] = {
    "log": log,
    "start": start,
    "stop": stop,
    "status": status,
    "add": add,
    "list": list_,
    "amend": amend,
    "void": void,
    "show": show,
}


def register(app: typer.Typer) -> None:
    for name, func in COMMANDS.items():
        app.command(name, help=t(f"help.cmd.{name}"), epilog=t(f"example.{name}"))(func)
