"""`ot import activitywatch`: focus in work apps minus AFK, gaps under 2 minutes merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Ot
from tests.formats import chatdata as c

WINDOWS = [
    ("2025-10-01T13:00:00", 300, "WeChat.exe", "项目群"),
    ("2025-10-01T13:05:00", 60, "chrome.exe", "YouTube"),
    ("2025-10-01T13:06:00", 240, "WeChat.exe", "项目群"),  # 1 min after: the same session
    ("2025-10-01T13:20:00", 600, "OUTLOOK.EXE", "Inbox - Outlook"),  # 10 min after: a new one
    ("2025-10-01T14:00:00", 600, "WXWork.exe", "企业微信"),
]
AFK = [("2025-10-01T14:00:00", 300, "not-afk"), ("2025-10-01T14:05:00", 300, "afk")]


def _file(tmp_path: Path, windows: list[Any] = WINDOWS) -> Path:
    path = tmp_path / "aw-buckets-export.json"
    path.write_bytes(c.activitywatch_json(windows, AFK))
    return path


def _sessions(ot: Ot) -> list[dict[str, Any]]:
    found = ot("list", "--from", "2025-10-01", "--to", "2025-10-08", "--json").json()["records"]
    return sorted(found, key=lambda r: r["start"])


def test_focus_in_work_apps_minus_afk_becomes_sessions(ledger: Ot, tmp_path: Path) -> None:
    path = _file(tmp_path)
    result = ledger("import", "activitywatch", str(path), "--json")
    assert result.code == 0, result.err
    summary = result.json()
    # The browser window and the web-watcher event are out of scope.
    assert (summary["added"], summary["ignored"], summary["rejected"]) == (3, 2, 0)
    sessions = _sessions(ledger)
    assert [(s["start"][11:16], s["end"][11:16]) for s in sessions] == [
        ("21:00", "21:10"),  # WeChat, the minute of YouTube between merged (< 2 min)
        ("21:20", "21:30"),
        ("22:00", "22:05"),  # WXWork until the user went away
    ]
    assert [s["channel"] for s in sessions] == ["wechat", "email", "wecom"]
    assert {s["type"] for s in sessions} == {"session"}
    assert sessions[0]["source_id"] == "aw:aw-watcher-window_pc:2025-10-01T13:00:00.000000+00:00"
    shown = ledger("show", str(sessions[0]["id"])).out
    assert "aw-watcher-window_pc:2025-10-01T13:06:00.000000+00:00" in shown
    again = ledger("import", "activitywatch", str(path), "--json").json()
    assert (again["added"], again["duplicate"]) == (0, 3)


def test_title_keeps_chat_windows_and_app_adds_one(ledger: Ot, tmp_path: Path) -> None:
    path = _file(tmp_path)
    titled = ledger(
        "import", "activitywatch", str(path), "--title", "项目群", "--dry-run", "--json"
    )
    assert [r["channel"] for r in titled.json()["records"]] == ["wechat"]
    more = ledger("import", "activitywatch", str(path), "--app", "chrome", "--dry-run", "--json")
    first = more.json()["records"][0]
    assert "chrome.exe" in first["text"] and first["end"][11:16] == "21:10"


def test_future_focus_is_rejected(ledger: Ot, tmp_path: Path) -> None:
    ahead = [("2025-10-08T01:29:00", 600, "WeChat.exe", "x")]  # 09:29-09:39 local; now is 09:30
    summary = ledger("import", "activitywatch", str(_file(tmp_path, ahead)), "--json").json()
    assert (summary["added"], summary["rejected"]) == (0, 1)


def test_not_an_export_is_one_line_exit_2(ledger: Ot, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'{"events": []}')
    result = ledger("import", "activitywatch", str(path))
    assert result.code == 2 and "ActivityWatch export" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_away_time_inside_one_window_event_leaves_two_sessions(ledger: Ot, tmp_path: Path) -> None:
    # One 30-minute WeChat window, away for 5 minutes in its middle: both halves are kept (each
    # with its own source id), and the window event is named by both.
    path = tmp_path / "aw.json"
    windows = [("2025-10-01T13:00:00", 1800, "WeChat.exe", "项目群")]
    path.write_bytes(c.activitywatch_json(windows, [("2025-10-01T13:10:00", 300, "afk")]))
    shown = ledger("import", "activitywatch", str(path), "--dry-run").out
    assert "(1 window event)" in shown and "1 message)" not in shown
    summary = ledger("import", "activitywatch", str(path), "--json").json()
    assert (summary["added"], summary["skipped"], summary["problems"]) == (2, 0, [])
    sessions = _sessions(ledger)
    assert [(s["start"][11:16], s["end"][11:16]) for s in sessions] == [
        ("21:00", "21:10"),
        ("21:15", "21:30"),
    ]
    first, second = (s["source_id"] for s in sessions)
    assert second == first + "+900s"
    again = ledger("import", "activitywatch", str(path), "--json").json()
    assert (again["added"], again["duplicate"]) == (0, 2)
