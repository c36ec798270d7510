"""`ot import` end to end: every source, dedupe, dry run, strict, open intervals, big batches."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from offline_tracker.app.imports import record_payload
from offline_tracker.domain import facts
from offline_tracker.domain.records import Record
from offline_tracker.formats import importers
from tests.conftest import Ot, Result

DATA = Path(__file__).resolve().parents[1] / "formats" / "data"
LATER = "2025-12-01T09:30:00+08:00"  # after every sample (the mail and git ones are in November)
ME = "wang.wu@example.com"
BOSS = "zhang.manager@corp.example.cn"
# (source, file, options, records added): the sample files of tests/formats/data.
SAMPLES: list[tuple[str, str, tuple[str, ...], int]] = [
    ("mail", "reply.eml", ("--me", ME), 1),
    ("mail", "sent.mbox", ("--me", ME, "--from-sender", BOSS), 2),
    ("mail", "maildir", ("--me", ME), 2),
    ("ics", "calendar.ics", ("--from", "2025-10-01", "--to", "2025-11-30"), 6),
    ("git", "git_log.txt", ("--author", ME), 3),
    ("csv", "wechat_gb18030.csv", ("--map-file", str(DATA / "wechat.map")), 3),
    ("csv", "dingtalk_bom.csv", ("--map", "time=开始时间,end=结束时间,text=事项,tags=标签"), 2),
    ("watson", "watson_frames.json", (), 3),
    ("timewarrior", "timew_export.json", (), 4),
]


@pytest.fixture
def later(ledger: Ot) -> Ot:
    """An initialised ledger whose clock reads 2025-12-01, after every sample file."""
    ledger.now = LATER
    return ledger


def _import(ot: Ot, source: str, path: Path | str, *extra: str, lang: str = "en") -> Result:
    return ot("import", source, str(path), *extra, lang=lang)


def _entries(ot: Ot) -> int:
    return int(sqlite3.connect(ot.db).execute("SELECT count(*) FROM ledger").fetchone()[0])


def _records(ot: Ot) -> list[dict[str, Any]]:
    records = ot("list", "--from", "2025-01-01", "--to", "2025-12-31", "--json").json()["records"]
    assert isinstance(records, list)
    return records


def _by_source(ot: Ot) -> dict[str, dict[str, Any]]:
    return {r["source_id"]: r for r in _records(ot)}


def _summary(ot: Ot, source: str, path: Path | str, *extra: str) -> dict[str, Any]:
    result = _import(ot, source, path, *extra, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert isinstance(data, dict)
    return data


# -- each source ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "name", "extra", "added"), SAMPLES, ids=[f"{s[0]}-{s[1]}" for s in SAMPLES]
)
def test_each_sample_imports_and_reimport_adds_nothing(
    later: Ot, source: str, name: str, extra: tuple[str, ...], added: int
) -> None:
    first = _summary(later, source, DATA / name, *extra)
    assert first["added"] == added and first["written"] is True
    entries = _entries(later)
    again = _summary(later, source, DATA / name, *extra)
    assert again["added"] == 0 and again["duplicate"] == added
    assert _entries(later) == entries
    assert later("verify").code == 0


def test_watson_frames_become_sessions(later: Ot) -> None:
    result = _import(later, "watson", DATA / "watson_frames.json")
    assert result.code == 0, result.err
    assert "3 added, 0 duplicate, 0 rejected, 0 skipped" in result.out
    frame = _by_source(later)["watson:288ac157e28a413998a3c7ddf7d23825"]
    assert frame["type"] == "session" and frame["text"] == "release-hotfix"
    assert (frame["start"], frame["end"]) == (
        "2025-10-01T21:30:00+08:00",
        "2025-10-01T22:45:00+08:00",
    )
    assert frame["tags"] == ["deploy", "oncall"] and frame["recorded_zone"] == "Asia/Shanghai"


def test_mail_keeps_the_raw_message_as_evidence(later: Ot) -> None:
    assert _import(later, "mail", DATA / "reply.eml", "--me", ME).code == 0
    record = _by_source(later)["mail:reply-0001@mail.example.com"]
    assert record["channel"] == "email" and record["direction"] == "replied"
    assert record["start"] == "2025-10-01T23:40:12+08:00"
    digest = hashlib.sha256((DATA / "reply.eml").read_bytes()).hexdigest()
    assert record["attachments"] == [digest]
    stored = later.db.parent / "evidence" / digest[:2] / digest
    assert stored.read_bytes() == (DATA / "reply.eml").read_bytes()
    history = later("show", str(record["id"]), "--json").json()
    assert json.dumps(history).count(f"mail-{digest[:16]}.eml") >= 1


def test_mail_reports_the_bad_message_by_number(later: Ot) -> None:
    result = _import(later, "mail", DATA / "sent.mbox", "--me", ME, "--from-sender", BOSS)
    assert result.code == 0
    assert "message 2 (rejected)" in result.out and "no readable Date" in result.out
    received = _by_source(later)["mail:urgent-0003@corp.example.cn"]
    assert received["direction"] == "received" and received["counterpart"].endswith(f"<{BOSS}>")


def test_ics_expands_recurring_meetings_and_skips_all_day(later: Ot) -> None:
    data = _summary(
        later, "ics", DATA / "calendar.ics", "--from", "2025-10-01", "--to", "2025-11-30"
    )
    assert data["skipped"] == 2  # the all-day holiday and the cancelled event, with notes
    assert any("all-day" in p["message"] for p in data["problems"])
    records = _by_source(later)
    standups = sorted(k for k in records if k.startswith("ics:weekly-standup"))
    assert [k.rsplit(":", 1)[1] for k in standups] == [
        "20251013T170000Z",
        "20251027T180000Z",  # after the DST change: still 19:00 in Berlin
        "20251103T180000Z",  # the moved instance keeps the id of the start it replaced
        "20251110T180000Z",
    ]
    assert all(records[k]["kind"] == "meeting" for k in records)
    moved = records["ics:weekly-standup@example.com:20251103T180000Z"]
    assert moved["text"] == "Evening stand-up (moved)" and moved["start"].startswith(
        "2025-11-04T03:00"
    )


def test_ics_window_defaults_to_the_year_up_to_today(ledger: Ot) -> None:
    data = _summary(ledger, "ics", DATA / "calendar.ics")  # today is 2025-10-08
    assert data["added"] == 2  # 10-01 and 10-02; the stand-ups start after today
    later = _summary(ledger, "ics", DATA / "calendar.ics", "--to", "2025-10-31")
    assert later["added"] == 0 and later["skipped"] >= 2
    assert any("future" in p["message"] for p in later["problems"])  # future: skipped, not added


def test_git_log_file_and_minutes(later: Ot) -> None:
    data = _summary(later, "git", DATA / "git_log.txt", "--author", ME, "--minutes", "15")
    assert data["added"] == 3 and data["ignored"] == 1  # Li Si's commit
    commits = [r for r in _records(later) if r["source_id"].startswith("git:")]
    assert all(r["kind"] == "deliverable" and r["minutes"] == 15 for r in commits)


def _commit(repo: Path, email: str, when: str, subject: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "W",
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": "W",
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": when,
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(repo),
    }
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", subject],
        check=True,
        env=env,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_repository_is_read_through_git_log(later: Ot, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _commit(repo, ME, "2025-10-01T23:40:00+08:00", "修复 编码")
    _commit(repo, "other@example.com", "2025-10-02T10:00:00+08:00", "not mine")
    data = _summary(later, "git", repo, "--author", ME.upper())
    assert data["added"] == 1 and data["ignored"] == 1
    (record,) = [r for r in _records(later) if r["source_id"].startswith("git:")]
    assert record["text"] == "修复 编码" and record["minutes"] == 10


def test_git_errors_are_one_clear_line(later: Ot, tmp_path: Path) -> None:
    not_repo = tmp_path / "plain"
    not_repo.mkdir()
    result = _import(later, "git", not_repo, "--author", ME)
    assert result.code == 2 and "not a git repository" in result.err
    assert len(result.err.strip().splitlines()) == 1
    missing = later("import", "git", str(not_repo), "--author", ME, env={"PATH": str(tmp_path)})
    assert missing.code == 1 and "git is not installed" in missing.err
    assert _entries(later) == 2


def test_csv_mapping_zone_and_channel(later: Ot) -> None:
    mapping = (
        "time=timestamp,minutes=duration,text=note,counterpart=who,kind=kind,"
        "direction=direction,role=role"
    )
    data = _summary(later, "csv", DATA / "tool_export.tsv", "--map", mapping, "--channel", "slack")
    assert (data["added"], data["rejected"]) == (2, 1)  # a kind outside the vocabulary
    assert data["problems"][0]["line"] == 4 and data["problems"][0]["unit"] == "line"
    fixed = _by_source(later)
    first = next(r for r in fixed.values() if r["text"] == "Fixed prod")
    assert first["minutes"] == 45 and first["channel"] == "slack" and first["role"] == "supervisor"


def test_csv_zone_reads_naive_times_elsewhere(later: Ot) -> None:
    args = ("--map-file", str(DATA / "wechat.map"), "--zone", "Europe/Berlin")
    assert _import(later, "csv", DATA / "wechat_gb18030.csv", *args).code == 0
    record = next(r for r in _records(later) if r["text"].startswith("今晚"))
    assert record["start"] == "2025-10-02T05:40:05+08:00"  # 23:40:05 in Berlin (+02:00)
    assert record["recorded_zone"] == "Europe/Berlin"


# -- rows that are bad, late or out of scope ------------------------------------------------------
def test_bad_rows_are_reported_with_their_line_and_skipped(later: Ot) -> None:
    result = _import(
        later, "csv", DATA / "wechat_gb18030.csv", "--map-file", str(DATA / "wechat.map")
    )
    assert result.code == 0
    assert "line 7 (rejected)" in result.out and "line 8 (rejected)" in result.out
    assert "line 9 (skipped): duplicate of line 3" in result.out
    assert "3 added, 0 duplicate, 2 rejected, 1 skipped" in result.out


def test_future_rows_are_rejected(ledger: Ot) -> None:
    data = _summary(ledger, "git", DATA / "git_log.txt", "--author", ME)  # now: 2025-10-08
    assert (data["added"], data["rejected"]) == (2, 1)
    (problem,) = data["problems"]
    assert problem["unit"] == "commit" and "future" in problem["message"]


def test_strict_with_a_bad_row_writes_nothing(later: Ot) -> None:
    before = _entries(later)
    args = ("--map-file", str(DATA / "wechat.map"), "--strict")
    result = _import(later, "csv", DATA / "wechat_gb18030.csv", *args)
    assert result.code == 1
    assert "line 7" in result.out and "line 8" in result.out  # every problem listed
    assert "nothing imported" in result.err and "--strict" in result.err
    assert "Nothing written (csv, --strict): 3 would be added" in result.out
    as_json = _import(later, "csv", DATA / "wechat_gb18030.csv", *args, "--json")
    assert as_json.code == 1 and as_json.json()["written"] is False
    assert _entries(later) == before


def test_strict_mail_stores_no_evidence(later: Ot) -> None:
    args = ("--me", ME, "--from-sender", BOSS, "--strict")
    assert _import(later, "mail", DATA / "sent.mbox", *args).code == 1
    assert not (later.db.parent / "evidence").exists()


def test_strict_without_bad_rows_imports(later: Ot) -> None:
    result = _import(later, "watson", DATA / "watson_frames.json", "--strict")
    assert result.code == 0 and "3 added" in result.out


def test_dry_run_shows_classification_and_writes_nothing(later: Ot) -> None:
    before = _entries(later)
    result = _import(later, "watson", DATA / "watson_frames.json", "--dry-run")
    assert result.code == 0, result.err
    assert "2025-10-01 21:30 – 22:45" in result.out and "release-hotfix" in result.out
    assert "classified: statutory holiday 1h15m, late night 45m" in result.out
    assert "nothing written: 3 would be added" in result.out
    data = _import(later, "watson", DATA / "watson_frames.json", "--dry-run", "--json").json()
    assert data["dry_run"] and not data["written"] and data["added"] == 3
    first = data["records"][0]
    assert first["id"] is None and first["source_id"].startswith("watson:")
    assert first["classification"]["statutory_holiday_minutes"] == 75
    assert _entries(later) == before
    assert not (later.db.parent / "evidence").exists()


def test_dry_run_of_mail_stores_no_evidence(later: Ot) -> None:
    assert _import(later, "mail", DATA / "reply.eml", "--me", ME, "--dry-run").code == 0
    assert not (later.db.parent / "evidence").exists()


@pytest.mark.parametrize(
    ("source", "content"),
    [
        ("watson", b"this is not json"),
        ("timewarrior", b'{"not": "a list"}'),
        ("ics", b"hello"),
        ("mail", b"\x00\x01 binary"),
    ],
)
def test_a_broken_file_is_one_line_exit_2(
    later: Ot, tmp_path: Path, source: str, content: bytes
) -> None:
    path = tmp_path / "broken"
    path.write_bytes(content)
    result = _import(later, source, path, *(("--me", ME) if source == "mail" else ()))
    assert result.code == 2, result.err
    assert (
        result.err.startswith("error: cannot import") and len(result.err.strip().splitlines()) == 1
    )
    assert "Traceback" not in result.err and _entries(later) == 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("watson", "frames.json", "--author", ME), "--author does not apply to watson"),
        (("csv", "x.csv"), "needs a column mapping"),
        (("csv", "x.csv", "--map", "time=a", "--map-file", "m"), "not two"),
        (("csv", "x.csv", "--map", "when=a"), "mapping keys not known"),
        (("ics", "x.ics", "--from", "2025-10-05", "--to", "2025-10-01"), "--to"),
        (("watson", "frames.json", "--zone", "Mars/Base"), "unknown time zone"),
        (("mail", "nowhere"), "no such file"),
        (("fax", "x"), "fax"),
    ],
)
def test_bad_options_are_one_line_exit_2(
    later: Ot, tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    for name in ("frames.json", "x.csv", "x.ics", "m"):
        (tmp_path / name).write_text("[]\n", encoding="utf-8")
    args = tuple(str(tmp_path / a) if (tmp_path / a).exists() else a for a in args)
    result = later("import", *args)
    assert result.code == 2 and needle in result.err, result.err


# -- open timewarrior intervals -------------------------------------------------------------------
def _timew(tmp_path: Path, end: str | None) -> Path:
    items: list[dict[str, Any]] = [
        {"id": 2, "start": "20251004T020000Z", "end": "20251004T040000Z"},
        {"id": 1, "start": "20251005T120000Z", "tags": ["late call"]},
    ]
    if end is not None:
        items[1]["end"] = end
    path = tmp_path / f"timew-{end}.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def test_open_interval_runs_and_a_later_export_stops_it(later: Ot, tmp_path: Path) -> None:
    assert _summary(later, "timewarrior", _timew(tmp_path, None))["added"] == 2
    status = later("status", "--json").json()
    assert [r["start"] for r in status["running"]] == ["2025-10-05T20:00:00+08:00"]
    result = _import(later, "timewarrior", _timew(tmp_path, "20251005T133000Z"))
    assert result.code == 0 and "1 running session stopped" in result.out
    assert "0 added, 1 duplicate" in result.out
    assert later("status", "--json").json()["running"] == []
    record = _by_source(later)["timew:20251005T120000Z"]
    assert record["end"] == "2025-10-05T21:30:00+08:00"
    history = later("show", str(record["id"]), "--json").json()
    assert "record.stop" in json.dumps(history)
    again = _summary(later, "timewarrior", _timew(tmp_path, "20251005T133000Z"))
    assert (again["added"], again["stopped"], again["duplicate"]) == (0, 0, 2)


def test_open_interval_is_skipped_while_a_session_runs(later: Ot, tmp_path: Path) -> None:
    assert later("start", "mine", "--at", "2025-12-01 08:00").code == 0
    data = _summary(later, "timewarrior", _timew(tmp_path, None))
    assert (data["added"], data["skipped"]) == (1, 1)
    assert "session 3 is running" in data["problems"][0]["message"]


def test_same_interval_from_two_tools_counts_once(later: Ot) -> None:
    assert _import(later, "watson", DATA / "watson_frames.json").code == 0
    once = later("report", "day", "2025-10-01", "--json").json()["totals"]
    assert _import(later, "timewarrior", DATA / "timew_export.json").code == 0
    twice = later("report", "day", "2025-10-01", "--json").json()["totals"]
    assert twice["record_count"] == 2 * once["record_count"]
    assert twice["worked_minutes"] == once["worked_minutes"] == 75  # RULES T3: the union


# -- big batches, integrity, language -------------------------------------------------------------
def _frames(count: int) -> list[list[Any]]:
    base = 1735689600  # 2025-01-01T00:00:00Z
    return [
        [base + i * 900, base + i * 900 + 600, f"p{i % 7}", uuid.UUID(int=i).hex, ["x"], base]
        for i in range(count)
    ]


def test_twenty_thousand_watson_frames(later: Ot, tmp_path: Path) -> None:
    """Works at size (the speed is measured by the benchmark, not asserted here)."""
    path = tmp_path / "frames"
    path.write_text(json.dumps(_frames(20_000)), encoding="utf-8")
    data = _summary(later, "watson", path)
    assert data["added"] == 20_000 and data["problems"] == []
    assert _entries(later) == 20_002
    assert _summary(later, "watson", path)["duplicate"] == 20_000


def test_verify_and_rebuild_after_a_batch_import(later: Ot, tmp_path: Path) -> None:
    path = tmp_path / "frames"
    path.write_text(json.dumps(_frames(3000)), encoding="utf-8")
    assert _import(later, "watson", path).code == 0
    assert _import(later, "mail", DATA / "sent.mbox", "--me", ME, "--from-sender", BOSS).code == 0
    assert _import(later, "timewarrior", DATA / "timew_export.json").code == 0
    verified = later("verify", "--json")
    assert verified.code == 0 and verified.json()["ok"], verified.out
    conn = sqlite3.connect(later.db)
    query = "SELECT * FROM records ORDER BY id"
    before = conn.execute(query).fetchall(), conn.execute("SELECT * FROM meta").fetchall()
    conn.close()
    assert later("db", "rebuild").code == 0
    conn = sqlite3.connect(later.db)
    after = conn.execute(query).fetchall(), conn.execute("SELECT * FROM meta").fetchall()
    conn.close()
    assert after == before and len(after[0]) == 3000 + 2 + 4


def _domain_record(rec: importers.ImportedRecord) -> Record:
    return Record(
        id="0",
        type=rec.type,
        start=rec.start,
        end=rec.end,
        zone=rec.zone,
        text=rec.text.strip(),
        channel=rec.channel,
        counterpart=rec.counterpart,
        role=rec.role,
        direction=rec.direction,
        kind=rec.kind,
        tags=tuple(dict.fromkeys(t.strip() for t in rec.tags if t.strip())),
        source_id=rec.source_id,
    )


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_payload_matches_the_domain_payload(zone: str) -> None:
    """An imported record gets exactly the payload of the same record logged by hand."""
    for source, name, _, _ in SAMPLES:
        mapping = (
            importers.load_mapping(DATA / "wechat.map")
            if name.startswith("wechat")
            else importers.parse_mapping("time=开始时间,end=结束时间,text=事项,tags=标签")
        )
        options = importers.ImportOptions(
            zone=zone, me=(ME,), from_senders=(BOSS,), author=(ME,), mapping=mapping
        )
        for rec in importers.parse(source, DATA / name, options).records:
            expected = facts.record_payload(_domain_record(rec))
            assert record_payload(rec, []) == expected, rec


def test_sources_of_the_cli_are_the_importers_sources() -> None:
    from offline_tracker.cli.imports import SOURCES

    assert importers.SOURCES == SOURCES


def test_chinese_summary(later: Ot) -> None:
    result = _import(later, "watson", DATA / "watson_frames.json", lang="zh")
    assert result.code == 0 and "新增 3" in result.out


def test_progress_bar_only_on_a_terminal_and_for_big_inputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from offline_tracker.cli import imports

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with imports._Bar(enabled=True) as bar:
        bar(500, 5000)
        assert bar.progress is None  # not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with imports._Bar(enabled=True) as bar:
        bar(10, 1000)
        assert bar.progress is None  # small
    with imports._Bar(enabled=False) as bar:  # --json
        bar(10, 5000)
        assert bar.progress is None


def test_row_problems_are_in_the_users_language(later: Ot, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "时间,内容\n昨天晚上,x\n2025-10-01 21:00,y\n2025-10-01 21:00,y\n", encoding="utf-8"
    )
    result = _import(later, "csv", path, "--map", "time=时间,text=内容", "--json", lang="zh")
    problems = [p["message"] for p in result.json()["problems"]]
    assert (
        problems[0].startswith("time：无法读取 '昨天晚上'；可用格式") and "line" not in problems[0]
    )
    assert problems[1] == "与第 3 行重复（来源 ID 相同）"
    english = _import(later, "csv", path, "--map", "time=时间,text=内容", "--json", "--dry-run")
    assert english.json()["problems"][1]["message"] == "duplicate of line 3 (same source id)"
