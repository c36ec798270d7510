"""The hash chain: hash_n = SHA-256(prev_hash_n as ASCII hex || body_n), checked entry by entry."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from offline_tracker.domain.facts import RECORD_AMEND, RECORD_STOP, RECORD_VOID
from offline_tracker.domain.problems import Problem
from offline_tracker.domain.values import value
from offline_tracker.ledger.canonical import decode_body

GENESIS = "0" * 64
# Kinds whose `ref` column holds the record the entry is about (its data's "record").
REF_KINDS = frozenset((RECORD_STOP, RECORD_AMEND, RECORD_VOID))


def entry_hash(prev_hash: str, body: bytes) -> str:
    """The hash of an entry whose body is `body`, following the entry whose hash is `prev_hash`.

    A valid prev_hash is ASCII hex; a damaged one must still hash (to a mismatch), not raise.
    """
    return hashlib.sha256(prev_hash.encode("utf-8", "replace") + body).hexdigest()


class StoredEntry(NamedTuple):
    """One row of the ledger table as it was read back (a tuple: `ot verify` streams 100k/s)."""

    seq: int
    entry_id: str
    kind: str
    body: bytes
    prev_hash: str
    hash: str
    recorded_at: str
    ref: int | None


@value
class ChainReport:
    count: int
    head_hash: str
    problems: tuple[Problem, ...]  # `where` is the entry's seq, `code` what fails

    @property
    def ok(self) -> bool:
        return not self.problems


# A StoredEntry as a plain tuple: (seq, entry_id, kind, body, prev_hash, hash, recorded_at, ref).
EntryRow = tuple[int, str, str, bytes, str, str, str, int | None]
# Called with (seq, kind, decoded fields, body bytes) of each entry that passes.
Visit = Callable[[int, str, dict[str, Any], bytes], None]


def verify_chain(
    entries: Iterable[EntryRow],
    visit: Visit | None = None,
    start: tuple[str, int] = (GENESIS, 1),
) -> ChainReport:
    """Walk the entries in stored order and name every one that fails (one pass, no early stop).

    `entries` are StoredEntry values or plain tuples in the same order. `visit` receives each
    entry that passes with its decoded fields, so that a caller can use them (the projection
    replay of `ot verify`) without parsing every body a second time. `start` is the hash and
    sequence number the first entry must follow (a later part of the chain: the stored hash of
    the entry before it, and its seq + 1).
    """
    problems: list[Problem] = []
    (prev, expected_seq), count = start, 0
    sha256 = hashlib.sha256
    for seq, entry_id, kind, body, prev_hash, digest, recorded_at, ref in entries:
        count += 1
        # The common case in one test; the problems are worked out only when it fails.
        linked = (
            seq == expected_seq
            and prev_hash == prev
            and sha256(prev_hash.encode("utf-8", "replace") + body).hexdigest() == digest
        )
        found = [] if linked else _link_problems(seq, body, prev_hash, digest, prev, expected_seq)
        try:
            fields = decode_body(body)
        except ValueError:
            found.append(Problem("not_canonical", seq))  # the body is not canonical JSON
        else:
            # Every column is the body's or derived from it: `ot show` and packs read them.
            if (
                fields.get("seq") != seq
                or fields.get("id") != entry_id
                or fields.get("kind") != kind
                or fields.get("at") != recorded_at
                or ((ref is not None or kind in REF_KINDS) and ref != expected_ref(kind, fields))
            ):
                found.append(Problem("column_mismatch", seq))  # columns disagree with the body
            elif visit is not None and not found:
                visit(seq, kind, fields, body)
        if found:
            problems.extend(found)
        prev, expected_seq = digest, seq + 1
    return ChainReport(count=count, head_hash=prev, problems=tuple(problems))


def expected_ref(kind: str, fields: dict[str, Any]) -> Any:
    """What the `ref` column of an entry with these fields must hold (None: nothing)."""
    data = fields.get("data")
    if kind not in REF_KINDS or not isinstance(data, dict):
        return None
    record = data.get("record")
    return record if type(record) is int else None


def _link_problems(
    seq: int, body: bytes, prev_hash: str, digest: str, prev: str, expected_seq: int
) -> list[Problem]:
    found: list[Problem] = []
    if seq != expected_seq:
        code = "missing" if seq > expected_seq else "reordered"
        found.append(Problem(code, seq, {"expected": expected_seq}))
    if prev_hash != prev:
        found.append(Problem("broken_link", seq))  # prev_hash is not the hash before
    if entry_hash(prev_hash, body) != digest:
        found.append(Problem("hash_mismatch", seq))  # the content is not what was hashed
    return found
