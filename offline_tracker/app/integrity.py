"""Integrity of an open ledger: the hash chain, the projections against a replay, the anchors."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from offline_tracker.domain import facts
from offline_tracker.domain.errors import InputError, Message
from offline_tracker.ledger.canonical import plain_bytes
from offline_tracker.ledger.chain import verify_chain
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Database, Tx


@dataclass(frozen=True)
class Verification:
    count: int
    head_hash: str
    problems: tuple[Message, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db: Database, anchors: tuple[str, ...] = ()) -> Verification:
    """Walk the chain, then check the projections against a replay of the ledger.

    One streamed pass: the replay is built from the bodies the chain walk decodes, and used only
    when the chain is intact (an altered entry need not even be JSON).
    """
    with db.read() as tx, collector_paused():
        replay = _Replay()
        report = verify_chain(ledger.entry_rows(tx), replay.visit)
        problems = [
            Message("verify.entry", {"seq": p.seq, "code": p.code}) for p in report.problems
        ]
        if not problems:
            problems += [Message("verify.projection", {"id": i}) for i in replay.drift(tx)]
        problems += anchor_problems(tx, anchors)
    return Verification(report.count, report.head_hash, tuple(problems))


class _Replay:
    """Record payloads replayed from the ledger entries as they stream past the chain check."""

    def __init__(self) -> None:
        self.records: dict[int, dict[str, Any]] = {}
        self.error: Exception | None = None

    def visit(self, seq: int, kind: str, fields: dict[str, Any]) -> None:
        """Called by the chain walk with each intact entry's decoded fields."""
        if kind == facts.RECORD_ADD:
            # The decoded data is this replay's own: kept as it is, without apply_fact's copy.
            self.records[seq] = fields["data"]
        elif self.error is None and kind in facts.RECORD_KINDS:
            try:
                facts.replay_one(self.records, seq, kind, fields["data"])
            except Exception as exc:  # facts that do not replay: reported after the walk
                self.error = exc

    def drift(self, tx: Tx) -> list[int]:
        """Ids of the records whose stored projection differs from the replay, in order."""
        if self.error is not None:
            raise self.error  # an intact chain whose facts do not replay: a program bug
        replayed, drifted = self.records, []
        for record_id, stored in queries.record_payloads(tx):
            payload = replayed.pop(record_id, None)
            # Projections are written in the canonical form: equal bytes, equal payloads
            # (the common case, without parsing); otherwise compare the parsed values.
            if payload is None or (
                plain_bytes(payload) != stored and payload != json.loads(stored)
            ):
                drifted.append(record_id)
        return sorted([*drifted, *replayed])


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a pass that keeps one dict per record.

    None of them form cycles, but each collection would scan them all again: at 100k records
    that tripled the time of `ot verify`.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# docs/ledger-format.md, "Anchoring": OT1-<seq>-<the first 16 hex digits of that entry's hash>.
_DIGEST = re.compile(r"^OT1-([1-9][0-9]*)-([0-9a-f]{16})$", re.IGNORECASE)


def parse_digest(text: str) -> tuple[int, str]:
    match = _DIGEST.match(text.strip())
    if match is None:
        raise InputError("error.anchor_digest", text=text)
    return int(match.group(1)), match.group(2).lower()


def anchor_problems(tx: Tx, digests: Sequence[str]) -> list[Message]:
    """Anchored heads no longer in the chain (a truncated or rewritten ledger), then `digests`."""
    wanted = [(text, *parse_digest(text)) for text in digests]
    problems = []
    for seq, body in queries.entries_of_kind(tx, facts.ANCHOR):
        try:
            data = json.loads(body)["data"]
            head_seq, head_hash = int(data["head_seq"]), str(data["head_hash"])
        except (KeyError, TypeError, ValueError):
            continue  # an altered anchor entry: the chain walk names it
        if queries.entry_hash_of(tx, head_seq) != head_hash:
            problems.append(Message("verify.anchor_broken", {"seq": seq, "head_seq": head_seq}))
    for text, seq, prefix in wanted:
        actual = queries.entry_hash_of(tx, seq)
        if actual is None or not actual.startswith(prefix):
            key = "verify.digest_missing" if actual is None else "verify.digest_mismatch"
            problems.append(Message(key, {"digest": text, "seq": seq}))
    return problems
