"""`ot verify PACK` against packs crafted to mislead (issue 13; docs/reliability.md, "Attacks"):
a rebuilt pack with consistent digests but forged figures or a void left out, duplicate names,
folders and links in the zip, zip bombs, crafted numbers and depth."""

from __future__ import annotations

import hashlib
import json
import stat
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from offline_tracker.formats import pack
from tests.conftest import Ot


@pytest.fixture
def packed(ledger: Ot, tmp_path: Path) -> tuple[Ot, Path]:
    for args in [
        ("log", "task 0", "--at", "2025-10-06 21:00", "--minutes", "20"),
        ("log", "task 1", "--at", "2025-10-06 23:00", "--minutes", "20"),
        ("void", "4", "--reason", "twice"),
    ]:
        assert ledger(*args).code == 0
    out = tmp_path / "pack.zip"
    assert ledger("export", "evidence", "-o", str(out)).code == 0
    assert ledger("verify", str(out)).code == 0
    return ledger, out


def _rebuild(path: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """The pack made again by an adversary: files changed, manifest and SHA256SUMS to match."""
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    change(files)
    manifest = json.loads(files.pop(pack.MANIFEST))
    files.pop(pack.SUMS)
    manifest["files"] = [
        {"path": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
        for n, d in sorted(files.items())
    ]
    files[pack.MANIFEST] = json.dumps(manifest).encode()
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(files.items()))
    files[pack.SUMS] = sums.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def _problems(ot: Ot, path: Path) -> list[str]:
    result = ot("verify", str(path), "--json")
    assert result.code == 1, result.out
    assert "unexpected" not in result.out + result.err
    return list(result.json()["problems"])


def test_forged_figures_in_a_consistent_pack_are_found(packed: tuple[Ot, Path]) -> None:
    ot, path = packed

    def forge(files: dict[str, bytes]) -> None:
        files["records.csv"] = files["records.csv"].replace(b",20,", b",200,")
        files["report.html"] = files["report.html"].replace(b"20m", b"3h20m")

    _rebuild(path, forge)
    assert pack.check_pack(path).ok  # consistent by itself
    problems = _problems(ot, path)
    assert any(p.startswith("records.csv: differs from the same file made again") for p in problems)
    assert any(p.startswith("report.html: differs") for p in problems)


def test_a_void_left_out_of_the_pack_is_found(packed: tuple[Ot, Path]) -> None:
    ot, path = packed

    def drop_void(files: dict[str, bytes]) -> None:
        lines = files[pack.ENTRIES].decode().splitlines()
        kept = [line for line in lines if json.loads(line)["kind"] != "record.void"]
        files[pack.ENTRIES] = "".join(line + "\n" for line in kept).encode()

    _rebuild(path, drop_void)
    problems = _problems(ot, path)
    assert any(p.startswith("entry 5 (record.void) is about the pack's records") for p in problems)


def _zip_with(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)


def test_duplicate_names_folders_and_links_are_problems(packed: tuple[Ot, Path]) -> None:
    ot, path = packed
    with zipfile.ZipFile(path) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    link = zipfile.ZipInfo("attachments/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    crafted: list[tuple[zipfile.ZipInfo | str, bytes]] = [*members]
    crafted += [("records.csv", b"id\n1\n"), ("evil/", b""), (link, b"/etc/passwd")]
    with pytest.warns(UserWarning):  # zipfile itself warns of the duplicate name
        _zip_with(path, crafted)
    problems = _problems(ot, path)
    assert "records.csv: the zip holds two files of this name" in problems[0]
    assert any(p.startswith("evil/: a folder entry") for p in problems)
    assert any(p.startswith("attachments/link: a symbolic link") for p in problems)


def test_a_zip_bomb_fails_fast(packed: tuple[Ot, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """At the real limits a 2 MB zip inflating to 2 GB stops after 512 MB (a few seconds);
    scaled down here: 64 MB of zeros against a 1 MB limit."""
    ot, path = packed
    _zip_with(path, [("attachments/" + "0" * 64, bytes(64 << 20))])
    monkeypatch.setattr(pack, "MEMBER_LIMIT", 1 << 20)
    started = time.monotonic()
    problems = _problems(ot, path)
    assert time.monotonic() - started < 5
    assert problems == [
        f"attachments/{'0' * 64}: inflates past the size limit of a pack file"
        " (a zip bomb?); the check stopped there"
    ]


def test_a_header_that_declares_too_much_is_refused_without_reading(
    packed: tuple[Ot, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ot, path = packed
    _zip_with(path, [("big.bin", bytes(2 << 20))])
    monkeypatch.setattr(pack, "MEMBER_LIMIT", 1 << 20)
    read: list[object] = []
    monkeypatch.setattr(pack, "_stream", lambda *a, **_k: read.append(a) or (None, None, 0))
    assert _problems(ot, path)[0].startswith("big.bin: inflates past the size limit")
    assert read == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            pack.ENTRIES,
            b'{"seq": 100000000000000000000000, "body": "{}", "prev_hash": "", "hash": ""}\n',
        ),
        (pack.ENTRIES, b"[" * 100_000 + b"]" * 100_000 + b"\n"),
        (pack.MANIFEST, b"[" * 100_000 + b"]" * 100_000),
    ],
)
def test_crafted_numbers_and_depth_give_a_problem_line(
    packed: tuple[Ot, Path], name: str, content: bytes
) -> None:
    ot, path = packed

    def craft(files: dict[str, bytes]) -> None:
        files[name] = content

    if name == pack.MANIFEST:
        with zipfile.ZipFile(path) as archive:
            files = {i.filename: archive.read(i) for i in archive.infolist()}
        files[name] = content
        _zip_with(path, list(files.items()))
    else:
        _rebuild(path, craft)
    assert _problems(ot, path)


def test_a_crafted_head_seq_gives_a_problem_line(packed: tuple[Ot, Path]) -> None:
    ot, path = packed

    def craft(files: dict[str, bytes]) -> None:
        manifest = json.loads(files[pack.MANIFEST])
        manifest["chain_head"]["seq"] = 10**23
        files[pack.MANIFEST] = json.dumps(manifest).encode()

    _rebuild(path, craft)
    assert any("chain_head" in p for p in _problems(ot, path))
