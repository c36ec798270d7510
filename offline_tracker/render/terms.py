"""What `ot init`, `ot contract` and `ot calendar` print: terms and days."""

from __future__ import annotations

import re
from typing import Any

from offline_tracker.i18n import language, t
from offline_tracker.render.jsonout import to_json


def contract(value: Any) -> str:
    """The terms of a contract version, one per line; China's own terms only under CN (J7)."""
    data = value.to_payload()
    hidden = () if value.rule_pack == "CN" else _CN_TERMS
    lines = [
        f"  {t('term.' + key)}: {_term(key, data[key])}"
        for key in sorted(data)
        if data[key] is not None and key not in hidden
    ]
    return "\n".join([*lines, f"  {t('term.rule_pack')}: {value.rule_pack}"])


# The divisor (21.75, RULES P4) and the special hours systems (P5, P6) are China's.
_CN_TERMS = ("wage_divisor", "system", "cycle", "approved", "flexible_holiday_pay")


def _term(key: str, value: Any) -> str:
    """A contract term as a person reads it: yes/no, a weekday's name."""
    if isinstance(value, bool):
        return t("out.yes") if value else t("out.no")
    if key == "week_start":
        return t(f"report.weekday.{value}")
    if key in ("system", "cycle"):  # codes, shown by their names
        return t(f"report.{key}.{value}")
    if key == "schedule":
        return schedule_text(str(value))
    return str(value)


_SPEC_DAY = re.compile(r"mon|tue|wed|thu|fri|sat|sun")
_SPEC_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def schedule_text(spec: str) -> str:
    """A normalised schedule spec (`mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00`) in the
    reader's words: in Chinese `周一至周五 09:00-12:00、13:00-18:00；周六 09:00-12:00`, which
    `ot contract set --schedule` reads back as the same schedule; in English the spec itself."""
    through, both = t("term.schedule.through"), t("term.schedule.and")

    def day(match: re.Match[str]) -> str:
        return t(f"term.schedule.day.{_SPEC_DAYS.index(match[0])}")

    clauses = []
    for clause in spec.split("; "):
        days, _, shifts = clause.partition(" ")
        days = _SPEC_DAY.sub(day, days.replace("-", through).replace(",", both))
        clauses.append(f"{days} {shifts.replace(',', both)}".strip())
    return t("term.schedule.then").join(clauses)


def day_type(info: Any) -> str:
    name = info.name_zh if language() == "zh" else info.name_en
    text = t(f"report.daytype.{info.day_type}")
    return f"{text} ({name})" if name else text


def day_note(note: str) -> str:
    """A calendar note: the engine's codes are translated, a user's own note is shown as typed."""
    key = f"report.note.{note}"
    text = t(key)
    return note if text == key else text


def day_line(info: Any) -> str:
    extra = f" · {day_note(info.note)}" if info.note else ""
    hours = f" · {','.join(str(s) for s in info.hours)}" if info.hours else ""
    mark = f" · {t('out.provisional_short')}" if info.provisional else ""
    weekday = t(f"report.weekday.{info.date.weekday()}")
    return (
        f"{info.date.isoformat()} {weekday}  {day_type(info)}"
        f"  [{t('source.' + info.source)}]{hours}{extra}{mark}"
    )


def calendar(days: list[Any]) -> str:
    """Each day of a month or year with its type and source (official, rule, provisional, user)."""
    special = [d for d in days if d.source not in ("schedule", "weekend") or d.name_en]
    lines = [day_line(d) for d in special]
    workdays = sum(1 for d in days if d.day_type == "workday")
    lines.append(
        t(
            "out.calendar_summary",
            days=len(days),
            workdays=workdays,
            provisional=sum(1 for d in days if d.provisional),
        )
    )
    return "\n".join(lines)


def day_dict(d: Any) -> dict[str, Any]:
    return {
        "date": d.date.isoformat(),
        "day_type": d.day_type,
        "source": d.source,
        "provisional": d.provisional,
        "name": d.name_en,
        "name_zh": d.name_zh,
        "hours": [str(s) for s in d.hours] if d.hours else None,
        "note": d.note,
    }


def days_json(days: list[Any]) -> str:
    return to_json({"days": [day_dict(d) for d in days]})


def contract_json(value: Any) -> str:
    return to_json(value.to_payload())


def versions_text(versions: list[Any]) -> str:
    """`ot contract history`: each version, from its effective date, with its terms."""
    lines = []
    for v in versions:
        start = v.contract.effective or t("out.from_the_start")
        lines += [f"#{v.seq}  {t('term.effective')}: {start}", contract(v.contract)]
    return "\n".join(lines)


def versions_json(versions: list[Any]) -> str:
    return to_json({"versions": [{"seq": v.seq, **v.contract.to_payload()} for v in versions]})
