"""The hash chain: hash_n = SHA-256(prev_hash_n as ASCII hex || body_n), checked entry by entry."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from offline_tracker.ledger.canonical import decode_body

GENESIS = "0" * 64


def entry_hash(prev_hash: str, body: bytes) -> str:
    """The hash of an entry whose body is `body`, following the entry whose hash is `prev_hash`."""
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    """One row of the ledger table as it was read back."""

    seq: int
    entry_id: str
    kind: str
    body: bytes
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainProblem:
    """An entry that fails verification, and why."""

    seq: int
    code: str
    detail: str


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_hash: str
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


Visit = Callable[[StoredEntry, dict[str, Any]], None]


def verify_chain(entries: Iterable[StoredEntry], visit: Visit | None = None) -> ChainReport:
    """Walk the entries in stored order and name every one that fails (one pass, no early stop).

    `visit` receives each entry that passes with its decoded fields, so that a caller can use
    them (the projection replay of `ot verify`) without parsing every body a second time.
    """
    problems: list[ChainProblem] = []
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        found = _check_entry(entry, prev, expected_seq, visit)
        if found:
            problems.extend(found)
        prev, expected_seq = entry.hash, entry.seq + 1
    return ChainReport(count=count, head_hash=prev, problems=tuple(problems))


def _check_entry(
    entry: StoredEntry, prev: str, expected_seq: int, visit: Visit | None = None
) -> list[ChainProblem]:
    found: list[ChainProblem] = []
    if entry.seq != expected_seq:
        code = "missing" if entry.seq > expected_seq else "reordered"
        found.append(ChainProblem(entry.seq, code, f"expected entry {expected_seq} here"))
    if entry.prev_hash != prev:
        found.append(
            ChainProblem(entry.seq, "broken_link", "prev_hash does not match the entry before")
        )
    if entry_hash(entry.prev_hash, entry.body) != entry.hash:
        found.append(ChainProblem(entry.seq, "hash_mismatch", "content does not match its hash"))
    try:
        fields = decode_body(entry.body)
    except ValueError:
        found.append(ChainProblem(entry.seq, "not_canonical", "body is not canonical JSON"))
        return found
    if (fields.get("seq"), fields.get("id"), fields.get("kind")) != (
        entry.seq,
        entry.entry_id,
        entry.kind,
    ):
        found.append(ChainProblem(entry.seq, "column_mismatch", "columns disagree with the body"))
    if visit is not None and not found:
        visit(entry, fields)
    return found
