"""The ledger replayed as the chain walk streams past, and compared with every projection.

A projection is a cache of the ledger: whatever a report, a list or a pack reads from it is
compared here with what the entries say, column by column (docs/reliability.md). The records
(payload and every column derived from it), the fact tables (contracts, calendar days, official
calendars, time off in lieu, anchors) and the meta values (the longest record, which bounds a
period query's look-back).
"""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import datetime
from typing import Any

from offline_tracker.domain import facts
from offline_tracker.domain.errors import Message
from offline_tracker.ledger.canonical import plain_bytes
from offline_tracker.ledger.clock_check import ClockWatch
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Tx

# (seq of an anchor entry, the head it anchors: seq and hash), RULES E5
Anchored = tuple[int, int, str]
FactRows = dict[str, list[tuple[Any, ...]]]
# Meta keys and whether `ot verify` can derive them from the ledger (all of them must be).
META_KEYS = frozenset({queries.MAX_SPAN})


class Replay:
    """Record payloads replayed from the ledger entries as they stream past the chain check.

    With `older_than`, facts about records added before that sequence number are kept in
    `foreign` instead (the second half of a two-process walk), for the first half to apply.
    """

    def __init__(self, older_than: int = 0) -> None:
        self.records: dict[int, dict[str, Any]] = {}
        self.last: dict[int, int] = {}  # the last fact about a record changed after its add
        self.uncorrected: set[int] = set()  # records no correction has changed
        self.foreign: list[tuple[int, str, dict[str, Any]]] = []
        self.anchors: list[Anchored] = []
        self.fact_rows: FactRows = {table: [] for table in ledger.FACT_COLUMNS}
        self.widest = 0  # the longest closed record in any of its states (meta max_span)
        self.tokens: list[int] = []  # the intact time-stamp token entries (app/timestamps)
        self.clock = ClockWatch()  # what the recorded times say (RULES E5)
        self.error: Exception | None = None
        self._older_than = older_than

    def visit(self, seq: int, kind: str, fields: dict[str, Any]) -> None:
        """Called by the chain walk with each intact entry's decoded fields."""
        self.clock.visit(seq, fields)
        if kind == facts.RECORD_ADD:
            # The decoded data is this replay's own: kept as it is, without apply_fact's copy.
            self.records[seq] = fields["data"]
            # Its projection reads this entry's data until a correction (a NULL `data`).
            self.uncorrected.add(seq)
        elif self.error is None and kind in facts.RECORD_KINDS:
            try:
                data = fields["data"]
                if int(data["record"]) < self._older_than:
                    self.foreign.append((seq, kind, data))
                else:
                    self._fact(seq, kind, data)
            except Exception as exc:  # facts that do not replay: reported after the walk
                self.error = exc
        elif self.error is None:
            self._other(seq, kind, fields["data"])

    def _other(self, seq: int, kind: str, data: Any) -> None:
        try:
            row = ledger.fact_row(seq, kind, data)
        except Exception as exc:
            self.error = exc
            return
        if row is not None:
            self.fact_rows[row[0]].append(row[1])
        if kind == facts.ANCHOR:
            with suppress(KeyError, TypeError, ValueError):  # written wrong: nothing to check
                self.anchors.append((seq, int(data["head_seq"]), str(data["head_hash"])))
        elif kind == facts.ANCHOR_TOKEN:
            self.tokens.append(seq)

    def _fact(self, seq: int, kind: str, data: dict[str, Any]) -> None:
        record_id = int(data["record"])
        before = self.records.get(record_id)
        if before is not None:
            self._widen(before)  # the state the projection held before this fact
        after = facts.apply_fact(before, kind, data)
        self.records[record_id] = after
        self.uncorrected.discard(record_id)
        self.last[record_id] = seq
        self._widen(after)

    def _widen(self, payload: dict[str, Any]) -> None:
        if payload.get("end"):
            span = ledger.epoch(payload["end"]) - ledger.epoch(payload["start"])
            self.widest = max(self.widest, span)

    def apply(self, later: list[tuple[int, str, dict[str, Any]]]) -> set[int]:
        """The facts of a later half about this half's records, in ledger order; their ids."""
        touched = set()
        for seq, kind, data in later:
            touched.add(int(data["record"]))
            if self.error is None:
                try:
                    self._fact(seq, kind, data)
                except Exception as exc:
                    self.error = exc
        return touched

    def merge(self, rows: FactRows, widest: int) -> None:
        """The fact rows and widest span a later half found (its entries come after ours)."""
        for table, found in rows.items():
            self.fact_rows[table].extend(found)
        self.widest = max(self.widest, widest)

    def compare(
        self,
        tx: Tx,
        at_least: int | None = None,
        below: int | None = None,
        horizon: int = 0,
        only: set[int] | None = None,
    ) -> set[int]:
        """Ids of the records whose stored row differs from the replay (or is missing).

        Every column is compared: the payload, and the type, instants, voided flag, source id
        and last fact derived from it. The stored records with ids in [at_least, below), or the
        ids `only`; with `horizon`, a record changed by a later entry (written since the walk
        began) is not compared.
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
        replayed, uncorrected, last = self.records, self.uncorrected, self.last
        seen: set[int] = set()
        drifted: set[int] = set()
        widest, moment = self.widest, datetime.fromisoformat
        for record_id, stored, last_seq, kind, start, end, voided, source_id in rows:
            seen.add(record_id)
            payload = replayed.get(record_id)
            if payload is None:
                drifted.add(record_id)
                continue
            ending = payload.get("end")
            # ledger.epoch inlined (twice per record): a float, equal to the stored integer
            # (canonical instants are whole seconds).
            begins = moment(payload["start"]).timestamp()
            ends = moment(ending).timestamp() if ending else None
            if ends is not None and ends - begins > widest:
                widest = int(ends - begins)
            if horizon and last_seq > horizon:
                continue
            if (last_seq, kind, start, end, voided, source_id) != (
                last.get(record_id, record_id),
                payload["type"],
                begins,
                ends,
                payload.get("voided", False),
                payload.get("source_id"),
            ) or (
                # NULL stands for the data of the record's own record.add entry (the ledger
                # row with its id, whose bytes the walk has just checked): right only while
                # no correction has changed the record. A copy must be the payload.
                record_id not in uncorrected
                if stored is None
                else not _same_payload(payload, stored)
            ):
                drifted.add(record_id)
        self.widest = widest
        wanted = replayed.keys() if only is None else only
        return drifted | (wanted - seen)  # replayed records with no stored row

    def fact_problems(self, tx: Tx) -> list[Message]:
        """The fact projections and the meta values against the replay (the whole ledger's)."""
        if self.error is not None:
            raise self.error
        problems = []
        for table, columns in ledger.FACT_COLUMNS.items():
            stored = queries.projection_rows(tx, table, columns)
            for seq in _differing(stored, self.fact_rows[table]):
                problems.append(Message("verify.fact_row", {"table": table, "seq": seq}))
        expected = {queries.MAX_SPAN: str(self.widest)} if self.widest > 0 else {}
        stored_meta = queries.meta_rows(tx)
        for key in sorted(set(stored_meta) | set(expected)):
            if stored_meta.get(key) != expected.get(key) and (key in expected or key in META_KEYS):
                problems.append(Message("verify.meta", {"name": key}))
            elif key not in META_KEYS:
                problems.append(Message("verify.meta_unknown", {"name": key}))
        return problems


def _same_payload(payload: dict[str, Any], stored: bytes) -> bool:
    # Projections are written in the canonical form: equal bytes, equal payloads (the common
    # case, without parsing); otherwise compare the parsed values.
    return plain_bytes(payload) == stored or bool(payload == json.loads(stored))


def _differing(stored: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> list[int]:
    """The seqs of rows that differ, are missing or are extra (a payload compares as JSON)."""
    by_seq = {row[0]: row for row in expected}
    found = {row[0]: row for row in stored}
    bad = {seq for seq in by_seq.keys() ^ found.keys()}
    if len(found) != len(stored):  # two rows with one seq: the primary key is gone
        bad.update(seq for seq in found)
    for seq in by_seq.keys() & found.keys():
        if not _same_row(found[seq], by_seq[seq]):
            bad.add(seq)
    # A forged seq may be of any type: numbers first, in order, then the rest by their text.
    return sorted(bad, key=lambda s: (0, s, "") if type(s) is int else (1, 0, str(s)))


def _same_row(stored: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    if len(stored) != len(expected):
        return False
    for have, want in zip(stored, expected, strict=True):
        if have == want and type(have) is type(want):
            continue
        if isinstance(want, str) and isinstance(have, str | bytes) and want.startswith("{"):
            with suppress(ValueError):
                if json.loads(have) == json.loads(want):
                    continue
        return False
    return True
