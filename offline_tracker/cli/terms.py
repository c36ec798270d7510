"""Commands for the terms: contract set/show/history, calendar set/show/import, comp-time."""

from pathlib import Path
from typing import Annotated, Any

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.cli.words import Words
from offline_tracker.i18n import t

contract_app = typer.Typer(help=t("help.cmd.contract"), no_args_is_help=True)
calendar_app = typer.Typer(help=t("help.cmd.calendar"), no_args_is_help=True)


def _set_contract(
    ctx: typer.Context, changes: dict[str, Any], effective: str | None, as_json: bool
) -> None:
    """A new contract version; terms not given carry over."""
    from offline_tracker import render
    from offline_tracker.app import terms

    with state(ctx).app() as app:
        contract = terms.set_contract(app, changes, effective)
    if as_json:
        payload = contract.to_payload()
        typer.echo(render.written_json(app.written, action="contract_set", contract=payload))
        return
    typer.echo(t("out.contract_set", effective=contract.effective))
    typer.echo(render.contract(contract))


contract_set = o.contract_command(_set_contract)


def contract_show(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option("--at", help=t("help.opt.on_date"))] = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import terms

    with state(ctx).app() as app:
        contract = terms.contract_at(app, at)
    typer.echo(render.contract_json(contract) if as_json else render.contract(contract))


def contract_history(ctx: typer.Context, as_json: o.Json = False) -> None:
    from offline_tracker import render
    from offline_tracker.app import terms

    with state(ctx).app() as app:
        versions = terms.contract_versions(app)
    if versions or as_json:
        typer.echo(render.versions_json(versions) if as_json else render.versions_text(versions))


def calendar_set(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(metavar="DATE", help=t("help.arg.date"))],
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            help=t("help.opt.day_type"),
            click_type=Words(("workday", "rest-day", "statutory-holiday"), "report.daytype"),
        ),
    ],
    hours: Annotated[str | None, typer.Option("--hours", help=t("help.opt.hours"))] = None,
    note: Annotated[str | None, typer.Option("--note", help=t("help.opt.note"))] = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import terms

    with state(ctx).app() as app:
        info = terms.set_day(app, day, as_, hours, note)
    if as_json:
        shown = render.day_dict(info)
        typer.echo(render.written_json(app.written, action="calendar_set", day=shown))
        return
    typer.echo(render.day_line(info))


def calendar_show(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", min=1970, max=2100, help=t("help.opt.year"))
    ] = None,
    month: Annotated[
        int | None, typer.Option("--month", min=1, max=12, help=t("help.opt.month"))
    ] = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import terms

    with state(ctx).app() as app:
        days = terms.month_days(app, year, month)
    typer.echo(render.days_json(days) if as_json else render.calendar(days))


def calendar_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE", help=t("help.arg.schedule_file"))],
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import terms

    with state(ctx).app() as app:
        schedule = terms.import_schedule(app, path)
    if as_json:
        fields = {"jurisdiction": schedule.jurisdiction, "year": schedule.year}
        typer.echo(render.written_json(app.written, action="calendar_import", **fields,
                                       days=len(schedule.days)))  # fmt: skip
        return
    typer.echo(
        t(
            "out.calendar_imported",
            jurisdiction=schedule.jurisdiction,
            year=schedule.year,
            days=len(schedule.days),
        )
    )


def comp_time(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(metavar="DATE", help=t("help.arg.comp_date"))],
    hours: Annotated[str, typer.Option("--hours", help=t("help.opt.comp_hours"))],
    for_date: Annotated[
        str | None, typer.Option("--for", metavar="DATE", help=t("help.opt.comp_for"))
    ] = None,
    planned: Annotated[bool, typer.Option("--planned", help=t("help.opt.comp_planned"))] = False,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import terms

    with state(ctx).app() as app:
        entry = terms.add_comp_time(app, day, hours, for_date, planned)
    if as_json:
        fields = {"date": entry.date, "minutes": entry.seconds // 60, "for_date": entry.for_date}
        typer.echo(render.written_json(app.written, action="comp_time", **fields, planned=planned))
        return
    key = "out.comp_time_planned" if planned else "out.comp_time"
    duration, target = render.hm(entry.seconds), entry.for_date or t("out.comp_time_earliest")
    typer.echo(t(key, date=entry.date, duration=duration, for_date=target))


def register(app: typer.Typer) -> None:
    for group, name, func in (
        (contract_app, "set", contract_set),
        (contract_app, "show", contract_show),
        (contract_app, "history", contract_history),
        (calendar_app, "set", calendar_set),
        (calendar_app, "show", calendar_show),
        (calendar_app, "import", calendar_import),
    ):
        key = f"{'contract' if group is contract_app else 'calendar'}_{name}"
        group.command(name, help=t(f"help.cmd.{key}"), epilog=t(f"example.{key}"))(func)
    app.add_typer(contract_app, name="contract")
    app.add_typer(calendar_app, name="calendar")
    app.command("comp-time", help=t("help.cmd.comp_time"), epilog=t("example.comp_time"))(comp_time)
