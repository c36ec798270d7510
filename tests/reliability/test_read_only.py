"""A read-only ledger (a court's copy, a write-protected stick) can be listed, reported, verified
and exported; writes fail with one line (issue 13; docs/reliability.md, "Attacks").

Root ignores file modes, so the commands run without the capabilities that let it
(`setpriv --bounding-set=-dac_override,...`): as any other user, the modes apply. Skipped with
the reason when that cannot be done here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Ot
from tests.reliability.support import OT, env

_DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def _as_a_user(*args: str) -> subprocess.CompletedProcess[str]:
    argv = [*_DROP, str(OT), *args] if os.geteuid() == 0 else [str(OT), *args]
    return subprocess.run(argv, env=env(), capture_output=True, text=True, timeout=60, check=False)


def _modes_apply(folder: Path) -> str | None:
    """Why the test cannot run here, or None."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "runs as root and setpriv (util-linux) is missing: modes would not apply"
    probe = folder / "probe"
    probe.write_text("x")
    probe.chmod(0o444)
    argv = ["sh", "-c", f"echo y > {probe}"]
    done = subprocess.run([*_DROP, *argv] if os.geteuid() == 0 else argv, capture_output=True)
    probe.unlink()
    return "writing a 0444 file still succeeds here" if done.returncode == 0 else None


@pytest.fixture
def court_copy(ledger: Ot, tmp_path: Path) -> Iterator[Path]:
    for i, at in enumerate(("2025-10-06 21:00", "2025-10-06 22:00")):
        assert ledger("log", f"task {i}", "--at", at, "--minutes", "20").code == 0
    assert ledger("verify").code == 0  # the last connection closes: the WAL is folded in
    folder = tmp_path / "court"
    folder.mkdir()
    reason = _modes_apply(folder)
    if reason:
        pytest.skip(reason)
    copy = folder / "ledger.sqlite"
    shutil.copyfile(ledger.db, copy)
    copy.chmod(0o444)
    folder.chmod(0o555)
    yield copy
    folder.chmod(0o755)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--from", "2025-10-01"],
        ["report", "week", "--json"],
        ["verify"],
        ["doctor"],
        ["export", "csv"],
        ["show", "3"],
    ],
)
def test_a_read_only_ledger_is_readable(court_copy: Path, args: list[str]) -> None:
    before = court_copy.read_bytes()
    done = _as_a_user("--db", str(court_copy), *args)
    assert done.returncode == 0, done.stderr
    assert "recover" not in done.stdout  # doctor once advised `.recover` on this intact file
    assert court_copy.read_bytes() == before
    assert sorted(p.name for p in court_copy.parent.iterdir()) == ["ledger.sqlite"]


def test_a_write_to_a_read_only_ledger_fails_with_one_line(court_copy: Path) -> None:
    done = _as_a_user("--db", str(court_copy), "log", "x", "--at", "2025-10-07 21:00")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "readonly" in lines[0] and "nothing was saved" in lines[0]
