"""git import: the argv the app runs, and parsing its output (a sample made by real git)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.formats.importers import (
    GIT_LOG_FORMAT,
    ImportOptions,
    git_log_argv,
    parse,
    parse_data,
)
from tests.conftest import refused

DATA = Path(__file__).parent / "data"
OPTS = ImportOptions(zone="Asia/Shanghai", author=("wang.wu@example.com",))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_argv() -> None:
    assert GIT_LOG_FORMAT == "%H%x1f%aI%x1f%ae%x1f%s%x1e"
    assert git_log_argv("/src/app") == [
        "git",
        "-C",
        "/src/app",
        "log",
        "--all",
        "--no-color",
        "--format=%H%x1f%aI%x1f%ae%x1f%s%x1e",
    ]
    assert git_log_argv()[:3] == ["git", "log", "--all"]


def test_sample_log() -> None:
    result = parse("git", DATA / "git_log.txt", OPTS)
    assert result.problems == () and result.ignored == 1  # Li Si's commit
    keys, hotfix, fix = result.records
    assert keys.source_id == "git:83b0d38879e63440d878429dd84edd7917d97a22"
    assert keys.start == at("2025-11-02 05:30") and keys.end == at("2025-11-02 05:40")
    assert hotfix.text == "Hotfix: retry on timeout"  # on another branch; author case differs
    assert fix.text == "修复 导出报表的编码问题" and fix.start == at("2025-10-01 15:40")
    assert {(r.type, r.kind, r.zone) for r in result.records} == {
        ("event", "deliverable", "Asia/Shanghai")
    }
    assert [r.line for r in result.records] == [1, 2, 4]


def test_minutes_option() -> None:
    options = ImportOptions(author=OPTS.author, minutes=25)
    rec = parse("git", DATA / "git_log.txt", options).records[0]
    assert (rec.start, rec.end) == (at("2025-11-02 05:30"), at("2025-11-02 05:55"))


def test_bad_entries_and_unreadable_output() -> None:
    good = "a" * 40 + "\x1f2025-10-01T23:40:00+08:00\x1fwang.wu@example.com\x1fok\x1e\n"
    data = (
        good
        + "zz\x1f2025\x1fwang.wu@example.com\x1fbad hash\x1e\n"
        + "b" * 40
        + "\x1fyesterday\x1fwang.wu@example.com\x1fbad date\x1e\n"
        + "only one field\x1e\n"
    )
    result = parse_data("git", data.encode(), OPTS)
    assert [r.text for r in result.records] == ["ok"]
    assert [p.line for p in result.problems] == [2, 3, 4]
    with refused("git log"):
        parse_data("git", b"commit abc\nAuthor: x\n", OPTS)
    with refused("--author"):
        parse_data("git", good.encode(), ImportOptions())
    assert parse_data("git", b"", OPTS).records == ()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_real_git_round_trip(tmp_path: Path) -> None:
    env = {
        "GIT_AUTHOR_NAME": "W",
        "GIT_AUTHOR_EMAIL": "wang.wu@example.com",
        "GIT_AUTHOR_DATE": "2025-10-01T23:40:00+08:00",
        "GIT_COMMITTER_NAME": "W",
        "GIT_COMMITTER_EMAIL": "wang.wu@example.com",
        "GIT_COMMITTER_DATE": "2025-10-01T23:40:00+08:00",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }

    def run(argv: list[str]) -> bytes:
        return subprocess.run(argv, check=True, env=env, capture_output=True).stdout

    run(["git", "init", "-q", str(tmp_path)])
    msg = 'Subject: a | pipe; "quotes" and 中文'
    run(["git", "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", msg])
    out = run(git_log_argv(tmp_path))
    (rec,) = parse_data("git", out, OPTS).records
    assert rec.text == msg and rec.start == at("2025-10-01 15:40")
