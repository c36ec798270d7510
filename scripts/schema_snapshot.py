"""Write storage/expected_schema.json from the migrations: what `ot verify` compares a schema with.

    .venv/bin/python scripts/schema_snapshot.py [POSTGRESQL_URL]

For every revision of storage/migrations, a new SQLite file (and, given the URL of a role that
may create databases, a new PostgreSQL database) is migrated up to that revision and described
by storage/schema_check.describe. The head's snapshots are the file's "sqlite" and "postgresql";
older revisions' are kept under "revisions" (a backup made before a migration is still checked
against the schema it was made with: `ot doctor`). Run it after adding a migration, and review
the diff. tests/cli/test_schema.py and tests/postgres/test_cli_backends.py compare the snapshots
with what the migrations make.
"""

from __future__ import annotations

import json
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, text

from offline_tracker.storage import schema_check
from offline_tracker.storage.db import open_database
from offline_tracker.storage.schema import HEAD_REVISION, MIGRATIONS

Schema = dict[str, Any]


def revisions() -> list[str]:
    """Every revision, oldest first."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return [s.revision for s in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def described(url: str, revision: str) -> Schema:
    """The schema of a new database at `url` migrated up to `revision`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()
    db = open_database(url)
    try:
        with db.read() as tx:
            return schema_check.describe(tx)
    finally:
        db.close()


def sqlite_snapshot(revision: str) -> Schema:
    with tempfile.TemporaryDirectory() as folder:
        return described(f"sqlite:///{Path(folder) / 'ledger.sqlite'}", revision)


def postgresql_snapshot(admin_url: str, revision: str) -> Schema:
    name = f"ot_snapshot_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        return described(url, revision)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str]) -> None:
    admin_url = argv[1] if len(argv) > 1 else None
    old = json.loads(schema_check.EXPECTED.read_text(encoding="utf-8"))
    snapshots: dict[str, Schema] = {}
    for revision in revisions():
        # The file's own head (before 0002 the file said nothing: it was 0001's).
        kept = (
            old
            if revision == old.get("revision", "0001")
            else old.get("revisions", {}).get(revision, {})
        )
        snapshots[revision] = {
            "sqlite": sqlite_snapshot(revision),
            "postgresql": (
                postgresql_snapshot(admin_url, revision) if admin_url else kept.get("postgresql")
            ),
        }
        if snapshots[revision]["postgresql"] is None:
            raise SystemExit(f"no PostgreSQL snapshot of {revision}: give a server's URL")
    head = snapshots.pop(HEAD_REVISION)
    out = {**head, "revision": HEAD_REVISION, "revisions": snapshots}
    schema_check.EXPECTED.write_text(
        json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {schema_check.EXPECTED} (head {HEAD_REVISION}, older: {', '.join(snapshots)})")


if __name__ == "__main__":
    main(sys.argv)
