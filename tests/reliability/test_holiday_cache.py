"""app.holiday_cache: the library's answers in the user's cache folder, and what that saves."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest

from offline_tracker.app import holiday_cache
from offline_tracker.app.holiday_cache import FileCache, library_cache

NOW = "2025-10-08T09:30:00+08:00"


def test_answers_survive_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "holidays-x.json"
    FileCache(path).put("names/CN//2025/", [["2025-10-01", "National Day", "国庆节"]])
    assert FileCache(path).get("names/CN//2025/") == [["2025-10-01", "National Day", "国庆节"]]
    assert not list(path.parent.glob("*.tmp"))  # written whole, then moved in place


def test_a_damaged_file_is_an_empty_cache(tmp_path: Path) -> None:
    path = tmp_path / "holidays-x.json"
    path.write_bytes(b'{"names/CN//2025/": [["2025-10')
    cache = FileCache(path)
    assert cache.get("names/CN//2025/") is None
    cache.put("k", 1)
    assert FileCache(path).get("k") == 1


def test_a_folder_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = FileCache(blocker / "holidays-x.json")
    cache.put("k", 1)  # no error
    assert cache.get("k") == 1  # still answers in this run


def _fake_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "site" / "holidays"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("x = 1\n")
    (package / "version.py").write_text('__version__ = "0.85"\n')
    spec = ModuleSpec("holidays", None, origin=str(package / "__init__.py"))
    monkeypatch.setattr(holiday_cache, "find_spec", lambda _name: spec)
    return package


def test_a_new_library_starts_a_new_file_and_removes_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _fake_library(tmp_path, monkeypatch)
    folder = tmp_path / "cache"
    first = library_cache(folder)
    assert first is not None
    first.put("k", 1)
    (package / "version.py").write_text('__version__ = "0.86"\n')  # an upgrade
    second = library_cache(folder)
    assert second is not None and second.path != first.path
    assert second.get("k") is None
    second.put("k", 2)
    assert [p.name for p in folder.iterdir()] == [second.path.name]


def test_no_library_no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(holiday_cache, "find_spec", lambda _name: None)
    assert library_cache(tmp_path) is None


def _ot(*args: str, env: dict[str, str], importtime: bool = False) -> subprocess.CompletedProcess:
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "offline_tracker", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_a_warm_log_does_not_load_the_holidays_library(tmp_path: Path) -> None:
    """Issue 7: `ot log` classifies with the cached year instead of importing `holidays`."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "OFFLINE_TRACKER_NOW": NOW}
    env["OFFLINE_TRACKER_DB"] = str(tmp_path / "ledger.sqlite")
    _ot("init", "--timezone", "Asia/Shanghai", "--schedule", "mon-fri 09:00-18:00", env=env)
    cold = _ot("log", "slides", "--at", "2025-10-07 23:40", env=env, importtime=True)
    warm = _ot("log", "slides", "--at", "2025-10-07 23:50", env=env, importtime=True)

    def loaded(run: subprocess.CompletedProcess) -> bool:
        return any(line.rstrip().endswith("| holidays") for line in run.stderr.splitlines())

    assert loaded(cold) and not loaded(warm)
    # RULES C4: 2025-10-07 is a day of the National Day break, with or without the library.
    for run in (cold, warm):
        assert "classified: rest day 10m, late night 10m" in run.stdout
