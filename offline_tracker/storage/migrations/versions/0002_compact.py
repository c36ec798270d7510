"""Storage without copies (issue 19): 1,201 bytes per entry at 100k down to about 700.

- `ledger.prev_hash` goes: it was the `hash` of the row before, which the chain walk reads
  anyway (docs/ledger-format.md says how to check the chain by hand without it).
- The unique index on `ledger.hash` goes: nothing looks an entry up by its hash, and two equal
  hashes would need a SHA-256 collision or a chain that `ot verify` already refuses.
- `records.data` is NULL for a record no correction has changed: its payload is then the data
  of its `record.add` entry (the ledger row whose seq is the record's id), not a copy of it.
- On SQLite the `ledger` and `records` keys become INTEGER PRIMARY KEY, the rowid itself,
  instead of BIGINT PRIMARY KEY, which SQLite keeps as a second index beside the rowid.
- Three indexes keep only the rows they are read for: `ix_records_running` the running
  sessions (`end_utc IS NULL`), `ix_ledger_ref` the entries about a record (`ref IS NOT NULL`:
  not the `record.add` entries), `ix_records_source_id` the imported records (unique as the
  constraint it replaces, which never compared NULLs either).

Nothing hashed changes: every body and hash is copied as it is. The file is backed up first
(storage/schema.ensure_schema) and, on SQLite, the whole migration is one transaction.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_APPEND_ONLY_SQLITE = """
CREATE TRIGGER ledger_no_{op} BEFORE {OP} ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {op} refused'); END
"""
_LEDGER = "seq, entry_id, recorded_at, kind, ref, body, hash"
_RECORDS = "id, type, start_utc, end_utc, voided, source_id, last_seq"
_RUNNING = "end_utc IS NULL"
_ABOUT_A_RECORD = "ref IS NOT NULL"
_IMPORTED = "source_id IS NOT NULL"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite()
    else:
        _postgresql()


def _sqlite() -> None:
    """SQLite cannot change a primary key or drop a unique constraint in place: each table is
    made again under its name and the rows copied, in seq (id) order, byte for byte."""
    op.execute("ALTER TABLE ledger RENAME TO ledger_0001")
    op.create_table(
        "ledger",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("entry_id", sa.String(36), nullable=False, unique=True),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("ref", sa.BigInteger, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.execute(f"INSERT INTO ledger ({_LEDGER}) SELECT {_LEDGER} FROM ledger_0001 ORDER BY seq")
    op.execute("DROP TABLE ledger_0001")  # with its indexes and append-only triggers
    op.create_index("ix_ledger_ref", "ledger", ["ref"], sqlite_where=sa.text(_ABOUT_A_RECORD))
    for name in ("update", "delete"):
        op.execute(_APPEND_ONLY_SQLITE.format(op=name, OP=name.upper()))

    op.execute("ALTER TABLE records RENAME TO records_0001")
    op.create_table(
        "records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("start_utc", sa.BigInteger, nullable=False),
        sa.Column("end_utc", sa.BigInteger, nullable=True),
        sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("source_id", sa.String(200), nullable=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("data", sa.Text, nullable=True),
    )
    op.execute(
        f"INSERT INTO records ({_RECORDS}, data) SELECT {_RECORDS}, "
        "CASE WHEN last_seq = id THEN NULL ELSE data END FROM records_0001 ORDER BY id"
    )
    op.execute("DROP TABLE records_0001")
    op.create_index("ix_records_start_utc", "records", ["start_utc"])
    op.create_index(
        "ix_records_running", "records", ["end_utc", "type"], sqlite_where=sa.text(_RUNNING)
    )
    op.create_index(
        "ix_records_source_id",
        "records",
        ["source_id"],
        unique=True,
        sqlite_where=sa.text(_IMPORTED),
    )


def _postgresql() -> None:
    """A server changes the tables in place (its primary keys are indexes either way)."""
    op.drop_constraint("ledger_hash_key", "ledger", type_="unique")
    op.drop_column("ledger", "prev_hash")
    op.alter_column("records", "data", existing_type=sa.Text, nullable=True)
    op.execute("UPDATE records SET data = NULL WHERE last_seq = id")
    op.drop_index("ix_records_running", "records")
    op.create_index(
        "ix_records_running", "records", ["end_utc", "type"], postgresql_where=sa.text(_RUNNING)
    )
    op.drop_index("ix_ledger_ref", "ledger")
    op.create_index("ix_ledger_ref", "ledger", ["ref"], postgresql_where=sa.text(_ABOUT_A_RECORD))
    op.drop_constraint("records_source_id_key", "records", type_="unique")
    op.create_index(
        "ix_records_source_id",
        "records",
        ["source_id"],
        unique=True,
        postgresql_where=sa.text(_IMPORTED),
    )
