"""Helpers for the reliability tests: writer processes, the installed `ot`, file fingerprints."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import FIXED_NOW

REPO = Path(__file__).resolve().parents[2]
OT = Path(sys.executable).with_name("ot")
LOGGED = re.compile(r"^Logged record (\d+):", re.MULTILINE)


def env(**extra: str) -> dict[str, str]:
    """The environment of a child `ot`: the fixed clock, English, no colour."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("OFFLINE_TRACKER_")}
    return {**base, "OFFLINE_TRACKER_NOW": FIXED_NOW, "LANG": "C", "NO_COLOR": "1", **extra}


def spawn_writer(
    db: str, count: int, name: str, attach: Path | None = None, stderr: int = subprocess.PIPE
) -> subprocess.Popen:
    """A process that runs `ot log` `count` times (tests/reliability/worker.py)."""
    argv = [sys.executable, "-m", "tests.reliability.worker", "--db", db]
    argv += ["--count", str(count), "--name", name]
    if attach is not None:
        argv += ["--attach", str(attach)]
    return subprocess.Popen(
        argv, cwd=REPO, env=env(), stdout=subprocess.PIPE, stderr=stderr, text=True
    )


class KillableWriter:
    """A writer whose output a thread reads as it comes, so that killing it loses no line."""

    def __init__(self, db: str, count: int, name: str, attach: Path | None = None) -> None:
        self.proc = spawn_writer(db, count, name, attach, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self.started = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            self.started.set()
        self.started.set()

    def kill(self) -> str:
        """SIGKILL it; everything it printed before dying."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self._reader.join(timeout=60)
        return "".join(self.lines)


def logged_ids(stdout: str) -> list[int]:
    """The record ids a writer reported saved."""
    return [int(m) for m in LOGGED.findall(stdout)]


def ot_process(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The installed `ot` entry point as a separate process."""
    return subprocess.run(
        [str(OT), *args], env=env(), capture_output=True, text=True, timeout=timeout, check=False
    )


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_failure(code: int, err: str, expected: int = 1) -> str:
    """Assert a failure is `expected` with exactly one line on stderr; return that line."""
    assert code == expected, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "OFFLINE_TRACKER_DEBUG" not in err, err  # error.internal
    return lines[0]
