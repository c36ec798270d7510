"""Fuzzing everything a user types: never a traceback, exit 0, 1 or 2, one line on failure.

Hypothesis generates option values (tests/reliability/strategies.py) and whole import files
(mutations of the samples in tests/formats/data); `run([...])` runs each command in-process. A
failure must be one line on stderr, never the last-resort "unexpected ..." message (which means an
exception nobody anticipated). OT_FUZZ_EXAMPLES sets the examples per test (default 25; the
figures in docs/reliability.md come from 1000).
"""

from __future__ import annotations

import functools
import os
import shlex
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from offline_tracker.formats.importers import ImportFormatError, ImportOptions, parse_data
from offline_tracker.formats.importers.base import ImportResult
from tests.conftest import Ot, Result
from tests.reliability import strategies as s

FUZZ = settings(
    max_examples=int(os.environ.get("OT_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # CI replays the same examples on every run (a red build is about the change, not luck);
    # a developer's run explores new ones. No example database: /work trees are shared, and a
    # failure prints the example to reproduce it with.
    derandomize=os.environ.get("CI", "").lower() == "true",
    database=None,
)
LANG = st.sampled_from(["en", "zh"])


@pytest.fixture(autouse=True, scope="module")
def built_once() -> Iterator[None]:
    # run() rebuilds the click command on every call (~80 ms); one process builds it once anyway.
    mp = pytest.MonkeyPatch()
    mp.setattr(typer.main, "get_command", functools.cache(typer.main.get_command))
    yield
    mp.undo()


@pytest.fixture
def filled(ledger: Ot) -> Ot:
    """A ledger with a closed record (3), a voided one (4) and a running session (5)."""
    for args in (
        ("log", "a", "--at", "2025-10-07 21:00"),
        ("log", "b", "--at", "2025-10-07 22:00"),
        ("void", "4", "--reason", "twice"),
        ("start", "c", "--at", "08:00"),
    ):
        assert ledger(*args).code == 0
    return ledger


def _check(result: Result, args: list[str]) -> None:
    context = f"ot {shlex.join(args)}\nexit {result.code}\n{result.err}"
    assert result.code in (0, 1, 2), context
    assert "Traceback" not in result.err + result.out, context
    assert "OFFLINE_TRACKER_DEBUG" not in result.err, context  # error.internal: a bug answered
    if result.code:
        assert len(result.err.strip().splitlines()) == 1, context


def _run(ot: Ot, args: list[str], lang: str = "en") -> Result:
    result = ot(*args, lang=lang)
    _check(result, args)
    event(f"{args[0]}: exit {result.code}")  # --hypothesis-show-statistics: every path is reached
    return result


def _maybe(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [name, v]))


RECORD_ID = st.sampled_from(["3", "4", "5", "0", "-1", "99999999999999999999", "x"])
RECORD_ARGS = st.one_of(
    st.tuples(st.just(["log"]), s.TEXT.map(lambda v: [v]), _maybe("--at", s.WHEN),
              _maybe("--minutes", s.DURATION), _maybe("--until", s.WHEN)),
    st.tuples(st.just(["add", "x"]), _maybe("--from", s.WHEN), _maybe("--to", s.WHEN),
              _maybe("--minutes", s.DURATION)),
    st.tuples(st.just(["stop"]), _maybe("--at", s.WHEN)),
    st.tuples(st.just(["amend"]), RECORD_ID.map(lambda v: [v]), _maybe("--at", s.WHEN),
              _maybe("--minutes", s.DURATION), _maybe("--reason", s.TEXT)),
    st.tuples(st.just(["void"]), RECORD_ID.map(lambda v: [v, "--reason"]),
              s.TEXT.map(lambda v: [v])),
    st.tuples(st.just(["show"]), RECORD_ID.map(lambda v: [v])),
    st.tuples(st.just(["list"]), _maybe("--from", s.DATE), _maybe("--to", s.DATE)),
).map(lambda parts: [a for part in parts for a in part])  # fmt: skip


@FUZZ
@given(args=RECORD_ARGS, allow=st.booleans(), lang=LANG)
def test_record_commands(filled: Ot, args: list[str], allow: bool, lang: str) -> None:
    future = ["--allow-future"] if allow and args[0] in ("log", "add", "stop", "amend") else []
    _run(filled, [*args, *future], lang)


REPORT_ARGS = st.one_of(
    st.tuples(st.just(["report", "day"]), s.DATE.map(lambda v: [v])),
    st.tuples(st.just(["report", "week"]), st.one_of(s.DATE, s.TEXT).map(lambda v: [v])),
    st.tuples(st.just(["report", "month"]), st.one_of(s.DATE, s.TEXT).map(lambda v: [v])),
    st.tuples(st.just(["report", "range", "--from"]), s.DATE.map(lambda v: [v, "--to"]),
              s.DATE.map(lambda v: [v])),
    st.tuples(st.just(["report", "trend", "--weeks"]), s.NUMBER.map(lambda v: [v])),
).map(lambda parts: [a for part in parts for a in part])  # fmt: skip


@FUZZ
@given(args=REPORT_ARGS, as_json=st.booleans(), lang=LANG)
def test_report_commands(filled: Ot, args: list[str], as_json: bool, lang: str) -> None:
    _run(filled, [*args, *(["--json"] if as_json else [])], lang)


CONTRACT_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "--schedule": s.SCHEDULE,
        "--timezone": s.ZONE,
        "--late-night": st.one_of(s.SHIFT, s.TEXT),
        "--week-start": st.one_of(s.WEEKDAY, s.TEXT),
        "--monthly-wage": s.NUMBER,
        "--wage-divisor": s.NUMBER,
        "--currency": st.sampled_from(["CNY", "EUR", "cny", "XXXX", ""]) | s.TEXT,
        "--jurisdiction": st.sampled_from(["CN", "FR", "US-CA", "ZZ", "cn", ""]) | s.TEXT,
        "--effective": s.DATE,
    },
).map(lambda opts: [a for pair in opts.items() for a in pair])


