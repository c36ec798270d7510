"""The App object over one open ledger, and the record use cases (log, start, stop, amend...)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from offline_tracker.app.amend import amended_times, changed_fields
from offline_tracker.domain import facts, spans
from offline_tracker.domain.errors import InputError, Message
from offline_tracker.domain.records import Record, record_text
from offline_tracker.domain.timeparse import parse_date, zone
from offline_tracker.domain.values import replace, value
from offline_tracker.ledger.canonical import SIMULATED, Stamp, decode_body
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Database, StorageError, Tx
from offline_tracker.storage.evidence import EvidenceStore

if TYPE_CHECKING:
    from offline_tracker.app.integrity import Verification


class NotFound(InputError):
    """A record id that is not in the ledger."""


@value
class RecordInput:
    """What a user typed about a record; times are still text, read in the contract's zone."""

    text: str | None = None
    at: str | None = None
    until: str | None = None
    minutes: str | None = None
    channel: str | None = None
    counterpart: str | None = None
    role: str | None = None
    direction: str | None = None
    kind: str | None = None
    tags: tuple[str, ...] = ()
    attach: tuple[Path, ...] = ()
    emergency: bool | None = None
    allow_future: bool = False


@value
class Saved:
    """What a write did: the record as it now stands, notes, its classification, the entry."""

    record: Record
    notes: tuple[Message, ...] = ()
    breakdown: Any = None
    entry: ledger.Appended | None = None


@value
class Status:
    zone: ZoneInfo
    running: tuple[Record, ...]
    today: date
    today_seconds: int
    today_records: int


