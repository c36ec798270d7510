"""iCalendar through icalendar + recurring-ical-events + x-wr-timezone: what the project adds
around them (one problem per UID, TZID checks, the instance cap, ids after THISANDFUTURE, lines)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from offline_tracker.formats.importers import ImportOptions
from offline_tracker.formats.importers.base import ImportFormatError, ImportResult
from offline_tracker.formats.importers.ics import MAX_INSTANCES, parse_ics
from tests.conftest import Ot, said
from tests.formats.test_import_ics import WINDOW, at, event, ics

DATA = Path(__file__).parent / "data"


def ids(data: bytes, options: ImportOptions = WINDOW) -> list[str]:
    return [r.source_id for r in parse_ics(data, options).records]


def test_a_bad_rule_in_one_series_leaves_the_other_series_whole() -> None:
    data = ics(
        *event("DTSTART:20251001T100000Z", "DURATION:PT1H", "RRULE:FREQ=SOMETIMES", uid="bad"),
        *event("DTSTART:20251001T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3", uid="ok"),
    )
    result = parse_ics(data, WINDOW)
    assert [r.source_id for r in result.records] == [
        "ics:ok:20251001T100000Z",
        "ics:ok:20251002T100000Z",
        "ics:ok:20251003T100000Z",
    ]
    (problem,) = result.problems
    assert problem.line == 3 and problem.severity == "error"
    assert problem.code == "row.ics_not_imported" and "SOMETIMES" in said(problem)


def test_an_unknown_tzid_anywhere_in_an_event_is_its_problem() -> None:
    for bad in (
        "DTSTART;TZID=Mars/Base:20251001T100000",
        "DTEND;TZID=Mars/Base:20251001T110000",
        "EXDATE;TZID=Mars/Base:20251002T100000",
        "RDATE;TZID=Mars/Base:20251009T100000",
    ):
        lines = [bad] if bad.startswith("DTSTART") else ["DTSTART:20251001T100000Z", bad]
        data = ics(
            *event(*lines, "RRULE:FREQ=DAILY;COUNT=2", uid="a"),
            *event("DTSTART:20251001T100000Z", "DURATION:PT1H", uid="ok"),
        )
        result = parse_ics(data, WINDOW)
        assert [r.source_id for r in result.records] == ["ics:ok:20251001T100000Z"], bad
        (problem,) = result.problems
        assert problem.code == "row.ics_tzid" and "Mars/Base" in said(problem), bad


def test_the_cap_is_reached_quickly_far_from_the_series() -> None:
    # The library widens its search step while it finds nothing; from a window a year before a
    # MINUTELY rule that step would span months of instances.
    data = ics(*event("DTSTART:20251001T120000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY"))
    options = ImportOptions(window_from=at("2024-10-01 00:00"), window_to=at("2026-01-01 00:00"))
    began = time.monotonic()
    result = parse_ics(data, options)
    assert time.monotonic() - began < 20
    assert len(result.records) == MAX_INSTANCES
    assert result.records[-1].start == at("2025-10-01 12:00") + (MAX_INSTANCES - 1) * (
        at("2025-10-01 12:01") - at("2025-10-01 12:00")
    )
    (problem,) = result.problems
    assert problem.severity == "skipped" and problem.code == "row.ics_cap"


def test_a_cancelled_series_is_not_expanded() -> None:
    lines = ("DTSTART:20250101T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY", "STATUS:CANCELLED")
    options = ImportOptions(window_from=at("2025-01-01 00:00"), window_to=at("2026-01-01 00:00"))
    began = time.monotonic()
    result = parse_ics(ics(*event(*lines)), options)
    assert time.monotonic() - began < 5
    assert result.records == () and [p.code for p in result.problems] == ["row.ics_cancelled"]


def _weekly(*lines: str, edit: tuple[str, ...] = ()) -> bytes:
    return ics(*lines, *event(*edit, uid="w")) if edit else ics(*lines)


def test_this_and_future_ids_stay_those_of_the_instances_across_a_dst_change() -> None:
    series = event(
        "DTSTART;TZID=Europe/Berlin:20251013T090000",
        "DURATION:PT1H",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        uid="w",
    )
    edit = (
        "RECURRENCE-ID;TZID=Europe/Berlin;RANGE=THISANDFUTURE:20251020T090000",
        "DTSTART;TZID=Europe/Berlin:20251020T100000",
        "DURATION:PT1H",
    )
    before, after = _weekly(*series), _weekly(*series, edit=edit)
    assert ids(after) == ids(before)  # re-importing after the edit adds nothing
    assert ids(before)[2:] == ["ics:w:20251027T080000Z", "ics:w:20251103T080000Z"]
    moved = [r.start for r in parse_ics(after, WINDOW).records]
    assert moved == [
        at("2025-10-13 07:00"),
        at("2025-10-20 08:00"),
        at("2025-10-27 09:00"),  # 10:00 CET
        at("2025-11-03 09:00"),
    ]


def test_this_and_future_with_x_wr_timezone_keeps_its_range() -> None:
    # x-wr-timezone rewrites the times; the RANGE parameter of RECURRENCE-ID must survive it.
    series = event("DTSTART:20251013T070000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=4")
    edit = event(
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20251020T070000Z",
        "DTSTART:20251020T080000Z",
        "DURATION:PT1H",
        "SUMMARY:later",
    )
    before = ics("X-WR-TIMEZONE:Europe/Berlin", *series)
    after = ics("X-WR-TIMEZONE:Europe/Berlin", *series, *edit)
    assert ids(after) == ids(before)
    result = parse_ics(after, WINDOW)
    assert [(r.start, r.text) for r in result.records] == [
        (at("2025-10-13 07:00"), ""),
        (at("2025-10-20 08:00"), "later"),
        (at("2025-10-27 09:00"), "later"),  # 10:00 Berlin after the change to CET
        (at("2025-11-03 09:00"), "later"),
    ]


def test_each_instance_points_at_the_line_of_its_own_event() -> None:
    data = ics(
        *event("DTSTART:20251001T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3"),
        *event("RECURRENCE-ID:20251002T100000Z", "DTSTART:20251002T150000Z", "SUMMARY:moved"),
    )
    result = parse_ics(data, WINDOW)
    got = [(r.source_id[-16:], r.line, r.text, r.end - r.start) for r in result.records]
    hour = at("2025-10-01 11:00") - at("2025-10-01 10:00")
    assert got == [
        ("20251001T100000Z", 3, "", hour),
        # no DTEND or DURATION: an override keeps its series' length
        ("20251002T100000Z", 9, "moved", hour),
        ("20251003T100000Z", 3, "", hour),
    ]


def test_a_cancelled_or_broken_override_removes_its_instance() -> None:
    data = ics(
        *event("DTSTART:20251001T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3"),
        *event("RECURRENCE-ID:20251002T100000Z", "DTSTART:20251002T100000Z", "STATUS:CANCELLED"),
        *event("RECURRENCE-ID:20251003T100000Z", "DTSTART;TZID=Mars/Base:20251003T120000"),
    )
    result = parse_ics(data, WINDOW)
    assert [r.source_id for r in result.records] == ["ics:e1@test:20251001T100000Z"]
    assert [(p.line, p.severity) for p in result.problems] == [(9, "skipped"), (15, "error")]


def test_floating_times_are_in_the_users_zone_at_the_window_edges() -> None:
    data = ics(*event("DTSTART:20251002T080000", "RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:point"))
    # 08:00 in Shanghai is 00:00Z: the first instance sits on the window's first second.
    options = ImportOptions(
        zone="Asia/Shanghai", window_from=at("2025-10-02 00:00"), window_to=at("2025-10-04 00:00")
    )
    starts = [r.start for r in parse_ics(data, options).records]
    assert starts == [at("2025-10-02 00:00"), at("2025-10-03 00:00")]


def test_mutated_calendars_give_problems_or_a_format_error_only() -> None:
    lines = (DATA / "calendar.ics").read_bytes().split(b"\n")
    for i, line in enumerate(lines):
        for mutated in (b"", line[: len(line) // 2], line + b';X="', line.upper(), b" " + line):
            data = b"\n".join([*lines[:i], mutated, *lines[i + 1 :]])
            with contextlib.suppress(ImportFormatError):
                assert isinstance(parse_ics(data, WINDOW), ImportResult)


def test_a_window_is_a_datetime_the_library_gets_aware() -> None:
    data = ics(*event("DTSTART:20251001T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2"))
    options = ImportOptions(window_from=datetime(2025, 10, 2, tzinfo=UTC))
    assert ids(data, options) == ["ics:e1@test:20251002T100000Z"]


def _loaded(db: Path, now: str, *args: str) -> set[str]:
    """The calendar libraries that `ot ARGS` in a fresh interpreter imports."""
    code = (
        "import sys\n"
        "from offline_tracker.cli.root import run\n"
        f"code = run({list(args)!r})\n"
        "names = ('icalendar', 'recurring_ical_events', 'x_wr_timezone')\n"
        "found = ','.join(sorted(m for m in names if m in sys.modules))\n"
        "print('LOADED=' + found, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "OFFLINE_TRACKER_DB": str(db), "OFFLINE_TRACKER_NOW": now}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("LOADED="), done.stderr
    return {name for name in line.removeprefix("LOADED=").split(",") if name}


def test_only_an_ics_import_loads_the_calendar_libraries(ledger: Ot) -> None:
    assert _loaded(ledger.db, ledger.now, "--help") == set()
    assert _loaded(ledger.db, ledger.now, "log", "quick", "--at", "2025-10-07 21:30") == set()
    args = ("import", "ics", str(DATA / "calendar.ics"), "--from", "2025-10-01", "--dry-run")
    assert _loaded(ledger.db, ledger.now, *args) == {
        "icalendar",
        "recurring_ical_events",
        "x_wr_timezone",
    }
