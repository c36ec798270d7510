"""The importer registry: dispatch, option checks, invariants of every record, and layering."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

import offline_tracker.formats.importers as importers
from offline_tracker.domain.records import CHANNELS, DIRECTIONS, KINDS, ROLES
from offline_tracker.formats.importers import (
    SOURCES,
    ImportOptions,
    load_mapping,
    parse,
    parse_data,
    parse_mapping,
)
from tests.conftest import refused, said

DATA = Path(__file__).parent / "data"
SAMPLES = [
    ("mail", "reply.eml", {"me": ("wang.wu@example.com",)}),
    (
        "mail",
        "sent.mbox",
        {"me": ("wang.wu@example.com",), "from_senders": ("zhang.manager@corp.example.cn",)},
    ),
    ("mail", "maildir", {"me": ("wang.wu@example.com",)}),
    ("ics", "calendar.ics", {"window_to": datetime(2026, 1, 1, tzinfo=UTC)}),
    ("git", "git_log.txt", {"author": ("wang.wu@example.com",)}),
    ("csv", "wechat_gb18030.csv", {"mapping": load_mapping(DATA / "wechat.map")}),
    ("csv", "dingtalk_bom.csv", {"mapping": parse_mapping("time=开始时间,end=结束时间,tags=标签")}),
    ("watson", "watson_frames.json", {}),
    ("timewarrior", "timew_export.json", {}),
]


@pytest.mark.parametrize(("source", "name", "extra"), SAMPLES)
def test_every_sample_gives_sound_records_and_reimports_identically(
    source: str, name: str, extra: dict[str, object]
) -> None:
    options = ImportOptions(zone="Asia/Shanghai", **extra)  # type: ignore[arg-type]
    result = parse(source, DATA / name, options)
    assert result.records
    assert parse(source, DATA / name, options) == result  # re-import: same ids, nothing new
    ids = [r.source_id for r in result.records]
    assert len(set(ids)) == len(ids)
    prefix = {"timewarrior": "timew"}.get(source, source) + ":"
    for rec in result.records:
        assert rec.source_id.startswith(prefix)
        assert rec.start.tzinfo is UTC and rec.start.microsecond == 0
        assert rec.end is None or (rec.end.tzinfo is UTC and rec.end >= rec.start)
        assert rec.type in ("event", "session") and rec.zone == "Asia/Shanghai"
        assert rec.line >= 1
        for value, vocabulary in (
            (rec.channel, CHANNELS),
            (rec.role, ROLES),
            (rec.direction, DIRECTIONS),
            (rec.kind, KINDS),
        ):
            assert value is None or value in vocabulary
    for problem in result.problems:
        assert problem.severity in ("error", "skipped") and said(problem)


def test_sources() -> None:
    assert SOURCES[-3:] == ("wechat", "phone", "activitywatch") and len(SOURCES) == 9


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse("slack", DATA / "reply.eml", ImportOptions()), "unknown source"),
        (lambda: parse("ics", DATA, ImportOptions()), "is a folder"),
        (lambda: parse("ics", DATA / "nope.ics", ImportOptions()), "cannot read"),
        (lambda: parse("ics", DATA / "calendar.ics", ImportOptions(zone="Mars/Base")), "IANA"),
        (
            lambda: parse_data("csv", b"", ImportOptions(channel="fax", mapping={"time": "t"})),
            "fax",
        ),
        (lambda: parse_data("git", b"", ImportOptions(minutes=-1)), "minutes"),
        (
            lambda: parse_data("ics", b"", ImportOptions(window_to=datetime(2026, 1, 1))),
            "aware",
        ),
        (lambda: parse_data("csv", b"t\n", ImportOptions(mapping={"t": "t"})), "keys not known"),
        (
            lambda: parse_data(
                "csv", b"t\n", ImportOptions(mapping={"time": "t"}, date_format="%Q")
            ),
            "date-format",
        ),
    ],
)
def test_bad_options_and_paths_are_one_clear_error(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with refused(message):
        call()


def test_mail_from_bytes() -> None:
    data = (DATA / "sent.mbox").read_bytes()
    result = parse_data("mail", data, ImportOptions(me=("wang.wu@example.com",)), "sent.mbox")
    assert len(result.records) == 1 and "sent.mbox line 12" in said(result.problems[0])


FORBIDDEN = (
    "typer",
    "rich",
    "sqlalchemy",
    "alembic",
    "offline_tracker.storage",
    "offline_tracker.app",
    "offline_tracker.cli",
    "offline_tracker.clock",
    "offline_tracker.render",
    "subprocess",
)


def test_importers_stay_in_their_layer() -> None:
    for module in Path(importers.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{module.name} has no docstring"
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{module.name} imports {name}"
        assert len(module.read_text(encoding="utf-8").splitlines()) <= 400, module.name
