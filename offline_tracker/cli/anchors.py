"""`ot anchor [--tsq FILE]`, `ot anchor attach REPLY [--ca FILE ...]`, `ot anchor list [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.i18n import t

anchor_app = typer.Typer(help=t("help.cmd.anchor"))


def anchor(
    ctx: typer.Context,
    tsq: Annotated[
        Path | None,
        typer.Option("--tsq", metavar="FILE", dir_okay=False, help=t("help.opt.tsq")),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("help.opt.tsq_force"))] = False,
    as_json: o.Json = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        if tsq is not None:
            raise typer.BadParameter(t("error.tsq_with_subcommand"), param_hint="--tsq")
        return
    from offline_tracker.app import evidence
    from offline_tracker.render import anchors as view

    with state(ctx).app() as app:
        made = evidence.anchor(app, tsq, force)
    typer.echo(view.made_json(app.written, made, tsq) if as_json else view.made_text(made, tsq))


def attach(
    ctx: typer.Context,
    reply: Annotated[
        Path, typer.Argument(metavar="REPLY.tsr", dir_okay=False, help=t("help.arg.reply"))
    ],
    ca: Annotated[
        list[Path] | None,
        typer.Option("--ca", metavar="FILE", dir_okay=False, help=t("help.opt.ca")),
    ] = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker.app import timestamps
    from offline_tracker.render import anchors as view

    with state(ctx).app() as app:
        done = timestamps.attach(app, reply, ca or [])
    if as_json:
        typer.echo(view.attached_json(app.written, done))
        return
    typer.echo(view.attached_text(done))
    for line in view.late_lines(done):
        typer.echo(line, err=True)


def list_anchors(ctx: typer.Context, as_json: o.Json = False) -> None:
    from offline_tracker.app import timestamps
    from offline_tracker.render import anchors as view

    with state(ctx).app() as app:
        listed = timestamps.list_anchors(app)
    typer.echo(view.anchors_json(listed) if as_json else view.anchors_text(listed))


def register(app: typer.Typer) -> None:
    anchor_app.callback(
        invoke_without_command=True, help=t("help.cmd.anchor"), epilog=t("example.anchor")
    )(anchor)
    anchor_app.command(
        "attach", help=t("help.cmd.anchor_attach"), epilog=t("example.anchor_attach")
    )(attach)
    anchor_app.command("list", help=t("help.cmd.anchor_list"), epilog=t("example.anchor_list"))(
        list_anchors
    )
    app.add_typer(anchor_app, name="anchor")
