"""`ot doctor`: what is wrong with a ledger (file, chain, tables, attachments) and the way out."""

from __future__ import annotations

import shlex

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.i18n import t


def doctor(ctx: typer.Context, as_json: o.Json = False) -> None:
    from offline_tracker.app.doctor import advice, diagnose
    from offline_tracker.clock import system_now
    from offline_tracker.render.doctor import doctor_json, doctor_text

    location = state(ctx).location
    # Never through state(ctx).app(): that would migrate, and could create, the file it examines.
    diag = diagnose(location, system_now)
    tips = advice(diag, system_now(), _restore(location))
    typer.echo(doctor_json(diag, tips) if as_json else doctor_text(diag, tips))
    if not diag.ok:
        raise typer.Exit(1)


def _restore(location: str) -> str | None:
    """How to call `ot restore` for this ledger, or None while the command does not exist."""
    from offline_tracker.cli.root import app
    from offline_tracker.paths import DB_FILE, default_data_dir

    names = {c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands}
    if "restore" not in names:
        return None
    # --db stays in the command unless it is the default: pasted into a shell without the same
    # OFFLINE_TRACKER_DB, a bare `ot restore` would replace another ledger.
    if location == str(default_data_dir() / DB_FILE):
        return "ot restore"
    return f"ot --db {shlex.quote(location)} restore"


def register(app: typer.Typer) -> None:
    app.command("doctor", help=t("help.cmd.doctor"), epilog=t("example.doctor"))(doctor)