class App:
    """The application over one open ledger database; `now` comes from the clock passed in."""

    def __init__(
        self, db: Database, now: Callable[[], datetime], data_dir: Path, simulated: bool = False
    ) -> None:
        self.db = db
        self.now = now
        self.data_dir = data_dir
        self.simulated = simulated
        self.written: list[ledger.Appended] = []  # the entries this App appended (--json)

    def append(
        self, tx: Tx, kind: str, data: dict[str, Any], ref: int | None = None
    ) -> ledger.Appended:
        """Append one entry, stamped by this App's clock (every write of a use case)."""
        added = ledger.append(tx, kind, data, self.stamp(), ref)
        self.written.append(added)
        return added

    # -- contracts and zones -------------------------------------------------------------------
    def zone(self, tx: Tx) -> ZoneInfo:
        """The zone that WHEN text is read in: that of the newest contract."""
        rows = queries.fact_rows(tx, "contracts")
        if not rows:
            raise StorageError("this ledger has no contract; run 'ot init'")
        return zone(str(rows[-1][1]["timezone"]))

    def today(self, tx: Tx) -> date:
        return self.now().astimezone(self.zone(tx)).date()

    def initialised(self) -> bool:
        with self.db.read() as tx:
            return bool(queries.fact_rows(tx, "contracts"))

    def init(self, options: dict[str, Any]) -> Any:
        from offline_tracker import __version__
        from offline_tracker.domain.contract import contract_from_options

        contract = contract_from_options(None, **options)
        with self.db.write() as tx:
            if queries.fact_rows(tx, "contracts"):
                raise InputError("error.already_initialised")
            self.append(tx, facts.INIT, {"tool": f"offline_tracker {__version__}"})
            self.append(tx, facts.CONTRACT, contract.to_payload())
        return contract

    # -- records -------------------------------------------------------------------------------
    def log(self, inp: RecordInput) -> Saved:
        """A work-message event: it ends now unless --at/--until say otherwise (domain/spans)."""
        return self._add_record("event", inp)

    def add(self, inp: RecordInput) -> Saved:
        """A work session logged after the fact (--from/--to arrive as at/until)."""
        if inp.at is None or (inp.until is None and inp.minutes is None):
            raise InputError("error.add_needs_times")
        return self._add_record("session", inp)

    def _add_record(self, type_: str, inp: RecordInput) -> Saved:
        text = record_text(inp.text)
        with self.db.write() as tx:
            tz, now = self.zone(tx), self.now()
            span = spans.record_span(_typed(inp), inp.kind, now, tz)
            record = self._new_record(type_, replace(inp, text=text), span.start, span.end, tz)
            return self._save(tx, record, inp, span.notes)

    def start(self, inp: RecordInput) -> Saved:
        text = record_text(inp.text, required=False)
        with self.db.write() as tx:
            running = queries.running(tx)
            if running:
                raise InputError("error.already_running", id=running[0].id)
            tz, now = self.zone(tx), self.now()
            begin = spans.instant(inp.at, now, tz, inp.allow_future)
            record = self._new_record("session", replace(inp, text=text), begin.start, None, tz)
            return self._save(tx, record, inp, begin.notes)

    def stop(self, at: str | None = None, allow_future: bool = False) -> Saved:
        with self.db.write() as tx:
            running = queries.running(tx)
            if not running:
                raise InputError("error.nothing_running")
            session, tz, now = running[-1], self.zone(tx), self.now()
            end = spans.instant(at, now, tz, allow_future)
            if end.start <= session.start:
                raise InputError("error.end_before_start", start=_local(session.start, tz))
            data = {"record": int(session.id), "end": facts.iso_utc(end.start)}
            added = self.append(tx, facts.RECORD_STOP, data, ref=int(session.id))
            stopped = replace(session, end=end.start, entered=self.now())
            return Saved(stopped, end.notes, self._breakdown(tx, stopped), added)

    def amend(self, record_id: int, inp: RecordInput, reason: str) -> Saved:
        with self.db.write() as tx:
            current = self._existing(tx, record_id)
            tz, now = self.zone(tx), self.now()
            changes, notes = self._changes(current, inp, tz, now)
            if not changes:
                raise InputError("error.nothing_to_amend")
            data = {"record": record_id, "changes": changes, "reason": _reason(reason)}
            added = self.append(tx, facts.RECORD_AMEND, data, ref=record_id)
            amended = queries.record(tx, record_id)
            assert amended is not None
            return Saved(amended, notes, self._breakdown(tx, amended), added)

    def void(self, record_id: int, reason: str) -> Saved:
        with self.db.write() as tx:
            self._existing(tx, record_id)
            data = {"record": record_id, "reason": _reason(reason)}
            added = self.append(tx, facts.RECORD_VOID, data, ref=record_id)
            voided = queries.record(tx, record_id)
            assert voided is not None
            return Saved(voided, (), None, added)

    def show(self, record_id: int) -> tuple[Record, list[queries.HistoryRow], ZoneInfo]:
        with self.db.read() as tx:
            record = queries.record(tx, record_id)
            if record is None:
                raise NotFound("error.no_record", id=record_id)
            return record, queries.record_history(tx, record_id), self.zone(tx)

    def recent_records(self, limit: int) -> list[Record]:
        """The newest records, newest first (shell completion of record ids)."""
        with self.db.read() as tx:
            return queries.recent_records(tx, limit)

    def list_records(
        self, date_from: str | None, date_to: str | None, include_voided: bool = False
    ) -> tuple[list[Record], ZoneInfo]:
        from offline_tracker.domain.timeline import day_start

        with self.db.read() as tx:
            tz, today = self.zone(tx), self.today(tx)
            first = parse_date(date_from, today) if date_from else today - timedelta(days=6)
            last = parse_date(date_to, today) if date_to else today
            if last < first:
                raise InputError("error.range_reversed", first=first, last=last)
            start, end = day_start(first, tz), day_start(last + timedelta(days=1), tz)
            return queries.records_between(tx, start, end, include_voided, entered=True), tz

    def status(self) -> Status:
        from offline_tracker.domain.timeline import day_start

        with self.db.read() as tx:
            tz, today, now = self.zone(tx), self.today(tx), self.now()
            start, end = day_start(today, tz), day_start(today + timedelta(days=1), tz)
            records = queries.records_between(tx, start, end)
            seconds = _union_seconds(records, start, min(end, now), now)
            return Status(tz, tuple(queries.running(tx)), today, seconds, len(records))

    # -- integrity -----------------------------------------------------------------------------
    def verify(self, anchors: tuple[str, ...] = (), tokens: bool = True) -> Verification:
        """Walk the chain, check the projections, anchors and tokens (app/integrity.py).

        `tokens=False` leaves out the timestamp tokens, whose files are in the evidence store
        of the live ledger, not beside a backup copy.
        """
        from offline_tracker.app.integrity import verify

        return verify(self.db, anchors, self.evidence if tokens else None)

    def rebuild(self) -> int:
        with self.db.write() as tx:
            return ledger.rebuild(tx)

    # -- helpers -------------------------------------------------------------------------------
    def stamp(self) -> Stamp:
        """When an entry is recorded, and whether a simulated clock said so (RULES E5)."""
        return Stamp(facts.iso_utc(self.now()), SIMULATED if self.simulated else None)

    def _new_record(
        self, type_: str, inp: RecordInput, start: datetime, end: datetime | None, tz: ZoneInfo
    ) -> Record:
        return Record(
            id="0",
            type=type_,
            start=start,
            end=end,
            zone=tz.key,
            text=inp.text or "",
            channel=inp.channel,
            counterpart=inp.counterpart,
            role=inp.role,
            direction=inp.direction,
            kind=inp.kind,
            tags=tuple(dict.fromkeys(t.strip() for t in inp.tags if t.strip())),
            emergency=bool(inp.emergency),
        )

    def _save(self, tx: Tx, record: Record, inp: RecordInput, notes: tuple[Message, ...]) -> Saved:
        payload = facts.record_payload(record)
        payload["attachments"] = [self._store_attachment(p) for p in inp.attach]
        appended = self.append(tx, facts.RECORD_ADD, payload)
        saved = replace(
            record,
            id=str(appended.seq),
            seq=appended.seq,
            entry_hash=appended.hash,
            entered=self.now() if record.end is not None else None,
            attachments=tuple(a["sha256"] for a in payload["attachments"]),  # as `ot show` has them
        )
        return Saved(saved, notes, self._breakdown(tx, saved), appended)

    def _store_attachment(self, path: Path) -> dict[str, Any]:
        """Copy a file into the evidence store; the entry keeps its SHA-256 (RULES E4)."""
        return self.evidence.put_file(path)

    @property
    def evidence(self) -> EvidenceStore:
        return EvidenceStore(self.data_dir / "evidence")

    def _existing(self, tx: Tx, record_id: int) -> Record:
        record = queries.record(tx, record_id)
        if record is None:
            raise NotFound("error.no_record", id=record_id)
        if record.voided:
            raise InputError("error.record_voided", id=record_id)
        return record

    def _changes(
        self, current: Record, inp: RecordInput, tz: ZoneInfo, now: datetime
    ) -> tuple[dict[str, Any], tuple[Message, ...]]:
        """The fields an amendment changes; its times obey the rules of domain/spans too."""
        start, end, notes = amended_times(current, inp, tz, now)
        changes: dict[str, Any] = {}
        if start != current.start:
            changes["start"] = facts.iso_utc(start)
        if end != current.end and end is not None:
            changes["end"] = facts.iso_utc(end)
        changes |= changed_fields(current, inp)
        if inp.attach:
            changes["attachments"] = [self._store_attachment(p) for p in inp.attach]
        return changes, notes

    def _breakdown(self, tx: Tx, record: Record) -> Any:
        """How one record's minutes classify under the contract in force (shown after a write)."""
        from offline_tracker.app import terms
        from offline_tracker.domain.breakdowns import classify_record

        if record.end is None:
            return None
        return classify_record(
            record, terms.history(tx), now=self.now(), calendars=terms.calendars(tx)
        )


