"""Integrity of an open ledger: the hash chain, the projections against a replay, the anchors
and their trusted timestamps."""

from __future__ import annotations

import gc
import json
import pickle
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_tracker.app import parallel
from offline_tracker.domain import facts
from offline_tracker.domain.errors import InputError, Message
from offline_tracker.ledger.canonical import plain_bytes
from offline_tracker.ledger.chain import ChainReport, verify_chain
from offline_tracker.ledger.clock_check import ClockWatch
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Database, SQLiteDatabase, Tx
from offline_tracker.storage.evidence import EvidenceStore

# (seq of an anchor entry, the head it anchors: seq and hash), RULES E5
Anchored = tuple[int, int, str]


@dataclass(frozen=True)
class Verification:
    count: int
    head_hash: str
    problems: tuple[Message, ...] = field(default_factory=tuple)
    # Findings that do not break the chain but that a reader must be told (RULES E5): recorded
    # times that go back, entries dated by a simulated clock.
    warnings: tuple[Message, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    db: Database, anchors: tuple[str, ...] = (), evidence: EvidenceStore | None = None
) -> Verification:
    """Walk the chain, then check the projections against a replay of the ledger.

    One streamed pass: the replay is built from the bodies the chain walk decodes, and used only
    when the chain is intact (an altered entry need not even be JSON). A long ledger file is
    walked on two processors: see `_in_two_processes`.
    """
    with db.read() as tx, collector_paused():
        walk = _in_two_processes(db, tx) or _in_one_process(tx)
        report = walk.chain
        problems = [
            Message("verify.entry", {"seq": p.seq, "code": p.code}) for p in report.problems
        ]
        if not problems:
            problems += [Message("verify.projection", {"id": i}) for i in walk.drifted()]
        problems += anchor_problems(tx, walk.anchors, anchors)
        if evidence is not None and walk.tokens:  # trusted timestamps (app/timestamps.py)
            from offline_tracker.app.timestamps import token_problems

            problems += token_problems(tx, evidence, walk.tokens)
    return Verification(report.count, report.head_hash, tuple(problems), clock_warnings(walk.clock))


def clock_warnings(watch: ClockWatch) -> tuple[Message, ...]:
    """The recorded-time findings of a walk, as messages with their entry numbers."""
    found = [
        Message(
            "verify.clock_back",
            {
                "seq": b.seq,
                "at": b.at,
                "before": b.before_seq,
                "before_at": b.before_at,
                "minutes": b.minutes,
            },
        )
        for b in watch.back
    ]
    if watch.simulated:
        seqs = watch.simulated_text()
        found.append(Message("verify.simulated", {"count": watch.simulated_count, "seqs": seqs}))
    return tuple(found)


@dataclass(frozen=True)
class _Walk:
    chain: ChainReport
    anchors: list[Anchored]  # the intact anchor entries, as the walk met them
    tokens: list[int]  # the seqs of the intact time-stamp token entries (app/timestamps.py)
    # The ids of drifted projections: only called when the chain is intact (it raises if the
    # ledger's facts do not replay).
    drifted: Callable[[], list[int]]
    clock: ClockWatch


def _in_one_process(tx: Tx) -> _Walk:
    replay = _Replay()
    report = verify_chain(ledger.entry_rows(tx), replay.visit)
    drifted = lambda: sorted(replay.compare(tx))  # noqa: E731 (called only if the chain holds)
    return _Walk(report, replay.anchors, replay.tokens, drifted, replay.clock)


def _in_two_processes(db: Database, tx: Tx) -> _Walk | None:
    """The walk with the second half of the entries checked by a forked child at the same time.

    The halves are cut by position, and the child starts from the hash and sequence number of the
    entry before its first, as the one-process walk would: the same problems are found, in the
    same order. The child replays the records added in its half and sends back the facts about
    older records, which the parent applies after its own half; each checks the projections of
    the records added in its half. Only for SQLite files (the child opens the file itself), on
    the terms of `parallel.fork`; otherwise None.
    """
    if not isinstance(db, SQLiteDatabase) or db.path is None:
        return None
    count = int(tx.scalar("SELECT count(*) FROM ledger"))
    if count < 2:
        return None
    cut = count // 2
    (last, last_hash), (first, _) = ledger.entries_around(tx, cut)
    horizon = int(tx.scalar("SELECT max(seq) FROM ledger"))
    second_half = _Half(cut, count - cut, last_hash, last + 1, first, horizon)
    path = db.path
    child = parallel.fork(lambda: pickle.dumps(second_half.check_file(path)), count)
    if child is None:
        return None
    with child:
        replay = _Replay()
        report = verify_chain(ledger.entry_rows(tx, limit=cut), replay.visit)
        # Compared while the child works; the records the child's facts change, again after.
        early = replay.compare(tx, below=first) if report.ok and replay.error is None else None
        answer = child.result()
    # A child that failed is replaced: the parent checks that half too, in its own transaction.
    second = pickle.loads(answer) if answer is not None else second_half.check(tx)
    if not isinstance(second, _HalfReport):
        raise TypeError("the second half's report did not come back")
    both = ChainReport(
        report.count + second.chain.count,
        second.chain.head_hash,
        report.problems + second.chain.problems,
    )

    def drifted() -> list[int]:
        if second.error is not None:
            raise second.error
        touched = replay.apply(second.foreign)
        found = replay.compare(tx, below=first) if early is None else early - touched
        return sorted(found | replay.compare(tx, only=touched)) + second.drifted

    replay.clock.merge(second.clock)
    tokens = replay.tokens + second.tokens
    return _Walk(both, replay.anchors + second.anchors, tokens, drifted, replay.clock)


