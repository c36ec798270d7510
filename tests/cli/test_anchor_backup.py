"""`ot anchor`, `ot verify --anchor`, `ot backup` and `ot restore` against real ledger files."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from offline_tracker.ledger.canonical import decode_body
from offline_tracker.ledger.chain import GENESIS, entry_hash
from tests.conftest import Ot

DIGEST = re.compile(r"OT1-(\d+)-([0-9a-f]{16})")


@pytest.fixture
def logged(ledger: Ot) -> Ot:
    for at in ("2025-10-06 21:00", "2025-10-06 22:30", "2025-10-07 23:00"):
        assert ledger("log", f"task at {at}", "--at", at, "--minutes", "20").code == 0
    return ledger


def _anchor(ot: Ot) -> str:
    result = ot("anchor")
    assert result.code == 0, result.err
    match = DIGEST.search(result.out)
    assert match is not None, result.out
    return match.group(0)


def _rewrite_chain(ot: Ot, seq: int, old: str, new: str) -> None:
    """A forger's full rewrite: change entry `seq`, then re-hash every entry after it."""
    conn = sqlite3.connect(ot.db)
    conn.execute("DROP TRIGGER ledger_no_update")
    rows = conn.execute("SELECT seq, body FROM ledger ORDER BY seq").fetchall()
    prev = GENESIS
    for number, body in rows:
        if number == seq:
            body = body.replace(old, new)
        digest = entry_hash(prev, body.encode())
        conn.execute("UPDATE ledger SET body = ?, hash = ? WHERE seq = ?", (body, digest, number))
        prev = digest
    conn.commit()
    conn.close()


def _truncate(ot: Ot, after: int) -> None:
    conn = sqlite3.connect(ot.db)
    conn.execute("DROP TRIGGER ledger_no_delete")
    conn.execute("DELETE FROM ledger WHERE seq > ?", (after,))
    conn.commit()
    conn.close()


@pytest.mark.usefixtures("walks")
def test_anchor_prints_a_digest_and_records_it(logged: Ot) -> None:
    digest = _anchor(logged)
    seq, prefix = DIGEST.fullmatch(digest).groups()  # type: ignore[union-attr]
    assert seq == "5"  # the head before the anchor entry itself
    with sqlite3.connect(logged.db) as conn:
        body, kind = conn.execute("SELECT body, kind FROM ledger WHERE seq = 6").fetchone()
        head_hash = conn.execute("SELECT hash FROM ledger WHERE seq = 5").fetchone()[0]
    assert kind == "anchor" and head_hash.startswith(prefix)
    assert decode_body(body)["data"] == {"head_seq": 5, "head_hash": head_hash}
    result = logged("verify", "--anchor", digest)
    assert result.code == 0 and f"Anchor {digest} matches" in result.out


@pytest.mark.usefixtures("walks")
def test_a_rewritten_ledger_breaks_its_anchors(logged: Ot) -> None:
    digest = _anchor(logged)
    logged("log", "later", "--at", "2025-10-08 08:00", "--minutes", "5")
    # The chain itself verifies again after a full rewrite: only the anchors show it (RULES E5).
    _rewrite_chain(logged, 3, "task at", "chat at")
    problems = logged("verify", "--json").json()["problems"]
    assert any("anchor entry 6: entry 5 no longer has the hash" in p for p in problems)
    assert all(not p.startswith("entry ") for p in problems)
    result = logged("verify", "--anchor", digest)
    assert result.code == 1 and "entry 5 has another hash now" in result.out


@pytest.mark.usefixtures("walks")
def test_a_truncated_ledger_misses_the_anchored_entry(logged: Ot) -> None:
    digest = _anchor(logged)
    _truncate(logged, 4)  # the anchored head and the anchor entry are gone
    assert logged("db", "rebuild").code == 0
    result = logged("verify", "--anchor", digest)
    assert result.code == 1 and "has no entry 5" in result.out


@pytest.mark.parametrize("text", ["OT1-5", "OT2-5-0123456789abcdef", "OT1-0-0123456789abcdef", "x"])
def test_a_malformed_digest_is_refused(logged: Ot, text: str) -> None:
    result = logged("verify", "--anchor", text)
    assert result.code == 2 and "OT1-<entry number>-<16 hex digits>" in result.err


def test_a_digest_is_read_whatever_its_case(logged: Ot) -> None:
    digest = _anchor(logged)
    assert logged("verify", "--anchor", digest.upper().replace("OT1", "ot1")).code == 0


# -- backup and restore --------------------------------------------------------------------------
def _count(ot: Ot) -> int:
    return len(ot("list", "--from", "2025-10-01", "--json").json()["records"])


def test_backup_goes_to_the_backups_folder_and_verifies(logged: Ot) -> None:
    result = logged("backup")
    assert result.code == 0, result.err
    copy = logged.db.parent / "backups" / "ledger-20251008T013000Z-manual.sqlite"
    assert copy.is_file() and stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert "its chain verifies: 5 entries" in result.out and "evidence" in result.out
    assert Ot(copy)("verify").code == 0
    again = logged("backup")
    assert again.code == 2 and "already exists" in again.err