@FUZZ
@given(options=CONTRACT_OPTIONS, lang=LANG)
def test_contract_set_then_report(filled: Ot, options: list[str], lang: str) -> None:
    if _run(filled, ["contract", "set", *options], lang).code == 0:
        # Whatever terms were accepted must classify: a report over them is the real test.
        _run(filled, ["report", "range", "--from", "2025-09-29", "--to", "2025-10-08"], lang)


@FUZZ
@given(options=CONTRACT_OPTIONS)
def test_init_options(tmp_path: Path, options: list[str]) -> None:
    ot = Ot(tmp_path / uuid.uuid4().hex / "ledger.sqlite")
    if _run(ot, ["init", *options]).code == 0:
        _run(ot, ["log", "x", "--at", "2025-10-07 21:00"])


CALENDAR_ARGS = st.one_of(
    st.tuples(st.just(["calendar", "set"]), s.DATE.map(lambda v: [v, "--as"]),
              st.sampled_from(["workday", "rest-day", "statutory-holiday", "holiday"]).map(
                  lambda v: [v]), _maybe("--hours", st.one_of(s.SHIFT, s.TEXT)),
              _maybe("--note", s.TEXT)),
    st.tuples(st.just(["comp-time"]), s.DATE.map(lambda v: [v, "--hours"]),
              s.DURATION.map(lambda v: [v]), _maybe("--for", s.DATE)),
    st.tuples(st.just(["calendar", "show"]), _maybe("--year", s.NUMBER),
              _maybe("--month", s.NUMBER)),
).map(lambda parts: [a for part in parts for a in part])  # fmt: skip


@FUZZ
@given(args=CALENDAR_ARGS, lang=LANG)
def test_calendar_commands(filled: Ot, args: list[str], lang: str) -> None:
    _run(filled, args, lang)


SCHEDULE_FILE = (
    "# docs/calendar.md\njurisdiction: CN\nyear: 2027\nsource: https://www.gov.cn/\n\n"
    "holiday 2027-01-01              New Year's Day | 元旦\n"
    "rest    2027-01-02..2027-01-03  New Year's Day break | 元旦假期\n"
    "holiday 2027-02-05..2027-02-08  Spring Festival | 春节\n"
    "workday 2027-02-20              Make-up workday | 补班\n"
).encode()


@FUZZ
@given(data=st.data())
def test_calendar_import_files(filled: Ot, tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.txt"
    path.write_bytes(data.draw(s.mutated(SCHEDULE_FILE)))
    _run(filled, ["calendar", "import", str(path)])


@FUZZ
@given(data=st.data(), dry_run=st.booleans())
def test_import_files(filled: Ot, tmp_path: Path, data: st.DataObject, dry_run: bool) -> None:
    source, name, options = data.draw(st.sampled_from(s.IMPORT_SAMPLES))
    path = tmp_path / f"{uuid.uuid4().hex}-{name}"
    path.write_bytes(data.draw(s.mutated((s.DATA / name).read_bytes())))
    extra = data.draw(
        st.sampled_from([[], ["--zone"], ["--map"], ["--date-format"], ["--channel"]])
    )
    if extra:
        value = {"--zone": s.ZONE, "--map": s.MAPPING, "--date-format": s.STRPTIME}.get(
            extra[0], st.sampled_from(["email", "pigeon"])
        )
        extra = [extra[0], data.draw(value)]
    _run(filled, ["import", source, str(path), *options, *extra, *(["--dry-run"] * dry_run)])


PARSER_SOURCES = [(src, name) for src, name, _ in s.IMPORT_SAMPLES] + [("git", "git_log.txt")]


@settings(FUZZ, max_examples=FUZZ.max_examples * 4)
@given(data=st.data(), zone=st.sampled_from(["Asia/Shanghai", "UTC"]))
def test_parsers_raise_only_their_own_error(data: st.DataObject, zone: str) -> None:
    # The parsers are where a file's bytes meet code: only ImportFormatError may come out.
    source, name = data.draw(st.sampled_from(PARSER_SOURCES))
    raw = data.draw(s.mutated((s.DATA / name).read_bytes()))
    mapping = {"time": "发送时间", "text": "内容"} if source == "csv" else {}
    try:
        result = parse_data(source, raw, ImportOptions(zone=zone, mapping=mapping), name)
    except ImportFormatError as exc:
        assert "\n" not in str(exc).strip(), str(exc)
        return
    assert isinstance(result, ImportResult)
