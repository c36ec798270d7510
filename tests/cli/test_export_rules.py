"""Exports only from a sound ledger, writes only onto a sound head, and `-o PATH` that cannot be
turned against the user (issue 13; docs/reliability.md, "Attacks")."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Ot


@pytest.fixture
def filled(ledger: Ot) -> Ot:
    for i, at in enumerate(("2025-10-06 21:00", "2025-10-06 22:00", "2025-10-07 23:00")):
        assert ledger("log", f"task {i}", "--at", at, "--minutes", "20").code == 0
    return ledger


def _behind_its_back(ot: Ot, sql: str) -> None:
    conn = sqlite3.connect(ot.db)
    (create,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'ledger_no_update'"
    ).fetchone()
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute(sql)
    conn.execute(create)
    conn.commit()
    conn.close()


HIDE = "UPDATE records SET voided = 1 WHERE id = 3"  # a record vanishes from the evidence
FORGE = "UPDATE ledger SET body = replace(body, 'task 1', 'task X') WHERE seq = 4"


@pytest.mark.parametrize("sql", [HIDE, FORGE])
@pytest.mark.parametrize("form", ["csv", "json", "xlsx", "evidence"])
def test_an_export_of_an_unsound_ledger_is_refused(
    filled: Ot, tmp_path: Path, sql: str, form: str
) -> None:
    _behind_its_back(filled, sql)
    out = tmp_path / f"out.{form}"
    result = filled("export", form, "-o", str(out))
    assert result.code == 1 and result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "fails verification" in lines[0] and "--force" in lines[0]
    assert not out.exists() and list(tmp_path.glob("*.part")) == []


def test_a_forced_pack_says_on_its_first_page_that_the_ledger_failed(
    filled: Ot, tmp_path: Path
) -> None:
    _behind_its_back(filled, HIDE)
    out = tmp_path / "pack.zip"
    result = filled("export", "evidence", "-o", str(out), "--force")
    assert result.code == 0 and "fails verification" in result.err
    with zipfile.ZipFile(out) as archive:
        page = archive.read("report.html").decode("utf-8")
        manifest = json.loads(archive.read("manifest.json"))
        readme = archive.read("README.txt").decode("utf-8")
    assert page.index('id="unsound"') < page.index('id="summary"')
    assert "FAILED verification" in page and "record 3: the table does not match" in page
    assert manifest["ledger_verified"] is False and manifest["verification_problems"]
    assert readme.startswith("WARNING: this pack was made from a ledger that FAILED")
    assert filled("verify", str(out)).code == 0  # the pack itself is what it says it is


def test_a_sound_export_says_it_was_verified(filled: Ot) -> None:
    meta = filled("export", "json").json()
    assert meta["ledger_verified"] is True and meta["verification_problems"] == []


def test_a_forced_csv_warns_on_stderr(filled: Ot) -> None:
    _behind_its_back(filled, FORGE)
    result = filled("export", "csv", "--force")
    assert result.code == 0 and "task 0" in result.out
    assert result.err.startswith("warning: exported from a ledger that fails verification")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger SET body = replace(body, 'task 2', 'task X') WHERE seq = 5",
        "UPDATE ledger SET recorded_at = '2020-01-01T00:00:00Z' WHERE seq = 5",
        "UPDATE ledger SET hash = replace(hash, substr(hash, 1, 1), 'x') WHERE seq = 5",
    ],
)
def test_a_write_refuses_a_head_that_does_not_verify(filled: Ot, sql: str) -> None:
    _behind_its_back(filled, sql)
    result = filled("log", "new", "--at", "2025-10-08 08:00")
    assert result.code == 1 and "ot doctor" in result.err and "entry" not in result.out
    assert "the last entry of the ledger (5) does not verify" in result.err
    conn = sqlite3.connect(filled.db)
    assert conn.execute("SELECT max(seq) FROM ledger").fetchone() == (5,)
    conn.close()


def test_an_import_refuses_a_head_that_does_not_verify(filled: Ot, tmp_path: Path) -> None:
    _behind_its_back(filled, FORGE.replace("seq = 4", "seq = 5").replace("task 1", "task 2"))
    source = tmp_path / "rows.csv"
    source.write_text("time,text\n2025-10-07 20:00,imported\n", "utf-8")
    result = filled("import", "csv", str(source), "--map", "time=time,text=text")
    assert result.code == 1 and "does not verify" in result.err


# -- -o PATH --------------------------------------------------------------------------------
def test_an_existing_file_is_replaced_only_with_force(filled: Ot, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("keep me", "utf-8")
    result = filled("export", "csv", "-o", str(out))
    assert result.code == 1 and f"{out} already exists" in result.err and "--force" in result.err
    assert out.read_text("utf-8") == "keep me"
    assert filled("export", "csv", "-o", str(out), "--force").code == 0
    assert "task 0" in out.read_text("utf-8-sig")


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder", "device"])
def test_a_target_that_is_not_a_regular_file_is_refused(
    filled: Ot, tmp_path: Path, kind: str
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("precious", "utf-8")
    target = tmp_path / "out"
    if kind == "symlink":
        target.symlink_to(precious)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target = Path("/dev/null")
    for args in (["csv"], ["xlsx"], ["evidence"]):
        result = filled("export", *args, "-o", str(target), "--force")
        assert str(target) in result.err and ".part" not in result.err
        if kind == "folder":  # refused by the option itself (a usage error)
            assert result.code == 2 and "is a directory" in result.err
        else:
            assert result.code == 1 and "not a regular file" in result.err
    assert precious.read_text("utf-8") == "precious"
    assert target.is_symlink() or not target.is_file()


def test_errors_name_the_users_path_and_stale_parts_go(filled: Ot, tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "out.csv"
    result = filled("export", "csv", "-o", str(missing))
    assert result.code == 1 and f"cannot write {missing}" in result.err
    assert ".part" not in result.err
    out = tmp_path / "out.csv"
    stale = tmp_path / ".out.csv.999999999.part"  # a run killed half-way (no such process)
    stale.write_bytes(b"half")
    assert filled("export", "csv", "-o", str(out)).code == 0
    assert not stale.exists() and out.is_file()
