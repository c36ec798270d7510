"""Trusted timestamps (RFC 3161) on anchors, offline: the request, the reply, the checks (RULES E5).

An `anchor` entry made with `ot anchor --tsq` names its request (kept in the evidence store);
`ot anchor attach` checks a reply and records it as an `anchor.token` entry, the token and the
given certificates kept in the evidence store. Tokens have no projection: `ot verify`, `ot anchor
list` and the evidence pack read these entries from the ledger itself (docs/ledger-format.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_tracker.domain import facts
from offline_tracker.domain.errors import Failure, InputError, Message, os_reason
from offline_tracker.i18n import t
from offline_tracker.ledger.canonical import decode_body
from offline_tracker.storage import queries
from offline_tracker.storage.db import Tx
from offline_tracker.storage.evidence import EvidenceStore

if TYPE_CHECKING:
    from offline_tracker.app.core import App
    from offline_tracker.formats.timestamp import Checked, Token


@dataclass(frozen=True)
class Fact:
    """An `anchor` or `anchor.token` entry as the ledger holds it."""

    seq: int
    recorded_at: str
    data: dict[str, Any]


def facts_of(tx: Tx, kind: str) -> list[Fact]:
    return _facts(queries.entries_of_kind(tx, kind))


def _facts(rows: Sequence[tuple[int, str]]) -> list[Fact]:
    found = []
    for seq, body in rows:
        fields = decode_body(body)
        found.append(Fact(seq, str(fields["at"]), fields["data"]))
    return found


# -- ot anchor --tsq ---------------------------------------------------------------------------
def make_request(store: EvidenceStore, head_hash: str, name: str) -> tuple[dict[str, Any], bytes]:
    """A TimeStampReq for the head hash itself (32 bytes, SHA-256); kept in the evidence store.

    Returns the `request` field of the anchor entry and the request's bytes.
    """
    from offline_tracker.formats import timestamp

    nonce = timestamp.new_nonce()
    der = timestamp.request(bytes.fromhex(head_hash), nonce)
    kept = store.put_bytes(name, der)
    return {"sha256": kept["sha256"], "size": kept["size"], "nonce": str(nonce)}, der


# -- ot anchor attach --------------------------------------------------------------------------
@dataclass(frozen=True)
class Attached:
    entry_seq: int
    data: dict[str, Any]  # the anchor.token payload
    late: tuple[Message, ...]  # entries recorded after the token's time (a contradiction)


def attach(app: App, reply: Path, ca_files: Sequence[Path]) -> Attached:
    """Check a reply offline and record it against the anchor whose head it stamps."""
    raw = _read(reply, "error.tsr_unreadable")
    cas = [(path, _read(path, "error.ca_unreadable")) for path in ca_files]
    checked = _check_reply(raw, [cert for path, data in cas for cert in _certs(path, data)])
    token, imprint = checked.token, checked.token.imprint.hex()
    if token.imprint_algorithm != "sha256" or len(imprint) != 64:
        raise Failure(t("tsp.imprint_algorithm", algorithm=token.imprint_algorithm))
    with app.db.write() as tx:
        anchor = _anchor_of(tx, imprint)
        nonce_checked = _nonce_checked(anchor, token)
        _refuse_twice(tx, hashlib.sha256(raw).hexdigest(), bool(cas))
        kept = app.evidence.put_bytes(reply.name, raw)
        roots = [app.evidence.put_bytes(path.name, data) for path, data in cas]
        payload = _payload(anchor, checked, kept, roots, nonce_checked)
        added = app.append(tx, facts.ANCHOR_TOKEN, payload)
        late = late_entries(tx, added.seq, int(anchor.data["head_seq"]), token)
    return Attached(added.seq, payload, tuple(late))


def _payload(
    anchor: Fact,
    checked: Checked,
    kept: dict[str, Any],
    roots: list[dict[str, Any]],
    nonce_checked: bool,
) -> dict[str, Any]:
    """The `anchor.token` entry (docs/ledger-format.md): what the token says, and its files."""
    token = checked.token
    return {
        "anchor": anchor.seq,
        "head_seq": int(anchor.data["head_seq"]),
        "head_hash": token.imprint.hex(),
        "token": kept,
        "ca": roots,
        "trusted": checked.trusted,
        "authority": checked.signer.subject.rfc4514_string(),
        "serial": str(token.serial),
        "gen_time": token.gen_time.isoformat().replace("+00:00", "Z"),
        "policy": token.policy,
        "nonce": None if token.nonce is None else str(token.nonce),
        "nonce_checked": nonce_checked,
    }


def _read(path: Path, key: str) -> bytes:
    try:
        return path.expanduser().read_bytes()
    except OSError as exc:
        raise InputError(key, path=str(path), reason=os_reason(exc)) from exc


def _certs(path: Path, data: bytes) -> list[Any]:
    from offline_tracker.formats import timestamp

    try:
        return timestamp.load_certificates(data)
    except ValueError as exc:
        raise InputError("error.ca_unreadable", path=str(path), reason=str(exc)) from exc


def _check_reply(raw: bytes, roots: Sequence[Any]) -> Checked:
    from offline_tracker.formats import timestamp

    try:
        return timestamp.check(raw, roots)
    except timestamp.TokenError as exc:
        if exc.code == "unreadable":
            raise InputError("error.tsr_not_reply", reason=exc.detail) from exc
        raise Failure(t(f"tsp.{exc.code}", detail=exc.detail)) from exc


def _anchor_of(tx: Tx, imprint: str) -> Fact:
    """The anchor entry whose head the token stamps; refused when this ledger never had it."""
    for anchor in facts_of(tx, facts.ANCHOR):
        if anchor.data.get("head_hash") == imprint:
            head_seq = int(anchor.data["head_seq"])
            if queries.entry_hash_of(tx, head_seq) != imprint:
                raise Failure(t("tsp.head_gone", seq=anchor.seq, head_seq=head_seq))
            return anchor
    raise Failure(t("tsp.unknown_head", imprint=imprint))


def _nonce_checked(anchor: Fact, token: Token) -> bool:
    """True when the request is known (made by `ot anchor --tsq`) and the nonce matches it."""
    request = anchor.data.get("request")
    if not isinstance(request, dict):
        return False
    if token.nonce is None or str(token.nonce) != request.get("nonce"):
        raise Failure(t("tsp.nonce", seq=anchor.seq))
    return True


def _refuse_twice(tx: Tx, sha: str, with_ca: bool) -> None:
    """A token is recorded once, and again only to add the root it was not checked against."""
    for token in facts_of(tx, facts.ANCHOR_TOKEN):
        if token.data["token"]["sha256"] == sha and (token.data["trusted"] or not with_ca):
            raise Failure(t("tsp.already", seq=token.seq))


def late_entries(tx: Tx, token_seq: int, head_seq: int, token: Token) -> list[Message]:
    """Entries up to the stamped head recorded after genTime plus its accuracy: a contradiction.

    A recorded time is truncated to the second, so only one past that second is certainly later.
    """
    bound = facts.iso_utc(token.latest())
    where = f"FROM ledger WHERE seq <= :head AND {queries.RECORDED_AT} > :bound"
    params = {"head": head_seq, "bound": bound}
    count = int(tx.scalar(f"SELECT count(*) {where}", params) or 0)
    if not count:
        return []
    at_sql = f"SELECT seq, {queries.RECORDED_AT} {where} ORDER BY seq LIMIT 1"
    [(first, at)] = tx.all(at_sql, params)
    return [
        Message(
            "verify.token_late",
            {"seq": token_seq, "count": count, "head_seq": head_seq, "first": first, "at": at},
        )
    ]


# -- ot verify, ot anchor list -----------------------------------------------------------------
def token_problems(tx: Tx, store: EvidenceStore, seqs: Sequence[int]) -> list[Message]:
    """The token entries `seqs` (found by the chain walk) checked offline against their stored
    files and the ledger as it is now; each ledger read is one pass, whatever the tokens."""
    tokens = _facts(queries.entry_bodies(tx, seqs))
    return [p for _, found in _checked_tokens(tx, store, tokens) for p in found]


def _checked_tokens(
    tx: Tx, store: EvidenceStore, tokens: list[Fact]
) -> list[tuple[Fact, tuple[Message, ...]]]:
    good = [token for token in tokens if _well_formed(token.data)]
    anchors = {a.seq: a for a in _facts(queries.entry_bodies(tx, [t.data["anchor"] for t in good]))}
    latest = queries.latest_recorded(tx, [token.data["head_seq"] for token in good])
    return [
        (tok, tuple(check_token(tx, store, tok, anchors, latest)))
        if tok in good
        else (tok, (Message("verify.token_entry", {"seq": tok.seq}),))
        for tok in tokens
    ]


def _well_formed(data: Any) -> bool:
    """The fields the checks read have their types (docs/ledger-format.md): a forged entry is a
    problem to report, never a crash."""
    try:
        refs = [data["token"], *data["ca"]]
        return (
            isinstance(data["anchor"], int)
            and isinstance(data["head_seq"], int)
            and isinstance(data["head_hash"], str)
            and all(isinstance(r["sha256"], str) and isinstance(r["name"], str) for r in refs)
        )
    except (KeyError, TypeError):
        return False


def check_token(
    tx: Tx,
    store: EvidenceStore,
    token: Fact,
    anchors: dict[int, Fact],
    latest: dict[int, str],
) -> list[Message]:
    """One token: its files, its signature and root, its head, its nonce, later entries."""
    data, seq = token.data, token.seq
    files = [data["token"], *data.get("ca", ())]
    for ref in files:
        problem = store.problem(str(ref["sha256"]))
        if problem is not None:
            return [Message(f"verify.token_file_{problem}", {"seq": seq, "sha": ref["sha256"]})]
    roots = [c for ref in files[1:] for c in _certs(Path(ref["name"]), store.read(ref["sha256"]))]
    checked = _recheck(store.read(data["token"]["sha256"]), roots, seq)
    if isinstance(checked, Message):
        return [checked]
    head_seq = int(data["head_seq"])
    imprint = checked.token.imprint.hex()
    if imprint != queries.entry_hash_of(tx, head_seq) or imprint != data["head_hash"]:
        return [Message("verify.token_rewritten", {"seq": seq, "head_seq": head_seq})]
    problems = []
    anchor = anchors.get(int(data["anchor"]))
    request = anchor.data.get("request") if anchor is not None else None
    if isinstance(request, dict) and str(checked.token.nonce) != request.get("nonce"):
        problems.append(Message("verify.token_nonce", {"seq": seq, "anchor": data["anchor"]}))
    if latest.get(head_seq, "") > facts.iso_utc(checked.token.latest()):
        problems += late_entries(tx, seq, head_seq, checked.token)  # what, and from which entry
    return problems


def _recheck(raw: bytes, roots: Sequence[Any], seq: int) -> Checked | Message:
    from offline_tracker.formats import timestamp

    try:
        return timestamp.check(raw, roots)
    except timestamp.TokenError as exc:
        return Message(f"verify.token_{exc.code}", {"seq": seq, "detail": exc.detail})


@dataclass(frozen=True)
class Listed:
    anchor: Fact
    tokens: tuple[tuple[Fact, tuple[Message, ...]], ...]  # each with the problems found now

    @property
    def digest(self) -> str:
        """The short digest a third party holds (`OT1-<seq>-<hash prefix>`)."""
        from offline_tracker.app.evidence import anchor_digest

        return anchor_digest(self.anchor.data["head_seq"], self.anchor.data["head_hash"])


def list_anchors(app: App) -> list[Listed]:
    with app.db.read() as tx:
        anchors = facts_of(tx, facts.ANCHOR)
        checked = _checked_tokens(tx, app.evidence, facts_of(tx, facts.ANCHOR_TOKEN))
    return [
        Listed(a, tuple(pair for pair in checked if pair[0].data.get("anchor") == a.seq))
        for a in anchors
    ]


# -- the evidence pack -------------------------------------------------------------------------
TS_DIR = "timestamps/"


@dataclass(frozen=True)
class PackStamps:
    files: list[tuple[str, bytes]]
    missing: list[tuple[str, str]]  # (sha256, missing | altered), as for attachments
    head_seqs: list[int]  # the stamped heads: their entries go into the pack too
    readme: str


def pack_stamps(tx: Tx, store: EvidenceStore) -> PackStamps:
    """The requests, tokens and root certificates of the ledger, and the README's commands."""
    anchors = {a.seq: a for a in facts_of(tx, facts.ANCHOR)}
    tokens = [tok for tok in facts_of(tx, facts.ANCHOR_TOKEN) if _well_formed(tok.data)]
    kept = _Kept(store)
    for anchor in anchors.values():
        if isinstance(anchor.data.get("request"), dict):
            kept.add(f"{TS_DIR}request-{anchor.seq}.tsq", [anchor.data["request"]])
    lines = [_readme_token(token, anchors, kept) for token in tokens]
    readme = "".join(lines) if lines else t("readme.ts.none") + "\n"
    heads = sorted({int(tok.data["head_seq"]) for tok in tokens})
    return PackStamps(kept.files, kept.missing, heads, readme)


