"""The installed `ot` entry point as a real process: exit codes, one-line errors, a full round."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OT = Path(sys.executable).parent / "ot"

pytestmark = pytest.mark.skipif(not OT.exists(), reason="the package is not installed in this env")


def _run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OFFLINE_TRACKER_DB": str(db),
        "OFFLINE_TRACKER_NOW": "2025-10-08T09:30:00+08:00",
        "NO_COLOR": "1",
        "OFFLINE_TRACKER_LANG": "en",
    }
    return subprocess.run([str(OT), *args], capture_output=True, text=True, env=env, timeout=60)


def test_version_and_help(tmp_path: Path) -> None:
    version = _run("--version", db=tmp_path / "l.sqlite")
    assert version.returncode == 0 and version.stdout.startswith("offline_tracker ")
    helped = _run("log", "--help", db=tmp_path / "l.sqlite")
    assert helped.returncode == 0 and "ot log" in helped.stdout
    assert not (tmp_path / "l.sqlite").exists()


def test_round_trip_as_a_process(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    assert _run("init", "--timezone", "Asia/Shanghai", db=db).returncode == 0
    logged = _run("log", "slides", "--at", "23:40", "--minutes", "40", db=db)
    assert logged.returncode == 0 and "record 3" in logged.stdout
    verified = _run("verify", db=db)
    assert verified.returncode == 0 and "3 entries" in verified.stdout
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def test_errors_are_one_line_with_usage_exit_code(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    _run("init", "--timezone", "Asia/Shanghai", db=db)
    for args in (["log", "x", "--at", "99:99"], ["log", "x", "--channel", "fax"], ["nosuch"]):
        result = _run(*args, db=db)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    missing = _run("list", db=tmp_path / "other.sqlite")
    assert missing.returncode == 1 and "ot init" in missing.stderr


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "offline_tracker", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "offline_tracker" in result.stdout
