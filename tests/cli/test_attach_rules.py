"""`--attach` takes regular files only, at once, and says when it follows a symbolic link
(issue 13; docs/reliability.md, "Attacks")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Ot
from tests.reliability.support import ot_process


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_is_refused_at_once(ledger: Ot, tmp_path: Path, kind: str) -> None:
    """Before: a FIFO made `ot log` wait forever for a writer, /dev/zero read without end."""
    source = tmp_path / "pipe"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        source = Path("/dev/zero")
    done = ot_process(
        "--db",
        str(ledger.db),
        "log",
        "x",
        "--at",
        "2025-10-07 21:00",
        "--attach",
        str(source),
        timeout=30,
    )
    assert done.returncode == 2, done.stderr
    assert f"cannot attach {source}: it is not a regular file" in done.stderr
    assert ledger("list", "--json").json()["records"] == []


def test_a_folder_is_refused(ledger: Ot, tmp_path: Path) -> None:
    result = ledger("log", "x", "--at", "2025-10-07 21:00", "--attach", str(tmp_path))
    assert result.code == 2 and "directory" in result.err


def test_a_symlink_is_followed_and_said(ledger: Ot, tmp_path: Path) -> None:
    real = tmp_path / "shot.png"
    real.write_bytes(b"\x89PNG evidence")
    link = tmp_path / "link.png"
    link.symlink_to(real)
    result = ledger("log", "x", "--at", "2025-10-07 21:00", "--attach", str(link))
    assert result.code == 0, result.err
    assert f"{link} is a symbolic link; attaching the file it points to: {real}" in result.err
