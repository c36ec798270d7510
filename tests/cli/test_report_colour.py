"""Bold and colour reach a real terminal and vanish under NO_COLOR or a pipe (issue 16).

The report is rendered into a buffer, so rich cannot see the terminal itself; these run the
installed `ot` with its standard output on a pseudo-terminal, on a pipe, and with NO_COLOR.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

OT = Path(sys.executable).parent / "ot"
BOLD = b"\x1b[1m"

pytestmark = pytest.mark.skipif(not OT.exists(), reason="the package is not installed in this env")


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(
        OFFLINE_TRACKER_DB=str(db),
        OFFLINE_TRACKER_NOW="2025-10-08T09:30:00+08:00",
        OFFLINE_TRACKER_LANG="en",
        TERM="xterm-256color",
        COLUMNS="100",
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("colour") / "l.sqlite"
    for args in (
        ("init", "--timezone", "Asia/Shanghai"),
        ("log", "slides", "--at", "2025-10-07 23:40", "--minutes", "40"),
    ):
        done = subprocess.run([str(OT), *args], env=_env(path), capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr
    return path


def _on_a_terminal(db: Path, **extra: str) -> bytes:
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(OT), "report", "week", "2025-10-08"],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env=_env(db, **extra),
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    finally:
        os.close(leader)
    return b"".join(chunks)


def test_a_terminal_gets_bold_headings(db: Path) -> None:
    out = _on_a_terminal(db)
    assert BOLD + b"Date" in out and b"Work-time report" in out


def test_no_color_means_no_escapes_on_a_terminal(db: Path) -> None:
    out = _on_a_terminal(db, NO_COLOR="1")
    assert b"\x1b[" not in out and b"Work-time report" in out


def test_a_pipe_gets_plain_text(db: Path) -> None:
    piped = subprocess.run(
        [str(OT), "report", "week", "2025-10-08"], env=_env(db), capture_output=True, timeout=60
    )
    assert piped.returncode == 0 and b"\x1b[" not in piped.stdout
    assert b"Date" in piped.stdout
