"""The canonical byte encoding of a ledger entry (docs/ledger-format.md, format version 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

import msgspec

FORMAT_VERSION = 1


class EncodingError(ValueError):
    """A value that the canonical encoding does not allow (a float, a non-ASCII key, ...)."""


def _check(value: Any, path: str = "$") -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise EncodingError(f"{path}: integer out of the exact range of JSON numbers")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise EncodingError(f"{path}: keys must be ASCII strings, got {key!r}")
            _check(item, f"{path}.{key}")
        return
    raise EncodingError(f"{path}: {type(value).__name__} is not allowed (no floats; use strings)")


def canonical_bytes(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no insignificant white space (equal to RFC 8785 here)."""
    _check(value)
    return _encode(value)


def canonical_text(value: Any) -> str:
    """canonical_bytes as text without the checking walk (the projection tables' payloads)."""
    return _encode(value).decode("utf-8")


def _encode(value: Any) -> bytes:
    try:
        return _ENCODER.encode(value)
    except TypeError:  # a subclass of str or dict (an enum, a CLI value): the reference encoder
        return _STD_ENCODER.encode(value).encode("utf-8")


# The value of an entry's "clock" field when its recorded time came from a simulated clock
# (OFFLINE_TRACKER_NOW, demos and tests): the body says so, and `ot verify` reports it.
SIMULATED = "simulated"


class Stamp(NamedTuple):
    """When an entry is recorded (`at`, UTC text) and by which clock (None: the system clock)."""

    at: str
    clock: str | None = None


def as_stamp(stamp: Stamp | str) -> Stamp:
    """A Stamp; plain text is a time from the system clock."""
    return stamp if isinstance(stamp, Stamp) else Stamp(stamp)


def entry_body(
    seq: int, entry_id: str, stamp: Stamp | str, kind: str, data: dict[str, Any]
) -> bytes:
    """The bytes that are hashed and stored for one entry."""
    stamp = as_stamp(stamp)
    fields: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "seq": seq,
        "id": entry_id,
        "at": stamp.at,
        "kind": kind,
        "data": data,
    }
    if stamp.clock is not None:
        fields["clock"] = stamp.clock
    return canonical_bytes(fields)


def body_data(body: str) -> str:
    """The canonical JSON of an entry's `data`, cut from its canonical body without decoding it.

    The body's keys are sorted (`at`, `clock`, `data`, `id`, `kind`, `seq`, `v`): the data comes
    after the first `,"data":` (neither the time nor the clock holds one) and before the last
    `,"id":"` (nothing after it does; inside the data a quote would be escaped).
    """
    return body[body.find(',"data":') + 8 : body.rfind(',"id":"')]


def decode_body(body: bytes | str) -> dict[str, Any]:
    """Parse an entry body back into its fields; raises ValueError when it is not canonical.

    Canonical means: the standard library's `json.dumps(json.loads(body), ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))` gives the same bytes, and no float or NaN appears
    (docs/ledger-format.md). msgspec decides the common case 4x faster (`ot verify` does this
    for every entry): a body it parses without a float and re-encodes to the same bytes is
    canonical by that definition too. Anything else is judged by the standard library.
    """
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    try:
        value = _DECODER.decode(data)
        if type(value) is dict and _ENCODER.encode(value) == data:
            return value
    except (msgspec.MsgspecError, ValueError, TypeError, OverflowError):
        pass  # a float, a huge integer, not JSON...: the reference below decides and explains
    return _decode_reference(data)


def _decode_reference(data: bytes) -> dict[str, Any]:
    """decode_body by the definition, with the standard library."""
    text = data.decode("utf-8")
    value = _STD_DECODER.decode(text)
    if not isinstance(value, dict) or _STD_ENCODER.encode(value) != text:
        raise ValueError("entry body is not in canonical form")
    return value


def _no_float(text: str) -> Any:
    raise ValueError(f"{text}: floating-point numbers are not canonical")


# Built once: `ot verify` decodes and re-encodes every entry of the ledger. msgspec's sorted
# order and string escapes are the standard library's with ensure_ascii=False (tests check it).
_ENCODER = msgspec.json.Encoder(order="sorted")
_DECODER = msgspec.json.Decoder(float_hook=_no_float)
_STD_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_STD_DECODER = json.JSONDecoder(parse_float=_no_float, parse_constant=_no_float)
# canonical_bytes without its checking walk, for values made of canonical JSON already (a payload
# decoded from the ledger, a projection row): the same bytes at a fifth of the cost.
plain_bytes: Callable[[Any], bytes] = _ENCODER.encode
# json.loads for those (str or bytes), 3x faster: exports decode every record's payload.
plain_loads: Callable[[str | bytes], Any] = msgspec.json.Decoder().decode
