"""Commands that write and read records: log, start, stop, status, add, list, amend, void, show."""

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.i18n import t


def _input(**kw: Any) -> Any:
    from offline_tracker.app import RecordInput

    if kw.get("text") == "-":
        kw["text"] = _stdin_text()
    for name in ("channel", "role", "direction", "kind"):
        kw[name] = kw[name].lower() if kw.get(name) else None
    kw["tags"] = tuple(kw.get("tags") or ())
    kw["attach"] = tuple(kw.get("attach") or ())
    for path in kw["attach"]:
        if path.is_symlink():  # the copy is of the file the link points to: say which
            typer.echo(t("out.attach_symlink", path=path, target=path.resolve()), err=True)
    return RecordInput(**kw)


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


def _stdin_text() -> str:
    """`ot log -`: the text from standard input (a script, a long paste)."""
    import sys

    from offline_tracker.domain.errors import InputError

    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("error.stdin_tty")
    return sys.stdin.read()


def _echo_saved(saved: Any, verb: str, as_json: bool) -> None:
    from offline_tracker import render

    if as_json:
        typer.echo(json.dumps(render.saved_dict(saved, verb), ensure_ascii=False, indent=2))
    else:
        typer.echo(render.saved(saved, verb))


def log(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=t("help.arg.text"))],
    at: o.At = None,
    until: o.Until = None,
    minutes: o.Minutes = None,
    channel: o.ChannelOpt = None,
    counterpart: o.Counterpart = None,
    role: o.RoleOpt = None,
    direction: o.DirectionOpt = None,
    kind: o.KindOpt = None,
    tag: o.Tags = None,
    attach: o.Attach = None,
    emergency: o.Emergency = None,
    allow_future: o.AllowFuture = False,
    as_json: o.Json = False,
) -> None:
    inp = _input(
        text=text,
        at=at,
        until=until,
        minutes=minutes,
        channel=channel,
        counterpart=counterpart,
        role=role,
        direction=direction,
        kind=kind,
        tags=tag,
        attach=attach,
        emergency=emergency,
        allow_future=allow_future,
    )
    with state(ctx).app() as app:
        _echo_saved(app.log(inp), "logged", as_json)


def start(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help=t("help.arg.text"))] = None,
    at: o.At = None,
    channel: o.ChannelOpt = None,
    counterpart: o.Counterpart = None,
    role: o.RoleOpt = None,
    direction: o.DirectionOpt = None,
    kind: o.KindOpt = None,
    tag: o.Tags = None,
    attach: o.Attach = None,
    emergency: o.Emergency = None,
    allow_future: o.AllowFuture = False,
    as_json: o.Json = False,
) -> None:
    inp = _input(
        text=text,
        at=at,
        channel=channel,
        counterpart=counterpart,
        role=role,
        direction=direction,
        kind=kind,
        tags=tag,
        attach=attach,
        emergency=emergency,
        allow_future=allow_future,
    )
    with state(ctx).app() as app:
        _echo_saved(app.start(inp), "started", as_json)


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


def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=t("help.arg.text"))],
    date_from: Annotated[str, typer.Option("--from", help=t("help.opt.from"), metavar="WHEN")],
    date_to: Annotated[
        str | None, typer.Option("--to", help=t("help.opt.to"), metavar="WHEN")
    ] = None,
    minutes: o.Minutes = None,
    channel: o.ChannelOpt = None,
    counterpart: o.Counterpart = None,
    role: o.RoleOpt = None,
    direction: o.DirectionOpt = None,
    kind: o.KindOpt = None,
    tag: o.Tags = None,
    attach: o.Attach = None,
    emergency: o.Emergency = None,
    allow_future: o.AllowFuture = False,
    as_json: o.Json = False,
) -> None:
    inp = _input(
        text=text,
        at=date_from,
        until=date_to,
        minutes=minutes,
        channel=channel,
        counterpart=counterpart,
        role=role,
        direction=direction,
        kind=kind,
        tags=tag,
        attach=attach,
        emergency=emergency,
        allow_future=allow_future,
    )
    with state(ctx).app() as app:
        _echo_saved(app.add(inp), "added", as_json)


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


def amend(
    ctx: typer.Context,
    record_id: RecordId,
    reason: o.Reason,
    text: Annotated[str | None, typer.Option("--text", help=t("help.opt.text"))] = None,
    at: o.At = None,
    until: o.Until = None,
    minutes: o.Minutes = None,
    channel: o.ChannelOpt = None,
    counterpart: o.Counterpart = None,
    role: o.RoleOpt = None,
    direction: o.DirectionOpt = None,
    kind: o.KindOpt = None,
    tag: o.Tags = None,
    attach: o.Attach = None,
    emergency: o.Emergency = None,
    allow_future: o.AllowFuture = False,
    as_json: o.Json = False,
) -> None:
    inp = _input(
        text=text,
        at=at,
        until=until,
        minutes=minutes,
        channel=channel,
        counterpart=counterpart,
        role=role,
        direction=direction,
        kind=kind,
        tags=tag,
        attach=attach,
        emergency=emergency,
        allow_future=allow_future,
    )
    with state(ctx).app() as app:
        _echo_saved(app.amend(record_id, inp, reason), "amended", as_json)


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
    if as_json:
        typer.echo(json.dumps(render.history_dict(record, history, tz, now), ensure_ascii=False))
    else:
        typer.echo(render.history(record, history, tz, now))


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