@dataclass(frozen=True)
class _HalfReport:
    chain: ChainReport
    anchors: list[Anchored]
    tokens: list[int]
    foreign: list[tuple[int, str, dict[str, Any]]]
    drifted: list[int]
    error: Exception | None
    clock: ClockWatch


@dataclass(frozen=True)
class _Half:
    """Entries [offset, offset + limit) by position; the first has `first_seq`."""

    offset: int
    limit: int
    prev_hash: str
    expected_seq: int
    first_seq: int
    horizon: int  # the last entry the parent sees: later facts are not the child's to check

    def check_file(self, path: Path) -> _HalfReport:
        database = SQLiteDatabase(path)
        try:
            with database.read() as tx:
                return self.check(tx)
        finally:
            database.close()

    def check(self, tx: Tx) -> _HalfReport:
        replay = _Replay(older_than=self.first_seq)
        rows = ledger.entry_rows(tx, offset=self.offset, limit=self.limit)
        chain = verify_chain(rows, replay.visit, start=(self.prev_hash, self.expected_seq))
        drifted, error = [], replay.error
        if chain.ok and error is None:
            drifted = sorted(replay.compare(tx, at_least=self.first_seq, horizon=self.horizon))
        return _HalfReport(
            chain, replay.anchors, replay.tokens, replay.foreign, drifted, error, replay.clock
        )


class _Replay:
    """Record payloads replayed from the ledger entries as they stream past the chain check.

    With `older_than`, facts about records added before that sequence number are kept in
    `foreign` instead (the second half of a two-process walk), for the first half to apply.
    """

    def __init__(self, older_than: int = 0) -> None:
        self.records: dict[int, dict[str, Any]] = {}
        self.foreign: list[tuple[int, str, dict[str, Any]]] = []
        self.anchors: list[Anchored] = []
        self.tokens: list[int] = []
        self.error: Exception | None = None
        self.clock = ClockWatch()
        self._older_than = older_than

    def visit(self, seq: int, kind: str, fields: dict[str, Any]) -> None:
        """Called by the chain walk with each intact entry's decoded fields."""
        self.clock.visit(seq, fields)
        if kind == facts.RECORD_ADD:
            # The decoded data is this replay's own: kept as it is, without apply_fact's copy.
            self.records[seq] = fields["data"]
        elif self.error is None and kind in facts.RECORD_KINDS:
            try:
                data = fields["data"]
                if int(data["record"]) < self._older_than:
                    self.foreign.append((seq, kind, data))
                else:
                    facts.replay_one(self.records, seq, kind, data)
            except Exception as exc:  # facts that do not replay: reported after the walk
                self.error = exc
        elif kind == facts.ANCHOR:
            data = fields["data"]
            with suppress(KeyError, TypeError, ValueError):  # written wrong: nothing to check
                self.anchors.append((seq, int(data["head_seq"]), str(data["head_hash"])))
        elif kind == facts.ANCHOR_TOKEN:
            self.tokens.append(seq)

    def apply(self, later: list[tuple[int, str, dict[str, Any]]]) -> set[int]:
        """The facts of a later half about this half's records, in ledger order; their ids."""
        touched = set()
        for seq, kind, data in later:
            touched.add(int(data["record"]))
            if self.error is None:
                try:
                    facts.replay_one(self.records, seq, kind, data)
                except Exception as exc:
                    self.error = exc
        return touched

    def compare(
        self,
        tx: Tx,
        at_least: int | None = None,
        below: int | None = None,
        horizon: int = 0,
        only: set[int] | None = None,
    ) -> set[int]:
        """Ids of the records whose stored projection differs from the replay (or is missing).

        The stored records with ids in [at_least, below), or the ids `only`; with `horizon`, a
        record changed by a later entry (written since the walk began) is not compared.
        """
        if self.error is not None:
            raise self.error  # an intact chain whose facts do not replay: a program bug
        if only is not None and not only:
            return set()
        rows = (
            queries.record_payloads(tx, at_least, below)
            if only is None
            else queries.record_payloads_of(tx, sorted(only))
        )
        replayed, seen, drifted = self.records, set(), set()
        for record_id, stored, last_seq in rows:
            seen.add(record_id)
            if horizon and last_seq > horizon:
                continue
            payload = replayed.get(record_id)
            # Projections are written in the canonical form: equal bytes, equal payloads
            # (the common case, without parsing); otherwise compare the parsed values.
            if payload is None or (
                plain_bytes(payload) != stored and payload != json.loads(stored)
            ):
                drifted.add(record_id)
        wanted = replayed.keys() if only is None else only
        return drifted | (wanted - seen)  # replayed records with no stored row


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


def anchor_problems(
    tx: Tx, anchored: Sequence[Anchored], digests: Sequence[str] = ()
) -> list[Message]:
    """Anchored heads no longer in the chain (a truncated or rewritten ledger), then `digests`."""
    wanted = [(text, *parse_digest(text)) for text in digests]
    problems = []
    for seq, head_seq, head_hash in anchored:
        if queries.entry_hash_of(tx, head_seq) != head_hash:
            problems.append(Message("verify.anchor_broken", {"seq": seq, "head_seq": head_seq}))
    for text, seq, prefix in wanted:
        actual = queries.entry_hash_of(tx, seq)
        if actual is None or not actual.startswith(prefix):
            key = "verify.digest_missing" if actual is None else "verify.digest_mismatch"
            problems.append(Message(key, {"digest": text, "seq": seq}))
    return problems
