"""`ot verify PACK`: the pack against itself, and with the ledger at hand, against the ledger.

With a ledger, the pack's entries must be the ledger's, hash for hash; every entry about its
records up to its head (voids and amendments included) must be in it; and when the ledger has
not moved on since, records.csv and report.html are made again from the ledger, in the pack's
language and at its time, and must be the same bytes (issue 13; docs/evidence.md).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_tracker import i18n
from offline_tracker.app.evidence import TERM_KINDS, pack_pages
from offline_tracker.domain import facts
from offline_tracker.domain.errors import Message
from offline_tracker.formats.pack import PackCheck, check_pack, members, sha256
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Tx

if TYPE_CHECKING:
    from offline_tracker.app.core import App
    from offline_tracker.domain.results import Flag

_MAX_SEQ = 2**63


@dataclass(frozen=True)
class PackVerification:
    check: PackCheck
    problems: tuple[Message, ...]
    ledger_checked: bool
    notes: tuple[Message, ...] = ()  # what could not be compared, and why (not a failure)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_pack(
    path: Path,
    open_ledger: Callable[[], AbstractContextManager[App]] | None,
    describe: Callable[[Flag], str],
) -> PackVerification:
    """The pack is intact, and (with a ledger) it is what the ledger says."""
    from offline_tracker.app.timestamps import TS_DIR, pack_problems

    check = check_pack(path)
    problems = [Message(f"pack.problem.{p.code}", {"name": p.where}) for p in check.problems]
    if check.manifest is not None:  # its RFC 3161 tokens, offline (app/timestamps.py)
        problems += pack_problems(members(path, TS_DIR), check.entries)
    if open_ledger is None or check.manifest is None:
        return PackVerification(check, tuple(problems), False)
    notes: list[Message] = []
    with open_ledger() as app, app.db.read() as tx:
        problems += _ledger_problems(tx, check)
        if not problems:
            problems += _left_out(tx, check)
            problems += _remade(tx, check, describe, notes)
    return PackVerification(check, tuple(problems), True, tuple(notes))


def _head_seq(check: PackCheck) -> int | None:
    head = (check.manifest or {}).get("chain_head") or {}
    seq = head.get("seq") if isinstance(head, dict) else None
    return seq if type(seq) is int and 0 <= seq < _MAX_SEQ else None


def _ledger_problems(tx: Tx, check: PackCheck) -> list[Message]:
    wanted = {int(e["seq"]): str(e["hash"]) for e in check.entries}
    head = (check.manifest or {}).get("chain_head") or {}
    seq = _head_seq(check)
    if seq is None:
        return [Message("pack.problem.no_manifest", {"name": "manifest.json (chain_head)"})]
    if seq:
        wanted.setdefault(seq, str(head.get("hash")))
    actual = queries.entry_hashes(tx, list(wanted))
    problems = []
    for seq, digest in sorted(wanted.items()):
        if actual.get(seq) != digest:
            key = "pack.ledger_missing" if seq not in actual else "pack.ledger_differs"
            problems.append(Message(key, {"seq": seq}))
    return problems


def _record_ids(entries: list[dict[str, Any]]) -> set[int]:
    ids = set()
    for entry in entries:
        kind = entry.get("kind")
        if kind == facts.RECORD_ADD:
            ids.add(int(entry["seq"]))
        elif kind in facts.RECORD_KINDS:
            data = _data(entry)
            if type(data.get("record")) is int:
                ids.add(data["record"])
    return ids


def _data(entry: dict[str, Any]) -> dict[str, Any]:
    from offline_tracker.ledger.canonical import decode_body

    data = decode_body(str(entry["body"])).get("data")
    return data if isinstance(data, dict) else {}


def _left_out(tx: Tx, check: PackCheck) -> list[Message]:
    """Entries of the ledger about the pack's records (and its terms), up to its head, that the
    pack leaves out: a void or an amendment left out would change what the pack shows."""
    head = _head_seq(check) or 0
    have = {int(e["seq"]) for e in check.entries}
    about = queries.entries_about(tx, sorted(_record_ids(check.entries)), TERM_KINDS)
    return [
        Message("pack.entry_left_out", {"seq": row[0], "kind": row[3]})
        for row in about
        if row[0] <= head and row[0] not in have
    ]


def _remade(
    tx: Tx, check: PackCheck, describe: Callable[[Flag], str], notes: list[Message]
) -> list[Message]:
    """records.csv and report.html made again from the ledger, compared with the pack's."""
    from datetime import date

    manifest = check.manifest or {}
    head = _head_seq(check)
    if ledger.head(tx)[0] != head:
        notes.append(Message("pack.not_remade", {"seq": head, "now": ledger.head(tx)[0]}))
        return []
    try:
        period = (
            date.fromisoformat(manifest["period"]["from"]),
            date.fromisoformat(manifest["period"]["to"]),
        )
        now = datetime.fromisoformat(str(manifest["generated_at"]))
        lang = manifest["language"] if manifest.get("language") in ("en", "zh") else "en"
        unsound = tuple(str(p) for p in manifest.get("verification_problems") or ())
        listed = {str(f["path"]): str(f["sha256"]) for f in manifest["files"]}
    except (KeyError, TypeError, ValueError):
        return [Message("pack.problem.no_manifest", {"name": "manifest.json"})]
    before = i18n.language()
    i18n.set_language(lang)
    try:
        pages = pack_pages(tx, period, now, describe, unsound)
    finally:
        i18n.set_language(before)
    made = {"records.csv": pages.csv, "report.html": pages.html}
    return [
        Message("pack.remade_differs", {"name": name})
        for name, data in made.items()
        if listed.get(name) != sha256(data)
    ]
