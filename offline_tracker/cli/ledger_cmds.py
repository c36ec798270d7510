"""Commands about the ledger itself: init, verify, db rebuild."""

from pathlib import Path
from typing import Annotated, Any

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.i18n import t

db_app = typer.Typer(help=t("help.cmd.db"), no_args_is_help=True)


def _init(
    ctx: typer.Context, changes: dict[str, Any], effective: str | None, as_json: bool
) -> None:
    """The ledger and its first contract version (covering earlier dates unless --effective)."""
    from offline_tracker import render
    from offline_tracker.clock import local_zone_name
    from offline_tracker.paths import shown

    changes.setdefault("timezone", local_zone_name())
    if effective is not None:
        changes["effective"] = effective
    st = state(ctx)
    with st.app(create=True) as app:
        contract = app.init(changes)
    if as_json:
        where = shown(st.location)
        typer.echo(render.written_json(app.written, action="init", location=where,
                                       contract=contract.to_payload()))  # fmt: skip
        return
    typer.echo(t("out.initialised", location=shown(st.location)))
    typer.echo(render.contract(contract))


init = o.contract_command(_init)


def verify(
    ctx: typer.Context,
    pack: Annotated[Path | None, typer.Argument(metavar="[PACK]", help=t("help.arg.pack"))] = None,
    anchor: Annotated[
        list[str] | None,
        typer.Option("--anchor", metavar="DIGEST", help=t("help.opt.anchor_digest")),
    ] = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render

    if pack is not None:  # an evidence pack instead of the ledger (cli/evidence.py)
        from offline_tracker.cli.evidence import verify_pack

        return verify_pack(ctx, pack, as_json, anchor)
    with state(ctx).app() as app:
        result = app.verify(tuple(anchor or ()))
    typer.echo(render.verification_json(result) if as_json else render.verification(result))
    if not result.ok:
        raise typer.Exit(1)
    for digest in () if as_json else anchor or ():
        typer.echo(t("out.anchor_ok", digest=digest))


def rebuild(ctx: typer.Context) -> None:
    with state(ctx).app() as app:
        count = app.rebuild()
    typer.echo(t("out.rebuilt", count=count))


def register(app: typer.Typer) -> None:
    app.command("init", help=t("help.cmd.init"), epilog=t("example.init"))(init)
    app.command("verify", help=t("help.cmd.verify"), epilog=t("example.verify"))(verify)
    db_app.command("rebuild", help=t("help.cmd.rebuild"), epilog=t("example.rebuild"))(rebuild)
    app.add_typer(db_app, name="db")
