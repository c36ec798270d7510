"""Integrity of an open ledger: the hash chain, the projections against a replay, the anchors."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from offline_tracker.domain import facts
from offline_tracker.domain.errors import Message
from offline_tracker.ledger.chain import StoredEntry, verify_chain
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
        report = verify_chain(ledger.iter_entries(tx), replay.visit)
        problems = [
            Message("verify.entry", {"seq": p.seq, "code": p.code}) for p in report.problems
        ]
        if not problems:
            problems += [Message("verify.projection", {"id": i}) for i in replay.drift(tx)]
        problems += _anchor_problems(tx, anchors)
    return Verification(report.count, report.head_hash, tuple(problems))


class _Replay:
    """Record payloads replayed from the ledger entries as they stream past the chain check."""

    def __init__(self) -> None:
        self.records: dict[int, dict[str, Any]] = {}
        self.error: Exception | None = None

    def visit(self, entry: StoredEntry, fields: dict[str, Any]) -> None:
        """Called by the chain walk with each intact entry's decoded fields."""
        if self.error is None and entry.kind in facts.RECORD_KINDS:
            try:
                facts.replay_one(self.records, entry.seq, entry.kind, fields["data"])
            except Exception as exc:  # facts that do not replay: reported after the walk
                self.error = exc

    def drift(self, tx: Tx) -> list[int]:
        """Ids of the records whose stored projection differs from the replay, in order."""
        if self.error is not None:
            raise self.error  # an intact chain whose facts do not replay: a program bug
        replayed, drifted = self.records, []
        for record_id, text in queries.record_payloads(tx):
            if replayed.pop(record_id, None) != json.loads(text):
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


def _anchor_problems(tx: Tx, digests: tuple[str, ...]) -> list[Message]:
    """Anchored heads still in the chain, digests kept outside still matching (RULES E5)."""
    from offline_tracker.app.evidence import anchor_problems

    return anchor_problems(tx, digests)