class _Kept:
    """Files of the evidence store for the pack; a missing or altered one is listed instead."""

    def __init__(self, store: EvidenceStore) -> None:
        self.store = store
        self.files: list[tuple[str, bytes]] = []
        self.missing: list[tuple[str, str]] = []

    def add(self, name: str, refs: Sequence[dict[str, Any]], as_pem: bool = False) -> bool:
        parts = []
        for ref in refs:
            sha = str(ref["sha256"])
            problem = self.store.problem(sha)
            if problem is not None:
                self.missing.append((sha, "missing" if problem == "missing" else "altered"))
                return False
            parts.append(self.store.read(sha))
        if as_pem:  # what openssl -CAfile reads, whatever form the roots were given in
            from offline_tracker.formats import timestamp

            parts = [timestamp.pem(timestamp.load_certificates(part)) for part in parts]
        self.files.append((name, b"".join(parts)))
        return True


def _readme_token(token: Fact, anchors: dict[int, Fact], kept: _Kept) -> str:
    data, seq = token.data, token.seq
    name, ca = f"{TS_DIR}token-{seq}.tsr", f"{TS_DIR}ca-{seq}.pem"
    kept.add(name, [data["token"]])
    have_ca = bool(data.get("ca")) and kept.add(ca, data["ca"], as_pem=True)
    ca = ca if have_ca else "ROOT.pem"
    anchor = anchors.get(int(data["anchor"]))
    text = [
        t("readme.ts.token", **{**data, "seq": seq, "name": name}),
        f"      openssl ts -verify -digest {data['head_hash']} -in {name} -CAfile {ca}",
    ]
    if anchor is not None and isinstance(anchor.data.get("request"), dict):
        request = f"{TS_DIR}request-{anchor.seq}.tsq"
        text.append(f"      openssl ts -verify -queryfile {request} -in {name} -CAfile {ca}")
    text.append(f"      openssl ts -reply -in {name} -text")
    if not have_ca:
        text.append(t("readme.ts.no_ca"))
    return "\n".join(text) + "\n\n"


