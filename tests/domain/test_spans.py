"""When a record starts and ends (domain/spans.py): the table of docs/cli.md, at any hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.spans import Typed, instant, record_span

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def local(moment: datetime) -> str:
    return moment.astimezone(SH).strftime("%m-%d %H:%M")


@pytest.mark.parametrize(
    ("now", "typed", "kind", "expected", "note"),
    [
        # No --at: the record ends now (RULES E5: nothing claimed that is not yet done).
        ("2025-10-08 23:50", Typed(minutes="5"), None, ("10-08 23:45", "10-08 23:50"), None),
        ("2025-10-08 23:50", Typed(), None, ("10-08 23:40", "10-08 23:50"), None),
        ("2025-10-08 23:50", Typed(), "instruction", ("10-08 23:35", "10-08 23:50"), None),
        ("2025-10-08 23:50", Typed(), "ack", ("10-08 23:49", "10-08 23:50"), None),
        ("2025-10-08 23:50", Typed(until="now"), None, ("10-08 23:40", "10-08 23:50"), None),
        ("2025-10-08 23:50", Typed(until="23:30", minutes="20"), None,
         ("10-08 23:10", "10-08 23:30"), None),
        # --at is the start: 23:40 at 23:50 is today; at 05:00 it is yesterday.
        ("2025-10-09 05:00", Typed(at="23:40", minutes="40"), None,
         ("10-08 23:40", "10-09 00:20"), "note.read_as_yesterday"),
        ("2025-10-08 23:50", Typed(at="23:40", minutes="5"), None,
         ("10-08 23:40", "10-08 23:45"), None),
        # ... and an end worked out from a length that would lie after now is cut at now.
        ("2025-10-08 23:50", Typed(at="23:40", minutes="40"), None,
         ("10-08 23:40", "10-08 23:50"), "note.cut_at_now"),
        ("2025-10-09 00:10", Typed(at="23:40", minutes="40"), None,
         ("10-08 23:40", "10-09 00:10"), "note.cut_at_now"),
        ("2025-10-08 23:45", Typed(at="23:40"), None, ("10-08 23:40", "10-08 23:45"),
         "note.cut_at_now"),
        ("2025-10-08 23:50", Typed(at="23:40", minutes="40", allow_future=True), None,
         ("10-08 23:40", "10-09 00:20"), None),
    ],
)  # fmt: skip
def test_the_time_rule(
    now: str, typed: Typed, kind: str | None, expected: tuple[str, str], note: str | None
) -> None:
    span = record_span(typed, kind, at(now), SH)
    assert (local(span.start), local(span.end)) == expected
    keys = [n.key for n in span.notes]
    assert (note in keys) if note else keys == []


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (Typed(at="2025-10-09 10:00"), "error.future"),
        (Typed(at="23:00", until="2025-10-08 23:55"), "error.ends_in_future"),
        (Typed(until="2025-10-09 00:30"), "error.ends_in_future"),
        (Typed(at="now"), "error.nothing_before_now"),
        (Typed(at="23:00", until="23:10", minutes="5"), "error.until_and_minutes"),
        (Typed(at="23:00", until="22:00"), "error.end_before_start"),
    ],
)
def test_what_is_refused(typed: Typed, error: str) -> None:
    with pytest.raises(InputError) as caught:
        record_span(typed, None, at("2025-10-08 23:50"), SH)
    assert caught.value.message.key == error


def test_one_instant_is_never_after_now_unless_allowed() -> None:
    now = at("2025-10-08 23:50")
    assert instant(None, now, SH, False).start == now
    with pytest.raises(InputError):
        instant("2025-10-09 08:00", now, SH, False)
    assert instant("2025-10-09 08:00", now, SH, True).start == at("2025-10-09 08:00")


@given(
    minute_of_day=st.integers(0, 24 * 60 - 1),
    typed=st.sampled_from(
        [
            Typed(),
            Typed(minutes="5"),
            Typed(minutes="90"),
            Typed(at="23:40", minutes="40"),
            Typed(at="23:40"),
            Typed(at="09:00", minutes="600"),
            Typed(until="now", minutes="3"),
        ]
    ),
)
@example(minute_of_day=9 * 60, typed=Typed(at="09:00", minutes="600"))
def test_no_span_ends_after_now_at_any_time_of_day(minute_of_day: int, typed: Typed) -> None:
    """The headline use at every minute of a day: never ending in the future, and refused only
    when the typed start is this very minute (nothing before now, as `--at now`)."""
    now = at("2025-10-08 00:00") + timedelta(minutes=minute_of_day)
    if typed.at is not None and f"{now.astimezone(SH):%H:%M}" == typed.at:
        with pytest.raises(InputError) as caught:
            record_span(typed, None, now, SH)
        assert caught.value.message.key == "error.nothing_before_now"
        return
    span = record_span(typed, None, now, SH)
    assert span.start < span.end <= now
