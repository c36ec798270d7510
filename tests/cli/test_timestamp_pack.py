"""The evidence pack carries requests, tokens and roots; openssl alone checks them (RULES E5)."""

from __future__ import annotations

import json
import shlex
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.formats.pack import write_pack
from tests.cli.test_timestamps import _attached, _entries, _request
from tests.conftest import Ot
from tests.tsa import Authority


@pytest.fixture
def stamped(ledger: Ot, tsa: Authority) -> Ot:
    """Two tokens on two anchors: one checked against the root, one recorded without it."""
    assert ledger("log", "slides", "--at", "2025-10-06 21:00", "--minutes", "20").code == 0
    _attached(ledger, tsa, tsa.ca)
    assert ledger("log", "call", "--at", "2025-10-07 22:00", "--minutes", "30").code == 0
    request, _ = _request(ledger)
    reply = tsa.reply(request, ledger.db.parent / "second.tsr")
    assert ledger("anchor", "attach", str(reply)).code == 0
    return ledger


def _pack(ot: Ot, lang: str = "en") -> Path:
    out = ot.db.parent / f"pack-{lang}.zip"
    result = ot("export", "evidence", "--from", "2025-10-01", "-o", str(out), lang=lang)
    assert result.code == 0, result.err
    return out


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def test_the_pack_carries_requests_tokens_and_roots(stamped: Ot) -> None:
    files = _members(_pack(stamped))
    tokens = [e for e in _entries(stamped) if e["kind"] == "anchor.token"]
    assert [t["seq"] for t in tokens] == [5, 8]
    assert {n for n in files if n.startswith("timestamps/")} == {
        "timestamps/request-4.tsq",
        "timestamps/request-7.tsq",
        "timestamps/token-5.tsr",
        "timestamps/token-8.tsr",
        "timestamps/ca-5.pem",
    }
    listed = {json.loads(line)["seq"] for line in files["ledger/entries.jsonl"].splitlines()}
    assert {3, 4, 5, 6, 7, 8} <= listed  # the stamped heads, the anchors and the tokens
    readme = files["README.txt"].decode()
    for token in tokens:
        assert token["data"]["head_hash"] in readme


def _readme_commands(readme: str) -> list[str]:
    return [line.strip() for line in readme.splitlines() if line.strip().startswith("openssl ")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_openssl_alone_checks_every_token_as_the_readme_says(
    stamped: Ot, tsa: Authority, tmp_path: Path, lang: str
) -> None:
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(_pack(stamped, lang)) as archive:
        archive.extractall(folder)
    (folder / "ROOT.pem").write_bytes(tsa.ca.read_bytes())  # the authority's own root
    commands = _readme_commands((folder / "README.txt").read_text(encoding="utf-8"))
    verifying = [c for c in commands if " -verify " in c]
    assert len(verifying) == 4  # by digest and by request, for both tokens
    for command in commands:
        done = subprocess.run(shlex.split(command), cwd=folder, capture_output=True, check=False)
        assert done.returncode == 0, (command, done.stderr)
        if command in verifying:
            assert b"Verification: OK" in done.stdout


def test_ot_verify_checks_the_tokens_of_a_pack(stamped: Ot, tmp_path: Path) -> None:
    pack = _pack(stamped)
    assert stamped("verify", str(pack)).code == 0
    alone = Ot(tmp_path / "elsewhere" / "none.sqlite")  # no ledger: the pack on its own
    result = alone("verify", str(pack), "--json")
    assert result.code == 0 and result.json()["ledger_checked"] is False


def _forge(pack: Path, name: str, data: bytes) -> Path:
    """Replace one file and write a manifest and SHA256SUMS that agree with the change."""
    files = _members(pack)
    manifest = json.loads(files.pop("manifest.json"))
    files.pop("SHA256SUMS")
    files[name] = data
    manifest.pop("files")
    out = pack.with_name("forged.zip")
    write_pack(out, sorted(files.items()), manifest, datetime(2025, 10, 8, tzinfo=UTC))
    return out


def test_a_swapped_token_in_a_consistent_pack_is_caught(
    stamped: Ot, tsa: Authority, tmp_path: Path
) -> None:
    pack = _pack(stamped)
    other = tsa.stamp_digest("cd" * 32, tmp_path / "other.tsr").read_bytes()
    forged = _forge(pack, "timestamps/token-5.tsr", other)
    alone = Ot(tmp_path / "elsewhere" / "none.sqlite")
    result = alone("verify", str(forged))
    assert result.code == 1
    assert "timestamps/token-5.tsr is not the token the entry recorded" in result.out


def test_a_swapped_root_in_a_consistent_pack_is_caught(
    stamped: Ot, other_tsa: Authority, tmp_path: Path
) -> None:
    forged = _forge(_pack(stamped), "timestamps/ca-5.pem", other_tsa.ca.read_bytes())
    result = Ot(tmp_path / "elsewhere" / "none.sqlite")("verify", str(forged))
    assert result.code == 1 and "no longer chains to its root certificates" in result.out


def test_a_pack_without_tokens_says_so(ledger: Ot) -> None:
    readme = _members(_pack(ledger))["README.txt"].decode()
    assert "This pack has no trusted timestamp" in readme


def test_a_stamped_head_outside_the_period_is_still_in_the_pack(stamped: Ot) -> None:
    out = stamped.db.parent / "later.zip"
    result = stamped("export", "evidence", "--from", "2025-10-07", "-o", str(out))
    assert result.code == 0, result.err
    files = _members(out)
    listed = {json.loads(line)["seq"] for line in files["ledger/entries.jsonl"].splitlines()}
    assert 3 in listed  # the record of 2025-10-06 is not in the period, but token 5 stamps it
    assert stamped("verify", str(out)).code == 0
