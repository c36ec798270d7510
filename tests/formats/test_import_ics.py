"""iCalendar import: folding, TZIDs, recurrence across a DST change, all-day and odd events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.formats.importers import ImportOptions, parse
from offline_tracker.formats.importers.icalparse import parse_line, unescape
from offline_tracker.formats.importers.ics import parse_ics
from tests.conftest import refused, said

DATA = Path(__file__).parent / "data"
WINDOW = ImportOptions(
    zone="Asia/Shanghai",
    window_from=datetime(2025, 9, 1, tzinfo=UTC),
    window_to=datetime(2026, 1, 1, tzinfo=UTC),
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ics(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]
    return ("\r\n".join(body) + "\r\n").encode()


def event(*lines: str, uid: str = "e1@test") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", *lines, "END:VEVENT"]


def test_sample_calendar() -> None:
    result = parse("ics", DATA / "calendar.ics", WINDOW)
    got = [(r.source_id, r.start, r.end) for r in result.records]
    standup = "ics:weekly-standup@example.com:"
    assert got == [
        (
            "ics:utc-call@example.com:20251001T143000Z",
            at("2025-10-01 14:30"),
            at("2025-10-01 15:15"),
        ),
        # Outlook's TZID "China Standard Time", read from the file's VTIMEZONE
        (
            "ics:outlook-zone@example.com:20251002T140000Z",
            at("2025-10-02 14:00"),
            at("2025-10-02 15:30"),
        ),
        # 19:00 Berlin: CEST (+2) before 2025-10-26, CET (+1) after; 10-20 is an EXDATE
        (standup + "20251013T170000Z", at("2025-10-13 17:00"), at("2025-10-13 17:30")),
        (standup + "20251027T180000Z", at("2025-10-27 18:00"), at("2025-10-27 18:30")),
        # the 11-03 instance was moved to 20:00 by a RECURRENCE-ID override; same id as before
        (standup + "20251103T180000Z", at("2025-11-03 19:00"), at("2025-11-03 20:00")),
        (standup + "20251110T180000Z", at("2025-11-10 18:00"), at("2025-11-10 18:30")),
    ]
    texts = {r.text for r in result.records}
    assert "供应商电话会议（线上）" in texts  # folded inside a UTF-8 character
    assert "Evening stand-up, release train; weekly" in texts  # unescaped and unfolded
    assert all(r.kind == "meeting" and r.type == "session" for r in result.records)
    assert result.records[2].counterpart == "Li, Manager <li.manager@example.com>"
    assert [(p.line, p.severity) for p in result.problems] == [(37, "skipped"), (60, "skipped")]
    assert "all-day" in said(result.problems[0]) and "国庆节" in said(result.problems[0])


def test_window_bounds_instances() -> None:
    options = ImportOptions(
        zone="Asia/Shanghai",
        window_from=datetime(2025, 10, 27, tzinfo=UTC),
        window_to=datetime(2025, 11, 10, 18, tzinfo=UTC),
    )
    result = parse("ics", DATA / "calendar.ics", options)
    assert [r.start for r in result.records] == [at("2025-10-27 18:00"), at("2025-11-03 19:00")]


def test_forever_rule_needs_a_window() -> None:
    data = ics(*event("DTSTART:20251001T120000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"))
    result = parse_ics(data, ImportOptions())
    assert result.records == ()
    assert result.problems[0].severity == "skipped" and "window" in said(result.problems[0])
    windowed = ImportOptions(window_to=datetime(2025, 10, 4, tzinfo=UTC))
    assert len(parse_ics(data, windowed).records) == 3


def test_instance_cap() -> None:
    data = ics(*event("DTSTART:20251001T120000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY"))
    result = parse_ics(data, ImportOptions(window_to=datetime(2026, 1, 1, tzinfo=UTC)))
    assert len(result.records) == 5000 and result.problems[0].severity == "skipped"


def test_rdate_exdate_date_floating_until_and_floating_times() -> None:
    data = ics(
        *event(
            "DTSTART:20251006T220000",  # floating: the user's zone
            "DTEND:20251006T223000",
            "RRULE:FREQ=DAILY;UNTIL=20251009",  # a DATE UNTIL: the whole day counts
            "EXDATE;VALUE=DATE:20251007",
            "RDATE;VALUE=PERIOD:20251012T140000Z/20251012T150000Z",
            "SUMMARY:Night shift",
        )
    )
    result = parse_ics(data, ImportOptions(zone="Asia/Shanghai"))
    assert [r.start for r in result.records] == [
        at("2025-10-06 14:00"),
        at("2025-10-08 14:00"),
        at("2025-10-09 14:00"),
        at("2025-10-12 14:00"),
    ]
    # An RDATE PERIOD sets that instance's own end (RFC 5545 3.8.5.2): an hour, not the 30 min
    # of the series (the project's own parser took only its start before 0.2).
    assert [r.end for r in result.records] == [
        at("2025-10-06 14:30"),
        at("2025-10-08 14:30"),
        at("2025-10-09 14:30"),
        at("2025-10-12 15:00"),
    ]
    assert all(r.zone == "Asia/Shanghai" for r in result.records)


def test_declined_cancelled_and_point_events() -> None:
    data = ics(
        *event(
            "DTSTART:20251001T120000Z",
            "ATTENDEE;PARTSTAT=DECLINED;CN=Me:mailto:Wang.Wu@example.com",
            "SUMMARY:Declined",
        ),
        *event("DTSTART:20251002T120000Z", "SUMMARY:Reminder", uid="e2@test"),
    )
    result = parse_ics(data, ImportOptions(me=("wang.wu@example.com",)))
    (point,) = result.records
    assert point.type == "event" and point.end == at("2025-10-02 12:05")
    assert "declined" in said(result.problems[0])


def test_missing_uid_gets_a_stable_hash_id() -> None:
    data = (
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20251001T120000Z\nDURATION:PT1H\n"
        b"END:VEVENT\nEND:VCALENDAR\n"
    )
    (first,) = parse_ics(data, ImportOptions()).records
    (again,) = parse_ics(data, ImportOptions()).records
    assert first.source_id == again.source_id
    assert first.source_id.startswith("ics:sha256:") and first.source_id.endswith(
        ":20251001T120000Z"
    )


def test_vendor_prefixed_tzid() -> None:
    data = ics(
        *event(
            "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20251001T100000",
            "DTEND;TZID=/mozilla.org/20050126_1/Europe/Berlin:20251001T110000",
        )
    )
    assert parse_ics(data, ImportOptions()).records[0].start == at("2025-10-01 08:00")


def test_bad_events_are_problems_and_the_rest_imports() -> None:
    data = ics(
        *event("DTSTART;TZID=Mars/Olympus:20251001T100000", "DURATION:PT1H", uid="a"),
        *event("DTSTART:20251001T100000Z", "RRULE:FREQ=SOMETIMES", uid="b"),
        *event("DTSTART:20251001T100000Z", "DTEND:20251001T090000Z", uid="c"),
        *event("DTSTART:2025-10-01", uid="d"),
        *event("SUMMARY:no start", uid="e"),
        *event("DTSTART:20251001T100000Z", "DURATION:soon", uid="f"),
        "this line has no colon",
        *event("DTSTART:20251001T100000Z", "DURATION:PT1H", uid="ok"),
    )
    result = parse_ics(data, ImportOptions(window_to=datetime(2026, 1, 1, tzinfo=UTC)))
    assert [r.source_id for r in result.records] == ["ics:ok:20251001T100000Z"]
    assert len(result.problems) == 7
    assert all(p.severity == "error" for p in result.problems)


@pytest.mark.parametrize("data", [b"", b"BEGIN:VCARD\r\nEND:VCARD\r\n", b"\xff\xfe\x00", b"hello"])
def test_not_a_calendar(data: bytes) -> None:
    with refused("BEGIN:VCALENDAR"):
        parse_ics(data, ImportOptions())


def test_content_lines() -> None:
    prop = parse_line('ATTENDEE;CN="Doe, J: PM";ROLE=REQ-PARTICIPANT:mailto:j@x.example')
    assert prop is not None and prop.params == {"CN": "Doe, J: PM", "ROLE": "REQ-PARTICIPANT"}
    assert prop.value == "mailto:j@x.example"
    assert parse_line("no colon here") is None and parse_line('X;P="open:1') is None
    assert unescape(r"a\, b\; c\\d\nline") == "a, b; c\\d\nline"


def test_durations_are_read_by_icalendar() -> None:
    data = ics(
        *event("DTSTART:20251001T100000Z", "DURATION:P1W2DT3H", uid="long"),
        *event("DTSTART:20251001T100000Z", "DURATION:-PT15M", uid="negative"),
    )
    result = parse_ics(data, WINDOW)
    (record,) = result.records
    assert (record.end - record.start).total_seconds() == (9 * 24 + 3) * 3600
    assert [p.line for p in result.problems] == [8] and "before" in said(result.problems[0])


def test_google_x_wr_timezone_repeats_at_the_same_wall_time_across_dst() -> None:
    # Google writes UTC times and names the calendar's zone in X-WR-TIMEZONE: 09:00 in Berlin
    # stays 09:00 after the change to CET (07:00Z, then 08:00Z).
    lines = ("DTSTART:20251020T070000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=2")
    plain = parse_ics(ics(*event(*lines)), WINDOW)
    google = parse_ics(ics("X-WR-TIMEZONE:Europe/Berlin", *event(*lines)), WINDOW)
    assert [r.start for r in plain.records] == [at("2025-10-20 07:00"), at("2025-10-27 07:00")]
    assert [r.start for r in google.records] == [at("2025-10-20 07:00"), at("2025-10-27 08:00")]
    assert google.records[1].source_id == "ics:e1@test:20251027T080000Z"


def test_x_wr_timezone_is_the_zone_of_floating_times() -> None:
    data = ics("X-WR-TIMEZONE:Europe/Berlin", *event("DTSTART:20251001T090000", "DURATION:PT1H"))
    (record,) = parse_ics(data, WINDOW).records
    assert record.start == at("2025-10-01 07:00")


def test_windows_zone_name_without_a_vtimezone() -> None:
    data = ics(*event("DTSTART;TZID=China Standard Time:20251001T210000", "DURATION:PT30M"))
    result = parse_ics(data, WINDOW)
    assert result.problems == () and result.records[0].start == at("2025-10-01 13:00")


def test_the_newest_sequence_wins_whatever_the_order() -> None:
    newer = event("SEQUENCE:2", "DTSTART:20251001T140000Z", "DURATION:PT1H", "SUMMARY:v3")
    older = event("SEQUENCE:0", "DTSTART:20251001T100000Z", "DURATION:PT1H", "SUMMARY:v1")
    for order in ((newer, older), (older, newer)):
        result = parse_ics(ics(*order[0], *order[1]), WINDOW)
        (record,) = result.records
        assert (record.start, record.text) == (at("2025-10-01 14:00"), "v3")
        assert [p.severity for p in result.problems] == ["skipped"]


def test_this_and_future_moves_the_rest_of_the_series() -> None:
    data = ics(
        *event(
            "DTSTART:20251001T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4", "SUMMARY:站会"
        ),
        *event(
            "RECURRENCE-ID;RANGE=THISANDFUTURE:20251003T090000Z",
            "DTSTART:20251003T100000Z",
            "DURATION:PT1H30M",
            "SUMMARY:站会（改时间）",
        ),
    )
    result = parse_ics(data, WINDOW)
    assert [(r.start, r.end, r.text) for r in result.records] == [
        (at("2025-10-01 09:00"), at("2025-10-01 10:00"), "站会"),
        (at("2025-10-02 09:00"), at("2025-10-02 10:00"), "站会"),
        (at("2025-10-03 10:00"), at("2025-10-03 11:30"), "站会（改时间）"),
        (at("2025-10-04 10:00"), at("2025-10-04 11:30"), "站会（改时间）"),
    ]
    # Each instance keeps the id of the one it replaces: a re-import after the edit adds nothing.
    assert result.records[3].source_id == "ics:e1@test:20251004T090000Z"
    assert result.problems == ()
