"""The database's own soundness: SQLite's quick_check, and its schema against the migrations'.

A trigger that deletes every new row, a missing append-only trigger, a view standing in for a
table: none of them shows in the chain, yet each turns the ledger against its user. `ot verify`,
`ot doctor` and `ot restore` compare the tables, views, triggers and indexes (and on PostgreSQL
the trigger functions and rules) with what the migrations create, kept in
`expected_schema.json`, one snapshot per revision, written by scripts/schema_snapshot.py
(tests/cli/test_schema.py and tests/postgres/test_cli_backends.py compare it with what the
migrations create).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from offline_tracker.storage.db import Tx

EXPECTED = Path(__file__).with_name("expected_schema.json")
Schema = dict[str, dict[str, Any]]
# Problems: (what: missing | extra | changed, kind: table | index | trigger | view | ..., name)
SchemaProblem = tuple[str, str, str]


def quick_check(tx: Tx, limit: int = 20) -> list[str]:
    """What SQLite's `PRAGMA quick_check` finds (every page and b-tree; empty when sound).

    PostgreSQL has no built-in equivalent (its `amcheck` is an extension a server may lack):
    there the server's own checksums and tools apply (docs/reliability.md).
    """
    if tx.dialect != "sqlite":
        return []
    rows = [str(r[0]) for r in tx.all(f"PRAGMA quick_check({int(limit)})")]
    lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    return [] if lines == ["ok"] else lines


def describe(tx: Tx) -> Schema:
    """The schema as the comparison sees it (the same shape for both dialects' snapshots)."""
    return _describe_sqlite(tx) if tx.dialect == "sqlite" else _describe_postgresql(tx)


def problems(tx: Tx) -> list[SchemaProblem]:
    """How the database's schema differs from the migrations' (empty when it is the same).

    A database at an older revision of this program (a backup made before a migration, which
    `ot doctor` checks without changing it) is compared with what the migrations made up to
    that revision; any other, with the head's.
    """
    return compare(describe(tx), expected(tx.dialect, version_in(tx)))


def version_in(tx: Tx) -> str | None:
    """The schema revision in `alembic_version`: None without that table, "" when it is empty."""
    if tx.dialect == "sqlite":
        exists = tx.scalar(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        )
    else:
        exists = tx.scalar(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'alembic_version'"
        )
    if not exists:
        return None
    value = tx.scalar("SELECT version_num FROM alembic_version")
    return "" if value is None else str(value)


@cache
def _snapshots() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return loaded


def known_revisions() -> frozenset[str]:
    """The revisions whose schema this program can check: the head's and the older ones'."""
    snapshots = _snapshots()
    return frozenset({str(snapshots.get("revision")), *snapshots.get("revisions", {})})


def expected(dialect: str, revision: str | None = None) -> Schema:
    """What the migrations create, up to `revision` when it is an older one than the head."""
    snapshots = _snapshots()
    older = snapshots.get("revisions", {})
    chosen = older.get(revision, snapshots)
    found: Schema = chosen.get(dialect, chosen["sqlite"])
    return found


def compare(actual: Schema, wanted: Schema) -> list[SchemaProblem]:
    found: list[SchemaProblem] = []
    for kind in sorted(set(actual) | set(wanted)):
        have, want = actual.get(kind, {}), wanted.get(kind, {})
        for name in sorted(set(have) | set(want)):
            if name not in have:
                found.append(("missing", kind, name))
            elif name not in want:
                found.append(("extra", kind, name))
            elif have[name] != want[name]:
                found.append(("changed", kind, name))
    return found


def _squeeze(sql: str | None) -> str:
    return " ".join((sql or "").split())


def _describe_sqlite(tx: Tx) -> Schema:
    objects = tx.all("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
    schema: Schema = {"table": {}, "index": {}, "trigger": {}, "view": {}}
    for kind, name, table, sql in objects:
        if str(name).startswith("sqlite_stat"):
            continue  # ANALYZE's statistics: they steer the planner, never a result
        if kind == "table":
            columns = tx.all(f'PRAGMA table_xinfo("{_quoted(name)}")')
            schema["table"][name] = [
                [c[1], str(c[2]).upper(), c[3], c[4], c[5], c[6]] for c in columns
            ]
        elif kind == "index":
            info = tx.all(f'PRAGMA index_xinfo("{_quoted(name)}")')
            unique = tx.all(f'PRAGMA index_list("{_quoted(table)}")')
            flags = next(([u[2], u[3], u[4]] for u in unique if u[1] == name), None)
            schema["index"][name] = [
                table,
                flags,
                [[c[2], c[3], c[4]] for c in info],
                _squeeze(sql),
            ]
        else:
            schema.setdefault(kind, {})[name] = [table, _squeeze(sql)]
    return schema


def _quoted(name: Any) -> str:
    return str(name).replace('"', '""')


_PG_TABLES = """
SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
"""
_PG_COLUMNS = """
SELECT table_name, column_name, data_type, is_nullable, column_default, ordinal_position
FROM information_schema.columns WHERE table_schema = current_schema()
ORDER BY table_name, ordinal_position
"""
_PG_INDEXES = (
    "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
)
_PG_TRIGGERS = """
SELECT t.tgname, c.relname, t.tgenabled, pg_get_triggerdef(t.oid), p.proname, p.prosrc
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
WHERE n.nspname = current_schema() AND NOT t.tgisinternal
"""
_PG_RULES = "SELECT rulename, tablename FROM pg_rules WHERE schemaname = current_schema()"
_PG_KINDS = {"r": "table", "p": "table", "f": "table", "v": "view", "m": "view"}


def _describe_postgresql(tx: Tx) -> Schema:
    schema: Schema = {"table": {}, "index": {}, "trigger": {}, "view": {}, "rule": {}}
    prefix = f"{tx.scalar('SELECT current_schema()')}."
    kinds = {str(name): _PG_KINDS[str(kind)] for name, kind in tx.all(_PG_TABLES)}
    for name, kind in kinds.items():
        schema[kind][name] = []
    for table, column, data_type, nullable, default, _ in tx.all(_PG_COLUMNS):
        kind = kinds.get(str(table), "table")
        schema[kind].setdefault(str(table), []).append([column, data_type, nullable, default])
    for name, table, definition in tx.all(_PG_INDEXES):
        schema["index"][str(name)] = [table, _squeeze(str(definition).replace(prefix, ""))]
    for name, table, enabled, definition, function, source in tx.all(_PG_TRIGGERS):
        text = _squeeze(str(definition).replace(prefix, ""))
        schema["trigger"][str(name)] = [table, enabled, text, function, _squeeze(source)]
    for name, table in tx.all(_PG_RULES):
        schema["rule"][str(name)] = [table]
    return schema
