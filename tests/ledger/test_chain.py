"""The canonical encoding and the hash chain against the published vectors (ledger-format.md)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.ledger.canonical import EncodingError, canonical_bytes, entry_body
from offline_tracker.ledger.chain import GENESIS, StoredEntry, entry_hash, verify_chain

HERE = Path(__file__).parent
VECTORS = json.loads((HERE / "vectors.json").read_text(encoding="utf-8"))
DOC = (HERE.parent.parent / "docs" / "ledger-format.md").read_text(encoding="utf-8")


def _stored() -> list[StoredEntry]:
    return [
        StoredEntry(
            v["seq"], v["id"], v["kind"], v["body"].encode("utf-8"), v["prev_hash"], v["hash"]
        )
        for v in VECTORS
    ]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["kind"])
def test_vectors_encode_and_hash_as_published(vector: dict) -> None:
    body = entry_body(vector["seq"], vector["id"], vector["at"], vector["kind"], vector["data"])
    assert body.decode("utf-8") == vector["body"]
    assert entry_hash(vector["prev_hash"], body) == vector["hash"]
    # The spec's own recipe, written independently of our code.
    digest = hashlib.sha256((vector["prev_hash"] + vector["body"]).encode("utf-8")).hexdigest()
    assert digest == vector["hash"]


def test_vectors_are_in_the_spec() -> None:
    for vector in VECTORS:
        assert vector["hash"] in DOC
        assert vector["body"] in DOC


def test_intact_chain_verifies() -> None:
    report = verify_chain(_stored())
    assert report.ok and report.count == 3 and report.head_hash == VECTORS[-1]["hash"]


@pytest.mark.parametrize("index", range(3))
def test_changed_byte_is_named(index: int) -> None:
    entries = _stored()
    body = bytearray(entries[index].body)
    body[-5] ^= 0x01
    entries[index] = replace(entries[index], body=bytes(body))
    report = verify_chain(entries)
    assert not report.ok
    assert {p.seq for p in report.problems} == {index + 1}


@pytest.mark.parametrize("index", range(3))
def test_deleted_entry_is_named(index: int) -> None:
    entries = _stored()
    del entries[index]
    report = verify_chain(entries)
    if index == 2:
        # A truncated head cannot be seen from the chain alone: anchors catch it (docs).
        assert report.ok and report.count == 2
    else:
        assert not report.ok
        assert report.problems[0].seq == index + 2


def test_swapped_entries_are_named() -> None:
    entries = _stored()
    entries[0], entries[1] = entries[1], entries[0]
    report = verify_chain(entries)
    assert {p.seq for p in report.problems} >= {1, 2}


def test_floats_and_non_ascii_keys_are_refused() -> None:
    with pytest.raises(EncodingError):
        canonical_bytes({"minutes": 1.5})
    with pytest.raises(EncodingError):
        canonical_bytes({"分钟": 1})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(max_codepoint=127), max_size=8), children, max_size=4
        )
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_canonical_encoding_round_trips(value: object) -> None:
    encoded = canonical_bytes(value)
    assert canonical_bytes(json.loads(encoded)) == encoded


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2), st.data())
def test_any_single_changed_byte_is_detected(index: int, data: st.DataObject) -> None:
    entries = _stored()
    body = bytearray(entries[index].body)
    position = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    body[position] ^= flip
    entries[index] = replace(entries[index], body=bytes(body))
    assert not verify_chain(entries).ok


def test_genesis_is_64_zeros() -> None:
    assert GENESIS == "0" * 64
