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


# A record's description, the same on `ot log`, `start`, `add` and `amend` (RULES E1-E5):
# declared once here, after each command's own arguments and times.
def param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> Any:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


Text = Annotated[str, typer.Argument(help=t("help.arg.text"))]
TEXT = param("text", Text)
TIMES = (param("at", At, None), param("until", Until, None), param("minutes", Minutes, None))
DESCRIPTION = (
    param("channel", ChannelOpt, None),
    param("counterpart", Counterpart, None),
    param("role", RoleOpt, None),
    param("direction", DirectionOpt, None),
    param("kind", KindOpt, None),
    param("tags", Tags, None),
    param("attach", Attach, None),
    param("emergency", Emergency, None),
    param("allow_future", AllowFuture, False),
)
# app.RecordInput's fields (not imported here: `ot --help` must not load the app).
INPUT_FIELDS = ("text", "at", "until", "minutes", *(p.name for p in DESCRIPTION))


def record_command(run: Callable[..., None], *own: inspect.Parameter) -> Any:
    """A command with the record options: its `own` arguments and times, then the description
    and `--json`, declared once.

    `run(ctx=..., inp=RecordInput, as_json=..., **the own parameters that are not input)`.
    """

    def command(**values: Any) -> None:
        fields = {name: values.pop(name) for name in INPUT_FIELDS if name in values}
        run(inp=record_input(**fields), **values)

    context = param("ctx", typer.Context)
    params = [context, *own, *DESCRIPTION, param("as_json", Json, False)]
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]  # typer reads it
    command.__doc__ = run.__doc__
    return command


def record_input(**kw: Any) -> Any:
    """The options as typed, as an app.RecordInput (`-` as the text: standard input)."""
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


def _stdin_text() -> str:
    """`ot log -`: the text from standard input (a script, a long paste)."""
    import sys

    from offline_tracker.domain.errors import InputError

    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("error.stdin_tty")
    return sys.stdin.read()
