"""The evidence pack as a file: manifest, SHA256SUMS, and every way a pack can be tampered with."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.domain.errors import Refusal
from offline_tracker.formats import pack
from offline_tracker.ledger.canonical import entry_body
from offline_tracker.ledger.chain import GENESIS, entry_hash

WHEN = datetime(2025, 10, 8, 1, 30, tzinfo=UTC)
SHOT = b"\x89PNG fake screenshot"
SHOT_SHA = hashlib.sha256(SHOT).hexdigest()


def _entries() -> list[pack.EntryRow]:
    """A three-entry chain built by the rule of docs/ledger-format.md."""
    rows, prev = [], GENESIS
    for seq, kind, data in [
        (1, "ledger.init", {"tool": "offline_tracker 0.1.0"}),
        (2, "record.add", {"text": "老板要PPT", "attachments": [{"sha256": SHOT_SHA}]}),
        (3, "record.amend", {"record": 2, "changes": {"attachments": ["ab" * 32]}}),
    ]:
        body = entry_body(seq, f"id-{seq}", "2025-10-08T01:30:00Z", kind, data).decode()
        digest = entry_hash(prev, body.encode())
        rows.append((seq, f"id-{seq}", "2025-10-08T01:30:00Z", kind, body, prev, digest))
        prev = digest
    return rows


@pytest.fixture
def made(tmp_path: Path) -> Path:
    out = tmp_path / "pack.zip"
    files = [
        ("records.csv", "\ufeffid\r\n2\r\n".encode()),
        ("report.html", b"<html></html>"),
        (pack.ENTRIES, pack.entries_jsonl(_entries())),
        (f"attachments/{SHOT_SHA}", SHOT),
    ]
    pack.write_pack(out, files, {"format": "offline_tracker.evidence_pack"}, WHEN)
    return out


def _rewrite(path: Path, change: dict[str, bytes | None]) -> None:
    """Rewrite the zip with some members replaced (bytes), dropped (None) or added."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in change.items():
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _flip(data: bytes) -> bytes:
    return bytes([data[0] ^ 1]) + data[1:]


def _codes(path: Path) -> set[tuple[str, str]]:
    return {(p.code, p.name) for p in pack.check_pack(path).problems}


def test_an_intact_pack_checks_out(made: Path) -> None:
    check = pack.check_pack(made)
    assert check.ok, check.problems
    assert check.files == 6 and [e["seq"] for e in check.entries] == [1, 2, 3]
    listed = {f["path"] for f in check.manifest["files"]}  # type: ignore[index]
    assert listed == {"records.csv", "report.html", pack.ENTRIES, f"attachments/{SHOT_SHA}"}


def test_the_zip_is_private(made: Path) -> None:
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    with zipfile.ZipFile(made) as archive:
        assert {i.external_attr >> 16 for i in archive.infolist()} == {0o600}


def test_sha256sums_works_with_sha256sum(made: Path) -> None:
    with zipfile.ZipFile(made) as archive:
        sums = archive.read(pack.SUMS).decode()
        for line in sums.splitlines():
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert "manifest.json" in sums and pack.SUMS not in sums


@pytest.mark.parametrize(
    "name", ["records.csv", "report.html", pack.ENTRIES, f"attachments/{SHOT_SHA}"]
)
def test_a_changed_byte_is_named(made: Path, name: str) -> None:
    with zipfile.ZipFile(made) as archive:
        data = archive.read(name)
    _rewrite(made, {name: _flip(data)})
    assert ("changed", name) in _codes(made)


def test_a_changed_manifest_is_named(made: Path) -> None:
    with zipfile.ZipFile(made) as archive:
        manifest = json.loads(archive.read(pack.MANIFEST))
    manifest["period"] = {"from": "2020-01-01"}
    _rewrite(made, {pack.MANIFEST: json.dumps(manifest).encode()})
    # Only SHA256SUMS holds the manifest's digest, so the two are named together.
    assert _codes(made) == {("disagree", f"{pack.MANIFEST}, {pack.SUMS}")}


def test_a_changed_sums_file_is_named(made: Path) -> None:
    with zipfile.ZipFile(made) as archive:
        sums = archive.read(pack.SUMS)
    _rewrite(made, {pack.SUMS: _flip(sums)})  # the first line: the digest of a listed file
    assert _codes(made) == {("changed", pack.SUMS)}
    _rewrite(made, {pack.SUMS: b"0" * 64 + b"  records.csv\n"})
    assert _codes(made) == {("changed", pack.SUMS)}


def test_missing_and_extra_files_are_named(made: Path) -> None:
    _rewrite(made, {"report.html": None, "notes.txt": b"added later"})
    codes = _codes(made)
    assert ("missing", "report.html") in codes and ("extra", "notes.txt") in codes


def test_an_entry_that_does_not_rehash_is_named_even_with_fixed_digests(made: Path) -> None:
    # A forger who also rewrites the manifest and SHA256SUMS is still caught by the chain rule.
    lines = pack.entries_jsonl(_entries()).decode().splitlines()
    entry = json.loads(lines[1])
    entry["body"] = entry["body"].replace("老板要PPT", "老板要Excel")
    lines[1] = json.dumps(entry, ensure_ascii=False)
    files = [(pack.ENTRIES, ("\n".join(lines) + "\n").encode())]
    out = made.with_name("forged.zip")
    pack.write_pack(out, files, {}, WHEN)
    assert {p.code for p in pack.check_pack(out).problems} == {"entry"}


def test_a_broken_link_between_neighbours_is_named(made: Path) -> None:
    rows = _entries()
    seq, entry_id, at, kind, body, _, _ = rows[2]
    forged_prev = "f" * 64
    rows[2] = (seq, entry_id, at, kind, body, forged_prev, entry_hash(forged_prev, body.encode()))
    out = made.with_name("relinked.zip")
    pack.write_pack(out, [(pack.ENTRIES, pack.entries_jsonl(rows))], {}, WHEN)
    assert [(p.code, p.name) for p in pack.check_pack(out).problems] == [
        ("link", f"{pack.ENTRIES}:3 (seq 3)")
    ]


def test_not_a_zip_and_no_manifest(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    assert [p.code for p in pack.check_pack(junk).problems] == ["unreadable"]
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("records.csv", b"")
    assert [p.code for p in pack.check_pack(empty).problems] == ["no_manifest"]
    assert [p.code for p in pack.check_pack(tmp_path / "absent.zip").problems] == ["unreadable"]


def test_attachment_digests_come_from_adds_and_amendments() -> None:
    bodies = [row[4] for row in _entries()]
    assert pack.attachment_shas(bodies) == [SHOT_SHA, "ab" * 32]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_readme_fills_every_field(lang: str) -> None:
    manifest = {
        "period": {"from": "2025-10-01", "to": "2025-10-31"},
        "chain_head": {"seq": 42, "hash": "c4" * 32, "anchor": "OT1-42-c4c4c4c4c4c4c4c4"},
        "counts": {"records": 7, "entries": 9, "attachments": 1, "attachments_missing": 0},
        "tool": "offline_tracker 0.1.0",
    }
    text = pack.readme(lang, manifest)
    assert (
        "$" not in text and "OT1-42-c4c4c4c4c4c4c4c4" in text and "sha256sum -c SHA256SUMS" in text
    )


def test_write_private_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"

    def broken(_out: object) -> None:
        raise OSError("disk full")

    with pytest.raises(Refusal) as caught:
        pack.write_private(target, broken)
    assert caught.value.message.params["path"] == str(target)  # the user's name, not the .part
    assert list(tmp_path.iterdir()) == []
