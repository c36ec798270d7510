"""The off-hours section of the report: contacts, acknowledgements, rest and patterns (E1, E2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from offline_tracker.domain.offhours import Count, OffHours, Pattern, Rest
from offline_tracker.formats.units import duration
from offline_tracker.i18n import t
from offline_tracker.render.blocks import Block, Grid, Line


def grid(rows: Sequence[tuple[str, str]]) -> Grid:
    """Label / value lines; values fold inside the width instead of running past it."""
    return Grid(tuple(rows))


def when(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{t(f'report.weekday.{local.weekday()}')} {local:%m-%d %H:%M}"


def _rest(rest: Rest | None, zone: tzinfo) -> str:
    if rest is None:
        return t("report.off.not_yet")
    return t(
        "report.off.rest_value",
        time=duration(rest.seconds, t, zero_in_minutes=True),
        start=when(rest.start, zone),
        end=when(rest.end, zone),
    )


def _counts(items: Sequence[Count], prefix: str = "") -> str:
    if not items:
        return t("report.off.none")
    return t("report.off.list_sep").join(
        t("report.off.count_item", name=_name(prefix, c.name), count=c.count) for c in items
    )


def _name(prefix: str, name: str) -> str:
    if not prefix:
        return name
    text = t(prefix + name)
    return name if text == prefix + name else text


def _patterns(items: Sequence[Pattern]) -> str:
    # A weekday never worked is no pattern; listing it would bury the ones that are.
    items = [p for p in items if p.worked]
    if not items:
        return t("report.off.none")
    return "\n".join(
        t(
            "report.off.pattern",
            worked=p.worked,
            total=p.total,
            days=t(f"report.weekdays.{p.weekday}"),
        )
        for p in items
    )


def _acks(figures: OffHours) -> str:
    if not figures.contacts:
        return t("report.off.none")
    return t(
        "report.off.acks_value",
        acks=figures.ack_contacts,
        count=figures.contacts,
        percent=figures.ack_percent,
        substantive=figures.substantive_contacts,
    )


def _rest_days(figures: OffHours) -> str:
    if not figures.rest_days:
        return t("report.off.no_rest_days")
    return t("report.off.of", part=figures.rest_days_interrupted, whole=figures.rest_days)


def offhours_rows(figures: OffHours, zone: tzinfo) -> list[tuple[str, str]]:
    contacts = t(
        "report.off.contacts_value",
        count=figures.contacts,
        late=figures.late_night_contacts,
    )
    return [
        (t("report.off.contacts"), contacts),
        (t("report.off.acks"), _acks(figures)),
        (t("report.off.rest_days"), _rest_days(figures)),
        (t("report.off.longest_rest"), _rest(figures.longest_rest, zone)),
        (t("report.off.shortest_night"), _rest(figures.shortest_night, zone)),
        (t("report.off.counterparts"), _counts(figures.counterparts)),
        (t("report.off.channels"), _counts(figures.channels, "report.channel.")),
        (t("report.off.rest_pattern"), _patterns(figures.rest_pattern)),
        (t("report.off.workday_pattern"), _patterns(figures.workday_pattern)),
    ]


def offhours_section(figures: OffHours, zone: tzinfo) -> list[Block]:
    return [Line(t("report.off.title"), "bold"), grid(offhours_rows(figures, zone))]
