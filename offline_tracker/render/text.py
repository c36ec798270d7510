"""Words, durations and spans of the terminal output, in the chosen language; no arithmetic."""

from __future__ import annotations

import io
import os
from typing import Any
from zoneinfo import ZoneInfo

from offline_tracker.domain.errors import Message
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import CATEGORY_NAMES
from offline_tracker.formats.records import minutes
from offline_tracker.i18n import os_text, t


def message(msg: Message) -> str:
    """A message in the current language; a message among its values is put in it first."""
    if msg.key == "os.reason":  # the system's reason: our words for it, or its own text
        return os_text(str(msg.params.get("code", "")), str(msg.params.get("text", "")))
    params = {k: message(v) if isinstance(v, Message) else v for k, v in msg.params.items()}
    return t(msg.key, **params)


def hm(seconds: float) -> str:
    """A duration as 1h05m or 12m (seconds shown only when under a minute), in the reader's
    language (formats/units.py: the terminal and the HTML report share it)."""
    from offline_tracker.formats.units import duration

    return duration(seconds, t)


def span(record: Record, tz: ZoneInfo) -> str:
    start = record.start.astimezone(tz)
    if record.end is None:
        return f"{start:%Y-%m-%d %H:%M} – {t('out.running')}"
    end = record.end.astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end_text}"


def breakdown_dict(value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{n}_minutes": minutes(getattr(value.seconds, n)) for n in CATEGORY_NAMES
    }
    data["provisional"] = bool(value.provisional)
    return data


def late_line(record: Record, tz: ZoneInfo) -> str:
    """补记: when a record was entered, if that was more than a day after it ended (RULES E5)."""
    assert record.entered is not None and record.end is not None
    delay = record.entered - record.end
    days = delay.days
    text = t("out.day") if days == 1 else t("out.days", count=days)
    if days < 1:
        text = t("out.hours", count=int(delay.total_seconds() // 3600))
    return t(
        "out.entered_late", entered=f"{record.entered.astimezone(tz):%Y-%m-%d %H:%M}", days=text
    )


def breakdown(value: Any) -> str:
    """One line: how a record's time was classified (category: minutes)."""
    parts = [
        f"{t('cat.' + name)} {hm(getattr(value.seconds, name))}"
        for name in CATEGORY_NAMES
        if getattr(value.seconds, name)
    ]
    if not parts:
        from offline_tracker.formats.units import duration

        parts = [duration(0, t, zero_in_minutes=True)]
    text = t("out.classified", parts=t("out.classified_sep").join(parts))
    return f"{text} ({t('out.provisional')})" if value.provisional else text


def console(width: int | None = None) -> Any:
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=width or console_width(),
        no_color=bool(os.environ.get("NO_COLOR")),
        color_system=None if os.environ.get("NO_COLOR") else "auto",
        # Rendered into a buffer, so rich cannot see the terminal: styles are asked for when
        # standard output is one (and click's echo strips them again for a pipe or a file).
        force_terminal=styled(),
        highlight=False,
    )


def styled() -> bool:
    """Bold and colour for a terminal; never under NO_COLOR (no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    import sys

    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def console_width() -> int:
    """The width the text is laid out at: the terminal's, kept within 60..160 cells."""
    return max(60, min(terminal_columns(), 160))


def terminal_columns(fallback: int = 100) -> int:
    """`shutil.get_terminal_size((fallback, 24)).columns`, without importing shutil (it loads
    the compression modules: 8 ms of a week report, issue 19): COLUMNS, else the terminal of
    standard output, else `fallback`. tests/render/test_blocks.py holds it to shutil's."""
    import sys

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return fallback
    return size.columns or fallback


def rendered(*renderables: Any, width: int | None = None) -> str:
    out = console(width)
    for item in renderables:
        out.print(item)
    text: str = out.file.getvalue()
    return text.rstrip("\n")


SHOWN_BACK = 20  # steps back of the clock listed in text; `--json` has them all


def warnings(found: Any) -> list[str]:
    """The findings a reader must be told that do not break the chain (recorded times)."""
    if not found:
        return []
    head = (
        t("out.verify_warning") if len(found) == 1 else t("out.verify_warnings", count=len(found))
    )
    back = [w for w in found if w.key == "verify.clock_back"]
    shown = [w for w in found if w.key != "verify.clock_back" or w in back[:SHOWN_BACK]]
    lines = [head] + [f"  {message(w)}" for w in shown]
    if len(back) > SHOWN_BACK:  # the JSON lists every one
        lines.append(f"  {t('out.verify_more_back', count=len(back) - SHOWN_BACK)}")
    return lines


def findings_json(found: Any) -> list[dict[str, Any]]:
    """Messages as JSON findings: their code, their parameters (entry numbers), the text."""
    return [{"code": m.key.rsplit(".", 1)[-1], **m.params, "message": message(m)} for m in found]
