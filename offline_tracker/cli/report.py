"""`ot report day|week|month|range|trend`: classify a period and print it (or its JSON)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from offline_tracker.cli import hot, spec
from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.i18n import t

report_app = typer.Typer(help=t("help.cmd.report"), no_args_is_help=True)
IncludeAck = Annotated[bool, o.declared(spec.INCLUDE_ACK)]


def _show(ctx: typer.Context, period: Any, as_json: bool, include_ack: bool) -> None:
    hot.report(state(ctx), period, as_json, include_ack)


def day(
    ctx: typer.Context,
    when: Annotated[str | None, typer.Argument(metavar="[DATE]", help=t("help.arg.day"))] = None,
    as_json: o.Json = False,
    include_ack: IncludeAck = False,
) -> None:
    from offline_tracker.domain.timeparse import parse_date

    def period(today: Any, _week_start: int) -> tuple[Any, Any]:
        d = parse_date(when, today) if when else today
        return d, d

    _show(ctx, period, as_json, include_ack)


def _week(ctx: typer.Context, **values: Any) -> None:
    hot.report_week(state(ctx), **values)


# Declared in cli/spec.py: cli/fast.py parses `ot report week` without typer.
week = o.spec_command(_week, spec.REPORT_WEEK)


def month(
    ctx: typer.Context,
    when: Annotated[
        str | None, typer.Argument(metavar="[YYYY-MM]", help=t("help.arg.month"))
    ] = None,
    as_json: o.Json = False,
    include_ack: IncludeAck = False,
) -> None:
    from offline_tracker.domain.timeparse import parse_month

    _show(ctx, lambda today, _ws: parse_month(when, today), as_json, include_ack)


def range_(
    ctx: typer.Context,
    date_from: Annotated[str, typer.Option("--from", metavar="DATE", help=t("help.opt.date_from"))],
    date_to: Annotated[str, typer.Option("--to", metavar="DATE", help=t("help.opt.date_to"))],
    as_json: o.Json = False,
    include_ack: IncludeAck = False,
) -> None:
    from offline_tracker.domain.timeparse import parse_date

    def period(today: Any, _week_start: int) -> tuple[Any, Any]:
        return parse_date(date_from, today), parse_date(date_to, today)

    _show(ctx, period, as_json, include_ack)


def trend(
    ctx: typer.Context,
    weeks: Annotated[
        int | None, typer.Option("--weeks", min=1, max=520, help=t("help.opt.weeks"))
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help=t("help.opt.trend_from"))
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help=t("help.opt.trend_to"))
    ] = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker.app import reports

    with state(ctx).app() as app:
        rows = reports.trend(app, weeks, date_from, date_to)
    if as_json:
        from offline_tracker.render.jsonout import to_json

        data = [
            {
                "week_start": r.first.isoformat(),
                "week_end": r.last.isoformat(),
                "off_hours_minutes": r.off_hours_s / 60,
            }
            for r in rows
        ]
        typer.echo(to_json({"weeks": data}))
        return
    from offline_tracker.render.report import trend_text

    typer.echo(trend_text(rows))


def register(app: typer.Typer) -> None:
    for name, func in (
        ("day", day),
        ("week", week),
        ("month", month),
        ("range", range_),
        ("trend", trend),
    ):
        report_app.command(
            name, help=t(f"help.cmd.report_{name}"), epilog=t(f"example.report_{name}")
        )(func)
    app.add_typer(report_app, name="report")