def test_backup_to_a_path_of_your_choice(logged: Ot, tmp_path: Path) -> None:
    target = tmp_path / "usb" / "copy.sqlite"
    # A USB stick that is not mounted must not become a local folder (issue 13).
    refused = logged("backup", str(target))
    assert refused.code == 1 and "--parents" in refused.err and not target.parent.exists()
    assert logged("backup", str(target), "--parents").code == 0
    assert Ot(target)("list", "--from", "2025-10-01").code == 0


def test_a_server_is_backed_up_with_its_own_tools(ot: Ot) -> None:
    for command in (("backup",), ("restore", "x.sqlite")):
        result = ot("--db", "postgresql://user@localhost/ledger", *command)
        assert result.code == 1 and "pg_dump" in result.err


def test_restore_brings_the_backup_back_and_keeps_the_current_file(logged: Ot) -> None:
    assert logged("backup").code == 0
    backup = next((logged.db.parent / "backups").glob("*-manual.sqlite"))
    assert logged("log", "after the backup", "--at", "2025-10-08 08:00", "--minutes", "5").code == 0
    assert _count(logged) == 4
    # The entry the backup lacks is named, and nothing happens without --yes (issue 13).
    asked = logged("restore", str(backup))
    assert asked.code == 1 and "has 1 entries that the backup lacks" in asked.err
    assert "entry 6  2025-10-08T01:30:00Z  record.add" in asked.err and "--yes" in asked.err
    assert _count(logged) == 4
    result = logged("restore", str(backup), "--yes")
    assert result.code == 0, result.err
    assert "Restored" in result.out and "before-restore" in result.out
    assert "entry 6" in result.err
    assert _count(logged) == 3 and logged("verify").code == 0
    kept = next((logged.db.parent / "backups").glob("*-before-restore.sqlite"))
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and _count(Ot(kept)) == 4
    leftovers = [p.name for p in logged.db.parent.iterdir() if ".restore-" in p.name]
    assert leftovers == [] and backup.is_file()


def test_a_backup_whose_chain_fails_is_refused(logged: Ot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    assert logged("backup", str(bad)).code == 0
    conn = sqlite3.connect(bad)
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("UPDATE ledger SET body = replace(body, 'task at', 'chat at') WHERE seq = 3")
    conn.commit()
    conn.close()
    before = logged.db.read_bytes()
    result = logged("restore", str(bad))
    assert result.code == 1 and "Refused" in result.err
    assert "entry 3: its content is not what was hashed" in result.err
    assert logged.db.read_bytes() == before and _count(logged) == 3
    assert not (logged.db.parent / "backups").exists() or not list(
        (logged.db.parent / "backups").glob("*before-restore*")
    )


def test_restore_refuses_what_is_not_a_ledger(logged: Ot, tmp_path: Path) -> None:
    junk = tmp_path / "notes.sqlite"
    junk.write_bytes(b"just some text, not a database")
    result = logged("restore", str(junk))
    assert result.code == 1 and "not a ledger" in result.err
    missing = logged("restore", str(tmp_path / "absent.sqlite"))
    assert missing.code == 2 and "no ledger file" in missing.err


def test_restore_is_refused_while_another_program_has_the_ledger_open(logged: Ot) -> None:
    assert logged("backup").code == 0
    backup = next((logged.db.parent / "backups").glob("*-manual.sqlite"))
    other = sqlite3.connect(logged.db)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM ledger").fetchone()  # another program reading
    try:
        result = logged("restore", str(backup), "--yes")
    finally:
        other.close()
    assert result.code == 1 and "another program" in result.err
    assert logged("verify").code == 0


@pytest.mark.usefixtures("walks")
def test_verify_json_keeps_its_shape_with_anchors(logged: Ot) -> None:
    digest = _anchor(logged)
    data = json.loads(logged("verify", "--json", "--anchor", digest).out)
    assert data["ok"] and data["entries"] == 6 and data["problems"] == []


def test_restore_over_a_damaged_ledger_keeps_the_damaged_bytes(logged: Ot) -> None:
    # `ot doctor` sends a user here when the ledger no longer opens: nothing may be lost.
    assert logged("backup").code == 0
    backup = next((logged.db.parent / "backups").glob("*-manual.sqlite"))
    damaged = b"SQLite format 3\x00" + b"\xde\xad" * 2000
    logged.db.write_bytes(damaged)
    asked = logged("restore", str(backup))  # what it replaces cannot be read: --yes asked
    assert asked.code == 1 and "cannot be compared" in asked.err and "--yes" in asked.err
    assert logged.db.read_bytes() == damaged
    result = logged("restore", str(backup), "--yes")
    assert result.code == 0, result.err
    kept = next((logged.db.parent / "backups").glob("*-before-restore.sqlite"))
    assert kept.read_bytes() == damaged
    assert logged("verify").code == 0 and _count(logged) == 3