@contextmanager
def open_app(
    location: str, now: Callable[[], datetime], create: bool = False, simulated: bool = False
) -> Iterator[App]:
    """Open (and, with `create`, make) the ledger at `location`, migrating it first.

    `simulated`: `now` is a simulated clock, accepted only on a ledger created under one.
    """
    from offline_tracker.storage.db import SQLiteDatabase, create_private_file, open_database
    from offline_tracker.storage.schema import ensure_schema

    db = open_database(location)
    if isinstance(db, SQLiteDatabase) and db.path is not None:
        if not db.path.exists():
            if not create:
                raise StorageError("storage.no_ledger", path=str(db.path))
            create_private_file(db.path)
        data_dir = db.path.parent
    else:
        from offline_tracker.paths import default_data_dir

        data_dir = default_data_dir()
    try:
        moment = _first_reading(now)
        ensure_schema(db, create, moment)
        if simulated:
            _check_simulated(db)
        yield App(db, now, data_dir, simulated)
    finally:
        db.close()


def _first_reading(now: Callable[[], datetime]) -> datetime:
    try:
        return now()
    except ValueError as exc:  # OFFLINE_TRACKER_NOW that is not a time
        raise InputError("error.simulated_clock_value", detail=str(exc)) from exc


def _check_simulated(db: Database) -> None:
    """A simulated clock on a real ledger would record made-up times: refused (RULES E5)."""
    with db.read() as tx:
        first = tx.scalar("SELECT body FROM ledger ORDER BY seq LIMIT 1")
    if first is None:
        return  # a new ledger: `ot init` creates it under the simulated clock
    try:
        clock = decode_body(str(first)).get("clock")
    except ValueError:  # a damaged entry: `ot verify` names it; the mark may still be read
        clock = SIMULATED if f'"clock":"{SIMULATED}"' in str(first) else None
    if clock != SIMULATED:
        raise InputError("error.simulated_clock")


_local = spans.local_text


def _typed(inp: RecordInput) -> spans.Typed:
    return spans.Typed(inp.at, inp.until, inp.minutes, inp.allow_future)


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise InputError("error.reason_needed")
    return reason


def _union_seconds(records: list[Record], lo: datetime, hi: datetime, now: datetime) -> int:
    """Seconds covered by the records inside [lo, hi), overlaps counted once (RULES T3)."""
    from offline_tracker.domain import timeline

    a, b = timeline.epoch(lo), timeline.epoch(hi)
    spans = (
        (max(timeline.epoch(r.start), a), min(timeline.epoch(r.end_or(now)), b))
        for r in records
        if not r.is_ack
    )
    return timeline.union_seconds(spans)
