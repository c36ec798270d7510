"""The ledger, its append-only triggers and the projection tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY_SQLITE = """
CREATE TRIGGER ledger_no_{op} BEFORE {OP} ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {op} refused'); END
"""
_APPEND_ONLY_PG = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the ledger is append-only: % refused', TG_OP; END $$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger
FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
"""


def _projection(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name, sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False), *columns
    )


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("entry_id", sa.String(36), nullable=False, unique=True),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("ref", sa.BigInteger, nullable=True, index=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("start_utc", sa.BigInteger, nullable=False, index=True),
        sa.Column("end_utc", sa.BigInteger, nullable=True),
        sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("source_id", sa.String(200), nullable=True, unique=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_records_running", "records", ["end_utc", "type"])
    _projection(
        "contracts",
        sa.Column("effective", sa.String(10), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    _projection(
        "calendar_days",
        sa.Column("day", sa.String(10), nullable=False, index=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    _projection(
        "official_calendars",
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    _projection(
        "comp_time",
        sa.Column("day", sa.String(10), nullable=False, index=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    _projection(
        "anchors",
        sa.Column("head_seq", sa.BigInteger, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("update", "delete"):
            op.execute(_APPEND_ONLY_SQLITE.format(op=name, OP=name.upper()))
    elif bind.dialect.name == "postgresql":
        op.execute(_APPEND_ONLY_PG)
