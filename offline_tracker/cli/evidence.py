"""`ot export csv|json|xlsx|evidence`, `ot backup`, `ot restore`, and `ot verify PACK` (`ot anchor`:
cli/anchors.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.domain.errors import Refusal
from offline_tracker.i18n import t

export_app = typer.Typer(help=t("help.cmd.export"), no_args_is_help=True)

From = Annotated[str | None, typer.Option("--from", metavar="DATE", help=t("help.opt.export_from"))]
To = Annotated[str | None, typer.Option("--to", metavar="DATE", help=t("help.opt.export_to"))]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", dir_okay=False, help=t("help.opt.output")),
]
PackOut = Annotated[
    Path,
    typer.Option("--output", "-o", metavar="FILE", dir_okay=False, help=t("help.opt.output_pack")),
]
XlsxOut = Annotated[
    Path,
    typer.Option("--output", "-o", metavar="FILE", dir_okay=False, help=t("help.opt.output_xlsx")),
]
Voided = Annotated[bool, typer.Option("--include-voided", help=t("help.opt.export_voided"))]
Force = Annotated[bool, typer.Option("--force", help=t("help.opt.export_force"))]


def _language(ctx: typer.Context) -> None:
    """`--lang` anywhere on the line picks the language of headers, report and README."""
    from offline_tracker import i18n

    lang = ctx.find_root().params.get("lang")
    if lang:
        i18n.set_language(lang)


def _write(chunks: Iterable[bytes], output: Path | None, count: int, force: bool) -> None:
    if output is None:
        sys.stdout.flush()
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    from offline_tracker.formats.pack import write_private

    write_private(output, lambda out: out.writelines(chunks), overwrite=force)
    typer.echo(t("out.exported", count=count, path=output))


def _warn_unsound(problems: tuple[str, ...]) -> None:
    """An export of a ledger that failed verification (`--force`) says so on stderr too."""
    if problems:
        typer.echo(t("out.export_unsound", count=len(problems), first=problems[0]), err=True)


def export_csv(
    ctx: typer.Context,
    date_from: From = None,
    date_to: To = None,
    output: Output = None,
    include_voided: Voided = False,
    force: Force = False,
) -> None:
    _language(ctx)
    _export(ctx, "csv", (date_from, date_to), output, include_voided, force)


def export_json(
    ctx: typer.Context,
    date_from: From = None,
    date_to: To = None,
    output: Output = None,
    include_voided: Voided = False,
    force: Force = False,
) -> None:
    _export(ctx, "json", (date_from, date_to), output, include_voided, force)


def _export(
    ctx: typer.Context,
    form: str,
    period: tuple[str | None, str | None],
    output: Path | None,
    include_voided: bool,
    force: bool,
) -> None:
    from offline_tracker.app import evidence

    # Written inside the read: the rows are streamed from it (issue 19).
    with (
        state(ctx).app() as app,
        evidence.export_records(app, *period, include_voided, force) as export,
    ):
        _warn_unsound(export.unsound)
        chunks = evidence.csv_bytes(export) if form == "csv" else evidence.json_bytes(export)
        _write(chunks, output, len(export.rows), force)


def export_xlsx(
    ctx: typer.Context,
    output: XlsxOut,
    date_from: From = None,
    date_to: To = None,
    force: Force = False,
) -> None:
    """Voided records are in it, marked: the workbook shows what the ledger holds (RULES E5)."""
    from offline_tracker.app import workbook

    _language(ctx)
    with state(ctx).app() as app:
        export = workbook.export_xlsx(app, date_from, date_to, output, force)
    _warn_unsound(export.unsound)
    typer.echo(t("out.exported", count=len(export.rows), path=output))


def export_evidence(
    ctx: typer.Context,
    output: PackOut,
    date_from: From = None,
    date_to: To = None,
    force: Force = False,
) -> None:
    from offline_tracker.app import evidence
    from offline_tracker.render.report import flag_text

    _language(ctx)
    with state(ctx).app() as app:
        packed = evidence.build_pack(app, date_from, date_to, output, flag_text, force)
    _warn_unsound(packed.unsound)
    typer.echo(
        t(
            "out.packed",
            path=packed.path,
            records=packed.records,
            entries=packed.entries,
            attachments=packed.attachments,
            seq=packed.head[0],
        )
    )
    for sha, problem in packed.missing:  # listed in the manifest; the pack is still written
        typer.echo(
            t("out.pack_attachment", sha=sha, problem=t(f"ev.attachment.{problem}")), err=True
        )


def backup(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(metavar="[PATH]", dir_okay=False, help=t("help.arg.backup_path")),
    ] = None,
    parents: Annotated[bool, typer.Option("--parents", help=t("help.opt.backup_parents"))] = False,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import backups
    from offline_tracker.clock import system_now

    location = state(ctx).location
    copy = backups.backup(location, path, system_now(), parents)
    if as_json:
        _echo_checked(render.checked_json(copy, "backup"), copy)
        return
    if not _echo_check(copy, "out.backup_ok", "out.backup_failed"):
        raise typer.Exit(1)
    folder = backups.sqlite_file(location).parent / "evidence"
    typer.echo(t("out.backup_attachments", folder=folder))


def restore(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="PATH", dir_okay=False, help=t("help.arg.restore_path"))
    ],
    yes: Annotated[bool, typer.Option("--yes", help=t("help.opt.restore_yes"))] = False,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import backups
    from offline_tracker.clock import system_now

    done = backups.restore(state(ctx).location, path, system_now(), yes)
    if as_json:
        _echo_checked(render.restore_json(done), done)
        if done.needs_yes:
            raise Refusal("error.restore_needs_yes")
        return
    for line in render.replaced_lines(done):
        typer.echo(line, err=True)
    if done.needs_yes:
        raise Refusal("error.restore_needs_yes")
    if not _echo_check(done, "out.restored", "out.restore_refused"):
        raise typer.Exit(1)
    if done.kept is not None:
        typer.echo(t("out.restore_kept", kept=done.kept))


def _echo_checked(text: str, check: Any) -> None:
    """`--json` of backup and restore; exit 1 when the copy did not verify."""
    typer.echo(text)
    if not check.ok and not check.needs_yes:
        raise typer.Exit(1)


def _echo_check(check: Any, ok_key: str, failed_key: str) -> bool:
    from offline_tracker import render

    typer.echo("\n".join(render.check_lines(check, ok_key, failed_key)), err=not check.ok)
    return bool(check.ok)


def verify_pack(
    ctx: typer.Context, pack: Path, as_json: bool, anchors: list[str] | None = None
) -> None:
    """`ot verify PACK`: the pack's files against its manifest, its entries against the ledger."""
    from offline_tracker import render
    from offline_tracker.app.backups import sqlite_file
    from offline_tracker.app.pack_check import verify_pack as check
    from offline_tracker.render.report import flag_text

    if anchors:
        raise typer.BadParameter(t("error.pack_and_anchor"), param_hint="--anchor")
    st = state(ctx)
    server = "://" in st.location and not st.location.startswith("sqlite:///")
    has_ledger = server or sqlite_file(st.location).is_file()
    _language(ctx)
    result = check(pack, st.app if has_ledger else None, flag_text)
    typer.echo(render.pack_json(result) if as_json else render.pack_text(result))
    if not result.ok:
        raise typer.Exit(1)


EXPORTS: dict[str, Callable[..., None]] = {
    "csv": export_csv,
    "json": export_json,
    "xlsx": export_xlsx,
    "evidence": export_evidence,
}
COMMANDS: dict[str, Callable[..., None]] = {"backup": backup, "restore": restore}


def register(app: typer.Typer) -> None:
    for name, func in EXPORTS.items():
        export_app.command(
            name, help=t(f"help.cmd.export_{name}"), epilog=t(f"example.export_{name}")
        )(func)
    app.add_typer(export_app, name="export")
    from offline_tracker.cli import anchors

    anchors.register(app)
    for name, func in COMMANDS.items():
        app.command(name, help=t(f"help.cmd.{name}"), epilog=t(f"example.{name}"))(func)
