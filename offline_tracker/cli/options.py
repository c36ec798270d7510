"""Options shared by several commands, declared once (names, choices, translated help)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from offline_tracker.cli.words import Words
from offline_tracker.domain.records import CHANNELS, DIRECTIONS, KINDS, ROLES
from offline_tracker.i18n import t


def _opt(*names: str, key: str, **kwargs: Any) -> Any:
    return typer.Option(*names, help=t(key), **kwargs)


def _choice(*names: str, key: str, values: tuple[str, ...], words: str) -> Any:
    """A closed vocabulary, typed as codes or names (`wechat`, `微信`; messages `<words>.*`):
    an unknown value is a usage error that lists what is accepted."""
    return _opt(*names, key=key, click_type=Words(values, words))


At = Annotated[str | None, _opt("--at", key="help.opt.at", metavar="WHEN")]
StopAt = Annotated[str | None, _opt("--at", key="help.opt.stop_at", metavar="WHEN")]
Until = Annotated[str | None, _opt("--until", key="help.opt.until", metavar="WHEN")]
Minutes = Annotated[str | None, _opt("--minutes", "-m", key="help.opt.minutes", metavar="N")]
ChannelOpt = Annotated[
    str | None,
    _choice("--channel", "-c", key="help.opt.channel", values=CHANNELS, words="report.channel"),
]
Counterpart = Annotated[
    str | None, _opt("--counterpart", "--who", key="help.opt.counterpart", metavar="NAME")
]
RoleOpt = Annotated[str | None, _choice("--role", key="help.opt.role", values=ROLES, words="role")]
DirectionOpt = Annotated[
    str | None,
    _choice("--direction", key="help.opt.direction", values=DIRECTIONS, words="direction"),
]
KindOpt = Annotated[
    str | None, _choice("--kind", "-k", key="help.opt.kind", values=KINDS, words="kind")
]
Tags = Annotated[list[str] | None, _opt("--tag", "-t", key="help.opt.tag", metavar="TAG")]
Attach = Annotated[
    list[Path] | None,
    _opt("--attach", "-a", key="help.opt.attach", exists=True, dir_okay=False, readable=True),
]
Emergency = Annotated[bool | None, _opt("--emergency/--no-emergency", key="help.opt.emergency")]
AllowFuture = Annotated[bool, _opt("--allow-future", key="help.opt.allow_future")]
Json = Annotated[bool, _opt("--json", key="help.opt.json")]
Reason = Annotated[str, _opt("--reason", "-r", key="help.opt.reason")]
DateFrom = Annotated[str | None, _opt("--from", key="help.opt.date_from", metavar="DATE")]
DateTo = Annotated[str | None, _opt("--to", key="help.opt.date_to", metavar="DATE")]


# Contract terms, shared by `ot init` and `ot contract set` (RULES P1-P6, T4).
Timezone = Annotated[str | None, _opt("--timezone", "--tz", key="help.opt.timezone")]
Schedule = Annotated[str | None, _opt("--schedule", key="help.opt.schedule", metavar="SPEC")]
Jurisdiction = Annotated[str | None, _opt("--jurisdiction", key="help.opt.jurisdiction")]
System = Annotated[
    str | None,
    _choice(
        "--system",
        key="help.opt.system",
        values=("standard", "comprehensive", "flexible"),
        words="report.system",
    ),
]
Cycle = Annotated[
    str | None,
    _choice(
        "--cycle",
        key="help.opt.cycle",
        values=("week", "month", "quarter", "year"),
        words="report.cycle",
    ),
]
Approved = Annotated[bool | None, _opt("--approved/--not-approved", key="help.opt.approved")]
Wage = Annotated[str | None, _opt("--monthly-wage", key="help.opt.wage", metavar="AMOUNT")]
Currency = Annotated[str | None, _opt("--currency", key="help.opt.currency")]
Divisor = Annotated[str | None, _opt("--wage-divisor", key="help.opt.divisor")]
LateNight = Annotated[
    str | None, _opt("--late-night", key="help.opt.late_night", metavar="HH:MM-HH:MM")
]
WeekStart = Annotated[str | None, _opt("--week-start", key="help.opt.week_start", metavar="DAY")]
HolidayPay = Annotated[
    bool | None,
    _opt("--flexible-holiday-pay/--no-flexible-holiday-pay", key="help.opt.holiday_pay"),
]
HourlyWage = Annotated[
    str | None, _opt("--hourly-wage", key="help.opt.hourly_wage", metavar="AMOUNT")
]
Multipliers = Annotated[
    str | None, _opt("--multipliers", key="help.opt.multipliers", metavar="KIND=X,...")
]
Effective = Annotated[str | None, _opt("--effective", key="help.opt.effective", metavar="DATE")]


def contract_command(
    run: Callable[[typer.Context, dict[str, Any], str | None, bool], None],
) -> Any:
    """A command with every contract option (`ot init`, `ot contract set`), declared once.

    `run(ctx, changes, effective, as_json)` gets the options the user gave (None means "carry
    over").
    """

    def command(
        ctx: typer.Context,
        timezone: Timezone = None,
        schedule: Schedule = None,
        jurisdiction: Jurisdiction = None,
        system: System = None,
        cycle: Cycle = None,
        approved: Approved = None,
        monthly_wage: Wage = None,
        currency: Currency = None,
        wage_divisor: Divisor = None,
        late_night: LateNight = None,
        week_start: WeekStart = None,
        flexible_holiday_pay: HolidayPay = None,
        hourly_wage: HourlyWage = None,
        multipliers: Multipliers = None,
        effective: Effective = None,
        as_json: Json = False,
    ) -> None:
        values = locals()
        run(ctx, {k: values[k] for k in terms if values[k] is not None}, effective, as_json)

    # The contract terms are the command's parameters but for the context, date and output.
    not_terms = ("ctx", "effective", "as_json")
    terms = [n for n in inspect.signature(command).parameters if n not in not_terms]
    command.__doc__ = run.__doc__
    return command
