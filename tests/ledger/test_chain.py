"""The canonical encoding and the hash chain against the published vectors (ledger-format.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offline_tracker.ledger.canonical import EncodingError, canonical_bytes, decode_body, entry_body
from offline_tracker.ledger.chain import GENESIS, StoredEntry, entry_hash, verify_chain

HERE = Path(__file__).parent
VECTORS = json.loads((HERE / "vectors.json").read_text(encoding="utf-8"))
DOC = (HERE.parent.parent / "docs" / "ledger-format.md").read_text(encoding="utf-8")


def _stored() -> list[StoredEntry]:
    return [
        StoredEntry(
            *(v["seq"], v["id"], v["kind"], v["body"].encode("utf-8"), v["hash"], v["at"]),
            v["data"].get("record") if v["kind"] != "record.add" else None,
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
    entries[index] = entries[index]._replace(body=bytes(body))
    report = verify_chain(entries)
    assert not report.ok
    assert {p.where for p in report.problems} == {index + 1}


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
        assert report.problems[0].where == index + 2


def test_a_changed_hash_names_its_entry_and_the_broken_link_after_it() -> None:
    """The link is the stored hash of the row before (no prev_hash column since schema 0002):
    a changed hash is that entry's mismatch and the next entry's broken link, as it was when a
    prev_hash column was compared; the next entry's own content is not blamed."""
    entries = _stored()
    entries[0] = entries[0]._replace(hash="f" * 64)
    problems = [(p.where, p.code) for p in verify_chain(entries).problems]
    assert problems == [(1, "hash_mismatch"), (2, "broken_link")]


def test_a_walk_from_the_middle_finds_what_the_whole_walk_finds() -> None:
    """verify_chain's `start` and `made`: the second half of a two-process `ot verify`."""
    entries = _stored()
    entries[0] = entries[0]._replace(hash="f" * 64)
    made = entry_hash(GENESIS, entries[0].body)
    later = verify_chain(entries[1:], start=("f" * 64, 2), made=made)
    assert [(p.where, p.code) for p in later.problems] == [(2, "broken_link")]
    assert verify_chain(_stored()[1:], start=(VECTORS[0]["hash"], 2)).ok


def test_an_entry_after_a_gap_has_a_broken_link() -> None:
    entries = _stored()
    del entries[1]
    problems = [(p.where, p.code) for p in verify_chain(entries).problems]
    assert problems == [(3, "missing"), (3, "broken_link")]


def test_swapped_entries_are_named() -> None:
    entries = _stored()
    entries[0], entries[1] = entries[1], entries[0]
    report = verify_chain(entries)
    assert {p.where for p in report.problems} >= {1, 2}


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


@pytest.fixture(params=["standard library", "msgspec"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both codecs of ledger/canonical.py: the standard library a process starts with, then
    msgspec from the WORTH_IT-th use on (issue 19); each must give the reference bytes."""
    from offline_tracker.ledger import canonical

    monkeypatch.setitem(canonical._engine, "msgspec", None)
    monkeypatch.setitem(canonical._engine, "uses", 0)
    monkeypatch.setattr(canonical, "WORTH_IT", 10**9 if request.param != "msgspec" else 0)
    return str(request.param)


@pytest.mark.usefixtures("engine")
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(json_values)
def test_canonical_encoding_round_trips(value: object) -> None:
    encoded = canonical_bytes(value)
    assert canonical_bytes(json.loads(encoded)) == encoded


REFERENCE = {"ensure_ascii": False, "sort_keys": True, "separators": (",", ":")}


@pytest.mark.usefixtures("engine")
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(json_values)
def test_the_fast_codec_writes_the_reference_bytes(value: object) -> None:
    """msgspec (issue 7) writes exactly what the spec's json.dumps recipe writes."""
    assert canonical_bytes(value) == json.dumps(value, **REFERENCE).encode("utf-8")


def _reference_decode(body: bytes) -> object:
    """The spec's definition of a canonical body, with the standard library only."""
    try:
        text = body.decode("utf-8")
        value = json.loads(text, parse_float=_refuse, parse_constant=_refuse)
    except ValueError:
        return "refused"
    ok = isinstance(value, dict) and json.dumps(value, **REFERENCE) == text
    return value if ok else "refused"


def _refuse(text: str) -> object:
    raise ValueError(text)


def _decode(body: bytes) -> object:
    try:
        return decode_body(body)
    except ValueError:
        return "refused"


ALMOST_CANONICAL = [
    b'{"a":1.5}',
    b'{"a":1e5}',
    b'{"a":NaN}',
    b'{"a":-Infinity}',
    b'{"b":1,"a":2}',
    b'{"a":1,"a":1}',
    b'{"a": 1}',
    b'{"a":-0}',
    b'{"a":"\\u00e9"}',
    b'{"a":"\\ud800"}',
    b'{"a":"\xff"}',
    b'{"a":123456789012345678901234567890}',
    b"[1]",
    b'"a"',
    b'{"a":"\x7f\xe2\x80\xa8"}',
    b'{"a":"\\u007f"}',
]


@pytest.mark.usefixtures("engine")
@pytest.mark.parametrize("body", ALMOST_CANONICAL)
def test_decode_body_judges_edge_cases_as_the_reference(body: bytes) -> None:
    assert _decode(body) == _reference_decode(body)


@pytest.mark.usefixtures("engine")
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(json_values, st.data())
def test_decode_body_judges_changed_bodies_as_the_reference(
    value: object, data: st.DataObject
) -> None:
    body = bytearray(json.dumps({"data": value}, **REFERENCE).encode("utf-8"))
    if data.draw(st.booleans()):
        position = data.draw(st.integers(0, len(body) - 1))
        body[position] = data.draw(st.sampled_from(b' .e0-"\\:,{}[]\xc3'))
    assert _decode(bytes(body)) == _reference_decode(bytes(body))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2), st.data())
def test_any_single_changed_byte_is_detected(index: int, data: st.DataObject) -> None:
    entries = _stored()
    body = bytearray(entries[index].body)
    position = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    body[position] ^= flip
    entries[index] = entries[index]._replace(body=bytes(body))
    assert not verify_chain(entries).ok


def test_genesis_is_64_zeros() -> None:
    assert GENESIS == "0" * 64
