"""The hash chain: hash_n = SHA-256(hash_{n-1} as ASCII hex || body_n), checked entry by entry.

The link to the entry before is the stored `hash` of the row before (schema 0002 keeps no copy of
it in a `prev_hash` column: docs/ledger-format.md).
"""

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


# A StoredEntry as a plain tuple: (seq, entry_id, kind, body, hash, recorded_at, ref).
EntryRow = tuple[int, str, str, bytes, str, str, int | None]
# Called with (seq, kind, decoded fields) of each entry that passes.
Visit = Callable[[int, str, dict[str, Any]], None]


def verify_chain(
    entries: Iterable[EntryRow],
    visit: Visit | None = None,
    start: tuple[str, int] = (GENESIS, 1),
    made: str | None = None,
) -> ChainReport:
    """Walk the entries in stored order and name every one that fails (one pass, no early stop).

    `entries` are StoredEntry values or plain tuples in the same order. `visit` receives each
    entry that passes with its decoded fields, so that a caller can use them (the projection
    replay of `ot verify`) without parsing every body a second time. `start` is the hash and
    sequence number the first entry must follow (a later part of the chain: the stored hash of
    the entry before it, and its seq + 1); `made`, the hash that entry's own body gives (which
    tells a changed hash there from a changed first entry here).
    """
    problems: list[Problem] = []
    (prev, expected_seq), count = start, 0
    made = prev if made is None else made
    sha256 = hashlib.sha256
    for seq, entry_id, kind, body, digest, recorded_at, ref in entries:
        count += 1
        # Each entry is hashed once; the problems are worked out only when the test fails.
        actual = sha256(prev.encode("utf-8", "replace") + body).hexdigest()
        linked = seq == expected_seq and actual == digest
        found = (
            [] if linked else _link_problems(seq, body, digest, actual, (prev, made), expected_seq)
        )
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
                visit(seq, kind, fields)
        if found:
            problems.extend(found)
        prev, made, expected_seq = digest, actual, seq + 1
    return ChainReport(count=count, head_hash=prev, problems=tuple(problems))


def expected_ref(kind: str, fields: dict[str, Any]) -> Any:
    """What the `ref` column of an entry with these fields must hold (None: nothing)."""
    data = fields.get("data")
    if kind not in REF_KINDS or not isinstance(data, dict):
        return None
    record = data.get("record")
    return record if type(record) is int else None


def _link_problems(
    seq: int, body: bytes, digest: str, actual: str, before: tuple[str, str], expected_seq: int
) -> list[Problem]:
    """What fails about an entry whose hash does not follow: `actual` is what its body gives
    chained to the stored hash of the entry before; `before` is that stored hash and the hash
    that entry's own body gives.

    A hash that follows from what the entry before really hashes to, but not from the hash it
    has stored, is a broken link (that entry's hash was changed, not this entry); so is an entry
    after a gap or out of order, whose predecessor is not the row before it. Otherwise this
    entry's content is not what was hashed.
    """
    found: list[Problem] = []
    if seq != expected_seq:
        code = "missing" if seq > expected_seq else "reordered"
        found.append(Problem(code, seq, {"expected": expected_seq}))
    if actual != digest:
        stored, made = before
        relinked = made != stored and entry_hash(made, body) == digest
        code = "broken_link" if relinked or seq != expected_seq else "hash_mismatch"
        found.append(Problem(code, seq))
    return found
