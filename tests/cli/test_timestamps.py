"""Trusted timestamps (RFC 3161) on anchors, end to end against a local authority (RULES E5)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from offline_tracker.ledger.canonical import Stamp, canonical_text, decode_body, entry_body
from offline_tracker.ledger.chain import GENESIS, entry_hash
from tests.conftest import Ot
from tests.tsa import Authority, openssl


@pytest.fixture
def logged(ledger: Ot) -> Ot:
    for at in ("2025-10-06 21:00", "2025-10-07 23:00"):
        assert ledger("log", f"task at {at}", "--at", at, "--minutes", "20").code == 0
    return ledger


def _request(ot: Ot, lang: str = "en") -> tuple[Path, str]:
    """`ot anchor --tsq`: the request file and the anchored head hash."""
    path = ot.db.parent / f"request-{len(list(ot.db.parent.glob('request*.tsq')))}.tsq"
    result = ot("anchor", "--tsq", str(path), lang=lang)
    assert result.code == 0, result.err
    head = _entries(ot)[-1]["data"]["head_hash"]
    return path, head


def _entries(ot: Ot) -> list[dict[str, Any]]:
    with sqlite3.connect(ot.db) as conn:
        rows = conn.execute("SELECT body FROM ledger ORDER BY seq").fetchall()
    return [decode_body(body) for (body,) in rows]


def _attached(ot: Ot, tsa: Authority, *ca: Path) -> tuple[Path, str]:
    request, head = _request(ot)
    reply = tsa.reply(request, ot.db.parent / "reply.tsr")
    result = ot("anchor", "attach", str(reply), *[a for c in ca for a in ("--ca", str(c))])
    assert result.code == 0, result.err
    return reply, head


def _problems(ot: Ot) -> list[str]:
    result = ot("verify", "--json")
    return list(result.json()["problems"])


def test_the_request_stamps_the_head_hash_itself(logged: Ot) -> None:
    request, head = _request(logged)
    text = openssl("ts", "-query", "-in", request, "-text").decode()
    assert "Hash Algorithm: sha256" in text and "Certificate required: yes" in text
    stamped = "".join(
        line.split(" - ", 1)[1][:47].replace(" ", "").replace("-", "")
        for line in text.splitlines()
        if line.strip().startswith(("0000 -", "0010 -"))
    )
    assert stamped == head
    anchor = _entries(logged)[-1]
    assert anchor["kind"] == "anchor" and anchor["data"]["head_seq"] == 4
    nonce = int(anchor["data"]["request"]["nonce"])
    assert f"Nonce: 0x{nonce:016X}" in text
    assert anchor["data"]["request"]["sha256"] == hashlib.sha256(request.read_bytes()).hexdigest()


def test_the_request_output_says_how_to_send_it_in_both_languages(logged: Ot) -> None:
    path = logged.db.parent / "q.tsq"
    out = logged("anchor", "--tsq", str(path)).out
    assert f"--data-binary @{path} URL -o reply.tsr" in out
    assert "application/timestamp-query" in out and "ot anchor attach reply.tsr" in out
    out = logged("anchor", "--tsq", str(path), "--force", lang="zh").out
    assert "时间戳请求" in out and "ot anchor attach reply.tsr" in out


@pytest.mark.usefixtures("walks")
def test_a_good_token_is_recorded_and_verifies(logged: Ot, tsa: Authority) -> None:
    reply, head = _attached(logged, tsa, tsa.ca)
    token = _entries(logged)[-1]
    assert token["kind"] == "anchor.token"
    data = token["data"]
    assert data["head_seq"] == 4 and data["head_hash"] == head and data["anchor"] == 5
    assert data["authority"] == "CN=Good TSA,O=Good" and data["trusted"] is True
    assert data["nonce_checked"] is True and data["gen_time"].endswith("Z")
    assert data["token"]["sha256"] == hashlib.sha256(reply.read_bytes()).hexdigest()
    stored = logged.db.parent / "evidence" / data["token"]["sha256"][:2] / data["token"]["sha256"]
    assert stored.read_bytes() == reply.read_bytes()
    assert logged("verify").code == 0
    assert logged("db", "rebuild").code == 0 and logged("verify").code == 0
    listed = logged("anchor", "list", "--json").json()["anchors"]
    assert [t["ok"] for t in listed[0]["tokens"]] == [True]
    assert listed[0]["tokens"][0]["proves"].startswith("It proves that the ledger up to entry 4")
    assert "root checked" in logged("anchor", "list").out


def test_without_ca_the_authority_is_said_to_be_unchecked(logged: Ot, tsa: Authority) -> None:
    request, _ = _request(logged)
    reply = tsa.reply(request, logged.db.parent / "reply.tsr")
    result = logged("anchor", "attach", str(reply))
    assert result.code == 0 and "not checked against a trust root" in result.out
    assert _entries(logged)[-1]["data"]["trusted"] is False
    assert logged("anchor", "attach", str(reply)).code == 1  # the same token twice
    again = logged("anchor", "attach", str(reply), "--ca", str(tsa.ca))  # adding the root
    assert again.code == 0 and "chains to the certificate given" in again.out
    assert logged("anchor", "attach", str(reply), "--ca", str(tsa.ca)).code == 1


def test_a_token_for_another_digest_is_refused(logged: Ot, tsa: Authority) -> None:
    _request(logged)
    count = len(_entries(logged))
    reply = tsa.stamp_digest("ab" * 32, logged.db.parent / "other.tsr")
    result = logged("anchor", "attach", str(reply), "--ca", str(tsa.ca))
    assert result.code == 1 and "this ledger never had that head" in result.err
    # An entry hash that is not an anchored head is no better.
    any_entry = _entries(logged)[1]
    with sqlite3.connect(logged.db) as conn:
        (digest,) = conn.execute("SELECT hash FROM ledger WHERE seq = 2").fetchone()
    assert any_entry["seq"] == 2
    reply = tsa.stamp_digest(digest, logged.db.parent / "entry.tsr")
    assert logged("anchor", "attach", str(reply)).code == 1
    assert len(_entries(logged)) == count


def test_a_token_with_another_nonce_is_refused(logged: Ot, tsa: Authority) -> None:
    _, head = _request(logged)
    reply = tsa.stamp_digest(head, logged.db.parent / "nonce.tsr")  # openssl's own request
    result = logged("anchor", "attach", str(reply), "--ca", str(tsa.ca))
    assert result.code == 1 and "answers another request" in result.err


def test_a_token_for_a_head_anchored_without_request_skips_the_nonce(
    logged: Ot, tsa: Authority
) -> None:
    assert logged("anchor").code == 0
    head = _entries(logged)[-1]["data"]["head_hash"]
    reply = tsa.stamp_digest(head, logged.db.parent / "plain.tsr")
    result = logged("anchor", "attach", str(reply), "--ca", str(tsa.ca))
    assert result.code == 0 and "its nonce was not checked" in result.out
    assert logged("verify").code == 0


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def test_a_tampered_token_is_refused(logged: Ot, tsa: Authority) -> None:
    request, head = _request(logged)
    reply = tsa.reply(request, logged.db.parent / "reply.tsr")
    raw = reply.read_bytes()
    imprint = raw.index(bytes.fromhex(head))
    for at in (imprint, imprint + 40, len(raw) - 5):  # the imprint, genTime's area, the signature
        bad = logged.db.parent / f"bad-{at}.tsr"
        bad.write_bytes(_flip(raw, at))
        result = logged("anchor", "attach", str(bad), "--ca", str(tsa.ca))
        assert result.code == 1 and "the token's signature does not check" in result.err
    junk = logged.db.parent / "junk.tsr"
    junk.write_bytes(b"not a reply")
    result = logged("anchor", "attach", str(junk))
    assert result.code == 2 and "not an RFC 3161 time-stamp reply" in result.err
    assert _entries(logged)[-1]["kind"] == "anchor"


@pytest.mark.usefixtures("walks")
def test_a_stored_token_altered_later_is_found(logged: Ot, tsa: Authority) -> None:
    _attached(logged, tsa, tsa.ca)
    sha = _entries(logged)[-1]["data"]["token"]["sha256"]
    stored = logged.db.parent / "evidence" / sha[:2] / sha
    stored.write_bytes(_flip(stored.read_bytes(), 60))
    assert any("was altered" in p for p in _problems(logged))
    stored.unlink()
    assert any("is missing from the evidence store" in p for p in _problems(logged))


def test_an_authority_not_under_ca_is_refused(
    logged: Ot, tsa: Authority, other_tsa: Authority
) -> None:
    request, _ = _request(logged)
    # The other authority's replies carry its own root: embedded certificates are never trusted.
    reply = other_tsa.reply(request, logged.db.parent / "other.tsr")
    result = logged("anchor", "attach", str(reply), "--ca", str(tsa.ca))
    assert result.code == 1 and "does not chain to any certificate given with --ca" in result.err
    assert logged("anchor", "attach", str(reply), "--ca", str(other_tsa.ca)).code == 0


def _rewrite(ot: Ot, seq: int, old: str, new: str) -> None:
    """A careful forger: change entry `seq`, re-hash everything after it, and make every anchor
    and token entry name the new hashes, so that the chain and the anchors all verify."""
    conn = sqlite3.connect(ot.db)
    trigger = "SELECT sql FROM sqlite_master WHERE name = 'ledger_no_update'"
    (guard,) = conn.execute(trigger).fetchone()
    conn.execute("DROP TRIGGER ledger_no_update")
    rows = conn.execute("SELECT seq, entry_id, recorded_at, kind, body FROM ledger ORDER BY seq")
    prev, hashes = GENESIS, {}
    for number, entry_id, at, kind, body in rows.fetchall():
        fields = decode_body(body)
        data = fields["data"]
        if number == seq:
            data = json.loads(canonical_text(data).replace(old, new))
        if kind in ("anchor", "anchor.token"):
            data["head_hash"] = hashes[data["head_seq"]]
        raw = entry_body(number, entry_id, Stamp(at, fields.get("clock")), kind, data)
        digest = entry_hash(prev, raw)
        conn.execute(
            "UPDATE ledger SET body = ?, hash = ? WHERE seq = ?", (raw.decode(), digest, number)
        )
        prev, hashes[number] = digest, digest
    conn.execute(guard)  # and puts the append-only trigger back (verify compares the schema)
    conn.commit()
    conn.close()


@pytest.mark.usefixtures("walks")
def test_a_ledger_rewritten_after_the_token_is_found(logged: Ot, tsa: Authority) -> None:
    _attached(logged, tsa, tsa.ca)
    _rewrite(logged, 3, "task at", "chat at")
    assert logged("db", "rebuild").code == 0
    problems = _problems(logged)
    assert problems == [
        "token entry 6: the stamped head, entry 4, no longer has the stamped hash "
        "(the ledger was rewritten after the token)"
    ]
    listed = logged("anchor", "list").out
    assert "It proves nothing now:" in listed


@pytest.mark.usefixtures("walks")
def test_entries_recorded_after_the_token_time_are_a_contradiction(
    tmp_path: Path, tsa: Authority
) -> None:
    future = Ot(tmp_path / "ledger.sqlite", now="2099-01-05T09:30:00+08:00")
    future.init()
    assert future("log", "late", "--at", "2099-01-04 21:00", "--minutes", "20").code == 0
    request, _ = _request(future)
    reply = tsa.reply(request, tmp_path / "reply.tsr")
    result = future("anchor", "attach", str(reply), "--ca", str(tsa.ca))
    assert result.code == 0
    late = "warning: token entry 5: entries up to entry 3 were recorded after the token's time"
    assert f"{late} (count: 3;" in result.err
    problems = _problems(future)
    assert (
        len(problems) == 1
        and "the first is entry 1, recorded at 2099-01-05T01:30:00Z" in problems[0]
    )


def test_bad_usage_gets_one_line_and_exit_2(logged: Ot, tsa: Authority, tmp_path: Path) -> None:
    result = logged("anchor", "--tsq", str(tmp_path / "x.tsq"), "list")
    assert result.code == 2 and "--tsq" in result.err
    missing = logged("anchor", "attach", str(tmp_path / "nothing.tsr"))
    assert missing.code == 2 and "cannot read the reply" in missing.err
    request, _ = _request(logged)
    reply = tsa.reply(request, tmp_path / "reply.tsr")
    bad_ca = tmp_path / "bad.pem"
    bad_ca.write_text("-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n")
    for ca in (bad_ca, tmp_path / "absent.pem"):
        result = logged("anchor", "attach", str(reply), "--ca", str(ca))
        assert result.code == 2 and "cannot read the certificate file" in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "x.tsq").exists()


def test_anchor_list_without_anchors(logged: Ot) -> None:
    assert "No anchors yet" in logged("anchor", "list").out
    assert logged("anchor", "list", "--json").json() == {"anchors": []}


def _imported(ot: Ot, *args: str) -> set[str]:
    """The heavy modules that running `ot ARGS` in a fresh interpreter imports."""
    code = (
        "import sys\n"
        "from offline_tracker.cli.root import run\n"
        f"code = run({list(args)!r})\n"
        "print(sorted(m for m in ('asn1crypto', 'cryptography') if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "OFFLINE_TRACKER_DB": str(ot.db), "OFFLINE_TRACKER_NOW": ot.now}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"')))


def test_only_anchor_and_verify_load_the_timestamp_libraries(logged: Ot, tsa: Authority) -> None:
    assert _imported(logged, "log", "quick", "--at", "2025-10-07 21:30") == set()
    assert _imported(logged, "verify") == set()  # no token yet: nothing to check
    _attached(logged, tsa, tsa.ca)
    assert _imported(logged, "log", "again", "--at", "2025-10-07 21:40") == set()
    assert _imported(logged, "verify") == {"asn1crypto", "cryptography"}


def test_a_request_that_cannot_be_written_leaves_no_anchor(logged: Ot, tmp_path: Path) -> None:
    count = len(_entries(logged))
    result = logged("anchor", "--tsq", str(tmp_path / "no-such-folder" / "request.tsq"))
    assert result.code == 1 and result.err.startswith("error: ") and "Traceback" not in result.err
    assert len(_entries(logged)) == count


def test_a_forged_token_entry_is_a_problem_not_a_crash(logged: Ot, tsa: Authority) -> None:
    _attached(logged, tsa, tsa.ca)
    _rewrite(logged, 6, '"anchor":5', '"anchor":"5"')  # a whole new chain, the entry malformed
    problems = _problems(logged)
    assert problems == [
        "token entry 6: the entry does not hold what a time-stamp token entry holds "
        "(docs/ledger-format.md)"
    ]
    assert logged("anchor", "list").code == 0
    out = logged.db.parent / "pack.zip"
    assert logged("export", "evidence", "-o", str(out), "--force").code == 0
    result = logged("verify", str(out))
    assert result.code == 1 and "token entry 6: the entry does not hold" in result.out


def test_a_backup_with_tokens_verifies_and_restores(logged: Ot, tsa: Authority) -> None:
    _attached(logged, tsa, tsa.ca)
    result = logged("backup")
    assert result.code == 0, result.err  # the tokens' files stay in the live evidence store
    copy = next((logged.db.parent / "backups").glob("*-manual.sqlite"))
    assert logged("restore", str(copy)).code == 0
    assert logged("verify").code == 0 and len(_entries(logged)) == 6
