"""Options shared by several commands, declared once (names, choices, translated help)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from offline_tracker.cli import hot, spec
from offline_tracker.cli.words import Words
from offline_tracker.i18n import t


def _opt(*names: str, key: str, **kwargs: Any) -> Any:
    return typer.Option(*names, help=t(key), **kwargs)


def _choice(*names: str, key: str, values: tuple[str, ...], words: str) -> Any:
    """A closed vocabulary, typed as codes or names (`wechat`, `微信`; messages `<words>.*`):
    an unknown value is a usage error that lists what is accepted."""
    return _opt(*names, key=key, click_type=Words(values, words))


def declared(opt: spec.Opt) -> Any:
    """typer's option or argument for a declaration of cli/spec.py."""
    if opt.kind == spec.ARGUMENT:
        return typer.Argument(help=t(opt.help), metavar=opt.metavar)
    extra: dict[str, Any] = {}
    if opt.vocab is not None:
        extra["click_type"] = Words(*opt.vocab)
    if opt.kind == spec.FILES:
        extra.update(exists=True, dir_okay=False, readable=True)
    return _opt(*opt.names, key=opt.help, metavar=opt.metavar, **extra)


# The Python type typer reads for each kind of cli/spec.py (a required one is `str`).
_TYPES: dict[str, Any] = {
    spec.VALUE: str | None,
    spec.WORDS: str | None,
    spec.FLAG: bool,
    spec.SWITCH: bool | None,
    spec.MANY: list[str] | None,
    spec.FILES: list[Path] | None,
    spec.ARGUMENT: str | None,
}


def parameter(declaration: spec.Param) -> inspect.Parameter:
    """A command function's parameter, as typer reads it, from its declaration."""
    opt, default = declaration.opt, declaration.default
    required = default is spec.REQUIRED
    kind = str if required else _TYPES[opt.kind]
    return param(
        declaration.name,
        Annotated[kind, declared(opt)],
        inspect.Parameter.empty if required else default,
    )


At = Annotated[str | None, declared(spec.AT)]
StopAt = Annotated[str | None, _opt("--at", key="help.opt.stop_at", metavar="WHEN")]
Minutes = Annotated[str | None, declared(spec.MINUTES)]
AllowFuture = Annotated[bool, declared(spec.ALLOW_FUTURE)]
Json = Annotated[bool, declared(spec.JSON)]
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


# A record's description, the same on `ot log`, `start`, `add` and `amend` (RULES E1-E5):
# declared once in cli/spec.py, after each command's own arguments and times.
def param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


TEXT = parameter(spec.LOG[0])
TIMES = tuple(parameter(p) for p in spec.TIMES)


def record_command(run: Callable[..., None], *own: inspect.Parameter) -> Any:
    """A command with the record options: its `own` arguments and times, then the description
    and `--json`, declared once.

    `run(ctx=..., inp=RecordInput, as_json=..., **the own parameters that are not input)`.
    """

    def command(**values: Any) -> None:
        fields = {name: values.pop(name) for name in spec.INPUT_FIELDS if name in values}
        run(inp=hot.record_input(**fields), **values)

    context = param("ctx", typer.Context)
    tail = (parameter(p) for p in (*spec.DESCRIPTION, spec.AS_JSON))
    command.__signature__ = inspect.Signature([context, *own, *tail])  # type: ignore[attr-defined]  # typer reads it
    command.__doc__ = run.__doc__
    return command


def spec_command(run: Callable[..., None], params: tuple[spec.Param, ...]) -> Any:
    """A command whose parameters are declared in cli/spec.py: `run(ctx, **their values)`."""

    def command(ctx: typer.Context, **values: Any) -> None:
        run(ctx, **values)

    context = param("ctx", typer.Context)
    command.__signature__ = inspect.Signature([context, *map(parameter, params)])  # type: ignore[attr-defined]  # typer reads it
    return command