def pack_problems(members: dict[str, bytes], entries: Sequence[dict[str, Any]]) -> list[Message]:
    """The pack's tokens against its own entries and certificates, without the ledger."""
    by_seq = {int(e["seq"]): e for e in entries}
    problems: list[Message] = []
    for seq, entry in sorted(by_seq.items()):
        if entry.get("kind") != facts.ANCHOR_TOKEN:
            continue
        try:
            data = decode_body(entry["body"])["data"]
        except (KeyError, TypeError, ValueError):
            data = None  # check_pack names an entry that does not decode
        if not _well_formed(data):
            problems.append(Message("verify.token_entry", {"seq": seq}))
            continue
        problems += _pack_token(seq, data, by_seq, members)
    return problems


def _pack_token(
    seq: int, data: dict[str, Any], entries: dict[int, dict[str, Any]], members: dict[str, bytes]
) -> list[Message]:
    from offline_tracker.formats import timestamp

    raw = members.get(f"{TS_DIR}token-{seq}.tsr")
    if raw is None or hashlib.sha256(raw).hexdigest() != data["token"]["sha256"]:
        key = "pack.token_missing" if raw is None else "pack.token_altered"
        return [Message(key, {"seq": seq})]
    pem = members.get(f"{TS_DIR}ca-{seq}.pem")
    try:
        roots = timestamp.load_certificates(pem) if pem else []
    except ValueError:
        return [Message("pack.token_ca", {"seq": seq})]
    checked = _recheck(raw, roots, seq)
    if isinstance(checked, Message):
        return [checked]
    imprint, head_seq = checked.token.imprint.hex(), int(data["head_seq"])
    head = entries.get(head_seq)
    if imprint != data["head_hash"] or (head is not None and head.get("hash") != imprint):
        return [Message("verify.token_rewritten", {"seq": seq, "head_seq": head_seq})]
    anchor = entries.get(int(data["anchor"]))
    request = decode_body(anchor["body"])["data"].get("request") if anchor else None
    if isinstance(request, dict) and str(checked.token.nonce) != request.get("nonce"):
        return [Message("verify.token_nonce", {"seq": seq, "anchor": data["anchor"]})]
    return []
