"""Employment terms (zone, schedule, hours system, wage) as dated versions, and their history."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.schedule import (
    Schedule,
    ScheduleError,
    format_minutes,
    parse_schedule,
    parse_time,
    parse_weekday,
)
from offline_tracker.domain.values import field, fields, replace, value

SYSTEMS: Final = ("standard", "comprehensive", "flexible")
CYCLES: Final = ("week", "month", "quarter", "year")
DEFAULT_SCHEDULE: Final = "mon-fri 09:00-12:00,13:00-18:00"
DEFAULT_TIMEZONE: Final = "Asia/Shanghai"

# RULES section 2: jurisdictions with their own rule pack (domain/packs.py); any other is J6.
RULE_PACKS: Final = ("CN", "EU", "DE", "FR", "PT", "AU", "US", "US-CA")
# Pay kinds and categories a contract's --multipliers may name (domain/packs.py has the tiers).
MULTIPLIER_KEYS: Final = (
    "workday",
    "rest_day",
    "statutory_holiday",
    "comprehensive",
    "week_36_43",
    "week_44_on",
    "week_over_40",
    "day_over_8",
    "day_over_12",
    "seventh_day_first_8",
    "seventh_day_over_8",
)

_SYSTEM_ALIASES: Final = {"标准": "standard", "综合": "comprehensive", "不定时": "flexible"}
_TRUE: Final = frozenset({"true", "yes", "y", "1", "on", "是"})
_FALSE: Final = frozenset({"false", "no", "n", "0", "off", "否"})
_JURISDICTION_RE: Final = re.compile(r"^[A-Z]{2,3}(-[A-Z0-9]{1,3})?$")
_CURRENCY_RE: Final = re.compile(r"^[A-Z]{3}$")


class ContractError(InputError):
    """A contract value that is not acceptable; the message says what is accepted.

    Its key is `contract.<name>` in offline_tracker/locales/*/domain.json.
    """


def _default_schedule() -> Schedule:
    return parse_schedule(DEFAULT_SCHEDULE)


def rule_pack(jurisdiction: str) -> str:
    """The rule pack for a jurisdiction (RULES section 2): its own, its country's (`DE-BE` is
    `DE`, `US-NY` is `US`, `US-CA` its own), or the generic J6 for any other."""
    if jurisdiction in RULE_PACKS:
        return jurisdiction
    country = jurisdiction.partition("-")[0]
    return country if country in RULE_PACKS else "J6"


@value(kw_only=True)
class Contract:
    """One version of the terms; `effective` None means it also covers every earlier date."""

    effective: date | None = None
    timezone: str = DEFAULT_TIMEZONE
    jurisdiction: str = "CN"
    schedule: Schedule = field(default_factory=_default_schedule)
    system: str = "standard"
    cycle: str = "week"
    approved: bool = True
    monthly_wage: Decimal | None = None
    currency: str = "CNY"
    wage_divisor: Decimal = Decimal("21.75")
    # RULES T4: late night is an overlay, 22:00-06:00 by default (configurable).
    late_night: tuple[time, time] = (time(22), time(6))
    week_start: int = 0
    # RULES P6: some cities pay 300 % for statutory-holiday work under the flexible system.
    flexible_holiday_pay: bool = False
    # RULES J1-J6: a wage by the hour (every pack) and the contract's own multipliers.
    hourly_wage: Decimal | None = None
    multipliers: tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        _check_zone(self.timezone)
        if self.system not in SYSTEMS:
            raise ContractError("contract.system", value=self.system, choices=", ".join(SYSTEMS))
        if self.cycle not in CYCLES:
            raise ContractError("contract.cycle", value=self.cycle, choices=", ".join(CYCLES))
        if not _JURISDICTION_RE.match(self.jurisdiction):
            raise ContractError("contract.jurisdiction_format", value=self.jurisdiction)
        if not _CURRENCY_RE.match(self.currency):
            raise ContractError("contract.currency", value=self.currency)
        if self.monthly_wage is not None and self.monthly_wage <= 0:
            raise ContractError("contract.wage_not_positive", value=str(self.monthly_wage))
        if self.wage_divisor <= 0:
            raise ContractError("contract.divisor_not_positive", value=str(self.wage_divisor))
        if self.late_night[0] == self.late_night[1]:
            start, end = self.late_night_minutes
            raise ContractError(
                "contract.late_night_empty", value=f"{format_minutes(start)}-{format_minutes(end)}"
            )
        if not 0 <= self.week_start <= 6:
            raise ContractError("contract.week_start_range", value=str(self.week_start))
        if self.hourly_wage is not None and self.hourly_wage <= 0:
            raise ContractError("contract.hourly_not_positive", value=str(self.hourly_wage))

    def multiplier(self, kind: str) -> Decimal | None:
        """The contract's own multiplier for a pay kind, None when it sets none."""
        return dict(self.multipliers).get(kind)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def rule_pack(self) -> str:
        return rule_pack(self.jurisdiction)

    @property
    def late_night_minutes(self) -> tuple[int, int]:
        start, end = self.late_night
        return start.hour * 60 + start.minute, end.hour * 60 + end.minute

    @property
    def effective_system(self) -> str:
        """The system the law applies: an unapproved special system counts as standard (P5, P6)."""
        return self.system if self.approved else "standard"

    def to_payload(self) -> dict[str, object]:
        """JSON-safe form: strings, ints, bools and None only (no floats)."""
        start, end = self.late_night_minutes
        return {
            "effective": None if self.effective is None else self.effective.isoformat(),
            "timezone": self.timezone,
            "jurisdiction": self.jurisdiction,
            "schedule": self.schedule.spec,
            "system": self.system,
            "cycle": self.cycle,
            "approved": self.approved,
            "monthly_wage": None if self.monthly_wage is None else str(self.monthly_wage),
            "currency": self.currency,
            "wage_divisor": str(self.wage_divisor),
            "late_night": f"{format_minutes(start)}-{format_minutes(end)}",
            "week_start": self.week_start,
            "flexible_holiday_pay": self.flexible_holiday_pay,
            # Written only when set, so that older versions keep their exact payload.
            **({"hourly_wage": str(self.hourly_wage)} if self.hourly_wage is not None else {}),
            **({"multipliers": format_multipliers(self.multipliers)} if self.multipliers else {}),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> Contract:
        """Inverse of to_payload; unknown keys are refused so that no term is silently lost."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(payload) - known)
        if unknown:
            raise ContractError(
                "contract.unknown_fields", fields=", ".join(unknown), known=", ".join(sorted(known))
            )
        # The jurisdiction was checked against the holidays library when the version was made;
        # re-reading stored terms must not pay for that import.
        values = dict(payload)
        code = values.pop("jurisdiction", None)
        contract = contract_from_options(None, **values)
        return contract if code is None else replace(contract, jurisdiction=str(code))


def format_multipliers(values: tuple[tuple[str, Decimal], ...]) -> str:
    return ",".join(f"{kind}={value}" for kind, value in values)


def _multipliers(value: object) -> tuple[tuple[str, Decimal], ...]:
    """`rest_day=1.5,statutory_holiday=2`: kinds of MULTIPLIER_KEYS; "none" clears them."""
    if isinstance(value, tuple):
        return value
    text = str(value).strip()
    if text.lower() in {"", "none"}:
        return ()
    pairs: dict[str, Decimal] = {}
    for part in text.split(","):
        kind, sep, raw = part.partition("=")
        kind = kind.strip().lower().replace("-", "_")
        number = _number(raw) if sep else None
        if kind not in MULTIPLIER_KEYS or number is None or not number.is_finite() or number < 1:
            raise ContractError(
                "contract.multipliers", value=part.strip(), kinds=", ".join(MULTIPLIER_KEYS)
            )
        pairs[kind] = number
    return tuple(sorted(pairs.items()))


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ContractError("contract.zone", value=name) from exc


def _number(value: object) -> Decimal | None:
    """A Decimal (maybe infinite or NaN) from a typed number, or None when it is not one."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).replace(",", "").replace("_", "").strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _wage(value: object) -> Decimal:
    number = _number(value)
    if number is None:
        raise ContractError("contract.wage_not_number", value=str(value))
    if not number.is_finite():
        raise ContractError("contract.wage_not_finite", value=str(value))
    return number


def _divisor(value: object) -> Decimal:
    number = _number(value)
    if number is None:
        raise ContractError("contract.divisor_not_number", value=str(value))
    if not number.is_finite():
        raise ContractError("contract.divisor_not_finite", value=str(value))
    return number


def _yes_no(value: object) -> bool | None:
    """True or False for a yes/no word (see _TRUE, _FALSE), None when it is neither."""
    if isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def _approved(value: object) -> bool:
    answer = _yes_no(value)
    if answer is None:
        raise ContractError("contract.approved_yes_no", value=str(value))
    return answer


def _holiday_pay(value: object) -> bool:
    answer = _yes_no(value)
    if answer is None:
        raise ContractError("contract.holiday_pay_yes_no", value=str(value))
    return answer


def _optional_wage(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in {"", "none"}):
        return None
    return _wage(value)


def _late_night(value: object) -> tuple[time, time]:
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, time) for v in value):
        return (value[0], value[1])
    parts = str(value).replace("–", "-").split("-")
    if len(parts) != 2:
        raise ContractError("contract.late_night_format", value=str(value))
    try:
        minutes = [parse_time(p) for p in parts]
    except ScheduleError as exc:
        raise ContractError("contract.late_night_format", value=str(value)) from exc
    start, end = (time(m // 60, m % 60) for m in minutes)
    return start, end


def _week_start(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return parse_weekday(str(value))
    except ScheduleError as exc:
        raise ContractError("contract.week_start_day", value=str(value).strip()) from exc


def _effective(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if text.lower() in {"", "none"}:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ContractError("contract.effective_date", value=str(value)) from exc


def _schedule(value: object) -> Schedule:
    return value if isinstance(value, Schedule) else parse_schedule(str(value))


def _jurisdiction(value: object) -> str:
    code = str(value).strip().upper()
    if code in RULE_PACKS or _holidays_knows(code):
        return code
    raise ContractError(
        "contract.unknown_jurisdiction", value=str(value), packs=", ".join(RULE_PACKS)
    )


def _holidays_knows(code: str) -> bool:
    from holidays.utils import list_supported_countries  # slow import: only when validating

    country, _, subdiv = code.partition("-")
    supported = list_supported_countries()
    return country in supported and (not subdiv or subdiv in supported[country])


def _text(value: object) -> str:
    return str(value).strip()


def _system(value: object) -> str:
    text = str(value).strip().lower()
    return _SYSTEM_ALIASES.get(text, text)


_PARSERS: Final[dict[str, Callable[[object], object]]] = {
    "effective": _effective,
    "timezone": _text,
    "jurisdiction": _jurisdiction,
    "schedule": _schedule,
    "system": _system,
    "cycle": lambda v: str(v).strip().lower(),
    "approved": _approved,
    "monthly_wage": _optional_wage,
    "currency": lambda v: str(v).strip().upper(),
    "wage_divisor": _divisor,
    "late_night": _late_night,
    "week_start": _week_start,
    "flexible_holiday_pay": _holiday_pay,
    "hourly_wage": _optional_wage,
    "multipliers": _multipliers,
}
_ALIASES: Final = {"tz": "timezone", "wage": "monthly_wage", "divisor": "wage_divisor"}


def contract_from_options(base: Contract | None, **changes: object) -> Contract:
    """A new version from raw user values; a None value (or no key) keeps `base`'s term.

    To clear the wage pass the string "none". Schedule errors surface as ScheduleError.
    """
    values: dict[str, object] = {}
    for key, raw in changes.items():
        name = _ALIASES.get(key, key)
        if name not in _PARSERS:
            raise ContractError(
                "contract.unknown_option", name=key, known=", ".join(sorted(_PARSERS))
            )
        if raw is not None:
            values[name] = _PARSERS[name](raw)
    if base is None:
        return Contract(**values)  # type: ignore[arg-type]
    return replace(base, **values)


def _order_key(contract: Contract) -> date:
    return contract.effective or date.min


@value
class ContractHistory:
    """Contract versions in effect order; of two versions with the same date the later wins."""

    versions: tuple[Contract, ...]
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.versions:
            raise ContractError("contract.no_versions")
        by_date: dict[date, Contract] = {}
        for version in self.versions:
            by_date[_order_key(version)] = version
        ordered = tuple(by_date[key] for key in sorted(by_date))
        object.__setattr__(self, "versions", ordered)
        object.__setattr__(self, "_starts", tuple(_order_key(v) for v in ordered))

    def __iter__(self) -> Iterator[Contract]:
        return iter(self.versions)

    def __len__(self) -> int:
        return len(self.versions)

    @property
    def first(self) -> Contract:
        return self.versions[0]

    @property
    def latest(self) -> Contract:
        return self.versions[-1]

    def get(self, day: date) -> Contract | None:
        """The version in force on `day`, or None before a dated first version."""
        index = bisect_right(self._starts, day) - 1
        return self.versions[index] if index >= 0 else None

    def at(self, day: date) -> Contract:
        """The version in force on `day`; raise ContractError before a dated first version."""
        found = self.get(day)
        if found is None:
            raise ContractError(
                "contract.not_covered", day=day.isoformat(), first=str(self.first.effective)
            )
        return found

    def changes_between(self, a: date, b: date) -> tuple[Contract, ...]:
        """Versions taking effect after `a` and on or before `b`."""
        return tuple(v for v in self.versions if v.effective is not None and a < v.effective <= b)
