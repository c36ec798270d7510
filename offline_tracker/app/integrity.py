"""Integrity of an open ledger: the hash chain, the projections against a replay, the anchors."""

from __future__ import annotations

import gc
import pickle
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_tracker.app import parallel
from offline_tracker.app.replay import Anchored, FactRows, Replay
from offline_tracker.domain.errors import InputError, Message
from offline_tracker.domain.problems import Problem
from offline_tracker.i18n import t
from offline_tracker.ledger.chain import ChainReport, verify_chain
from offline_tracker.ledger.clock_check import ClockWatch
from offline_tracker.storage import ledger, queries, schema_check
from offline_tracker.storage.db import Database, SQLiteDatabase, Tx
from offline_tracker.storage.evidence import EvidenceStore

# The problems a rebuild of the projections mends (the ledger itself is sound).
PROJECTION_KEYS = frozenset(
    {"verify.projection", "verify.fact_row", "verify.meta", "verify.meta_unknown"}
)


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
        if walk.damaged:  # SQLite's quick_check: nothing else read from the file is trusted
            found = [Message("verify.damaged", {"detail": line}) for line in walk.damaged]
            return Verification(report.count, report.head_hash, tuple(found))
        problems = schema_messages(tx)
        problems += [
            Message("verify.entry", {"seq": p.where, "code": p.code, "what": _said(p)})
            for p in report.problems
        ]
        if report.ok:
            problems += [Message("verify.projection", {"id": i}) for i in walk.drifted()]
            problems += walk.replay.fact_problems(tx)
        problems += anchor_problems(tx, walk.anchors, anchors)
        if evidence is not None and walk.replay.tokens:  # trusted timestamps (app/timestamps)
            from offline_tracker.app.timestamps import token_problems

            problems += token_problems(tx, evidence, walk.replay.tokens)
    warnings = clock_warnings(walk.replay.clock)
    return Verification(report.count, report.head_hash, tuple(problems), warnings)


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
    # The ids of drifted records: only called when the chain is intact (it raises if the
    # ledger's facts do not replay); after it, `replay` holds the whole ledger's facts.
    drifted: Callable[[], list[int]]
    replay: Replay
    damaged: list[str]  # what quick_check found (then the rest is not looked at)


def _in_one_process(tx: Tx) -> _Walk:
    replay = Replay()
    damaged = schema_check.quick_check(tx)
    entries = ledger.entry_rows(tx) if not damaged else iter(())
    report = verify_chain(entries, replay.visit)
    return _Walk(report, replay.anchors, lambda: sorted(replay.compare(tx)), replay, damaged)


def schema_messages(tx: Tx) -> list[Message]:
    """How the schema differs from the migrations' (storage/schema_check.py), as messages."""
    return [
        Message(f"verify.schema_{what}", {"kind": kind, "name": name})
        for what, kind, name in schema_check.problems(tx)
    ]


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
    (last, last_hash, last_made), first = ledger.entries_around(tx, cut)
    horizon = int(tx.scalar("SELECT max(seq) FROM ledger"))
    second_half = _Half(cut, count - cut, last_hash, last_made, last + 1, first, horizon)
    path = db.path
    child = parallel.fork(lambda: pickle.dumps(second_half.check_file(path)), count)
    if child is None:
        return None
    with child:
        replay = Replay()
        report = verify_chain(ledger.entry_rows(tx, limit=cut), replay.visit)
        # Compared while the child works; the records the child's facts change, again after.
        early = replay.compare(tx, below=first) if report.ok and replay.error is None else None
        answer = child.result()
    # A child that failed is replaced: the parent checks that half too, in its own transaction.
    second = pickle.loads(answer) if answer is not None else second_half.check(tx, True)
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
        replay.merge(second.fact_rows, second.widest)
        found = replay.compare(tx, below=first) if early is None else early - touched
        return sorted(found | replay.compare(tx, only=touched)) + second.drifted

    replay.clock.merge(second.clock)
    replay.tokens += second.tokens
    return _Walk(both, replay.anchors + second.anchors, drifted, replay, second.damaged)


@dataclass(frozen=True)
class _HalfReport:
    chain: ChainReport
    anchors: list[Anchored]
    foreign: list[tuple[int, str, dict[str, Any]]]
    drifted: list[int]
    error: Exception | None
    fact_rows: FactRows
    widest: int
    damaged: list[str]
    tokens: list[int]
    clock: ClockWatch


@dataclass(frozen=True)
class _Half:
    """Entries [offset, offset + limit) by position; the first has `first_seq`."""

    offset: int
    limit: int
    prev_hash: str  # the stored hash of the entry before the first
    prev_made: str  # the hash that entry's body gives (verify_chain's `made`)
    expected_seq: int
    first_seq: int
    horizon: int  # the last entry the parent sees: later facts are not the child's to check

    def check_file(self, path: Path) -> _HalfReport:
        database = SQLiteDatabase(path)
        try:
            with database.read() as tx:
                return self.check(tx, True)
        finally:
            database.close()

    def check(self, tx: Tx, quick_check: bool = False) -> _HalfReport:
        """The half's chain and records; with `quick_check`, SQLite's check of the whole file
        first (the parent walks meanwhile)."""
        replay = Replay(older_than=self.first_seq)
        damaged = schema_check.quick_check(tx) if quick_check else []
        rows = ledger.entry_rows(tx, offset=self.offset, limit=self.limit) if not damaged else ()
        start = (self.prev_hash, self.expected_seq)
        chain = verify_chain(rows, replay.visit, start, self.prev_made)
        drifted, error = [], replay.error
        if chain.ok and error is None:
            drifted = sorted(replay.compare(tx, at_least=self.first_seq, horizon=self.horizon))
        return _HalfReport(
            *(chain, replay.anchors, replay.foreign, drifted, error),
            *(replay.fact_rows, replay.widest, damaged, replay.tokens, replay.clock),
        )


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


def _said(problem: Problem) -> str:
    """A chain finding's code in words, in the reader's language (the code stays a value)."""
    return t(f"chain.{problem.code}", None, **problem.params)
