"""Messages that tell the truth (issue 13; docs/reliability.md, "Attacks"): no password of a
database URL in any output, schema revisions compared as revisions, doctor on a newer schema."""

from __future__ import annotations

import sqlite3

import pytest

from offline_tracker.storage.schema import HEAD_REVISION
from tests.conftest import Ot


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://ot:s3cr3t-pw@127.0.0.1:1/ledger",  # nothing listens there
        "postgresql+nodriver://ot:s3cr3t-pw@127.0.0.1/ledger",  # no such driver
        "postgresql+psycopg://ot:s3cr3t-pw@[bad/ledger",  # not a URL SQLAlchemy reads
    ],
)
def test_a_database_url_is_never_printed_with_its_password(ot: Ot, url: str) -> None:
    for args in (["list"], ["verify"], ["doctor"]):
        result = ot("--db", url, *args)
        assert result.code == 1
        assert "s3cr3t-pw" not in result.out + result.err, (args, result.out, result.err)


def _set_revision(ot: Ot, *sql: str) -> None:
    conn = sqlite3.connect(ot.db)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_an_emptied_version_table_is_never_schema_none(ledger: Ot) -> None:
    _set_revision(ledger, "DELETE FROM alembic_version")
    result = ledger("list")
    assert result.code == 1 and "None" not in result.err
    assert "schema revision (empty) is not one this program knows" in result.err
    doctor = ledger("doctor")
    assert "None" not in doctor.out and doctor.code == 1


def test_a_revision_that_is_not_a_number_is_not_newer(ledger: Ot) -> None:
    _set_revision(ledger, "UPDATE alembic_version SET version_num = 'abc'")
    result = ledger("list")
    assert result.code == 1 and "newer" not in result.err  # 'abc' > '0001' as text
    assert "schema revision abc is not one this program knows" in result.err


def test_doctor_on_a_newer_schema_says_to_upgrade(ledger: Ot) -> None:
    later = f"{int(HEAD_REVISION) + 1:04d}"
    _set_revision(ledger, f"UPDATE alembic_version SET version_num = '{later}'")
    assert "newer than this program knows" in ledger("list").err
    doctor = ledger("doctor")
    assert doctor.code == 1
    assert f"schema {later}, newer than this program knows ({HEAD_REVISION})" in doctor.out
    assert "upgrade offline_tracker" in doctor.out
    assert "recover" not in doctor.out and "restore" not in doctor.out
