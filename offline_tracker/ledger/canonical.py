"""The canonical byte encoding of a ledger entry (docs/ledger-format.md, format version 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

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
    fast = _msgspec()
    if fast is not None:
        try:
            encoded: bytes = fast.encoder.encode(value)
            return encoded
        except TypeError:  # a subclass of str or dict (an enum, a CLI value): the reference
            pass
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
    fast = _msgspec()
    if fast is not None:
        try:
            value = fast.decoder.decode(data)
            if type(value) is dict and fast.encoder.encode(value) == data:
                return value
        except (fast.error, ValueError, TypeError, OverflowError):
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


class _Msgspec(NamedTuple):
    encoder: Any
    decoder: Any
    error: type[Exception]


# msgspec encodes and decodes 4x faster than the standard library (`ot verify` decodes and
# re-encodes every entry), but importing it costs more than a command that writes one entry
# spends on the encoding (issue 19: 10 ms of `ot log`'s start-up). So a process uses the
# standard library for its first entries, msgspec from the WORTH_IT-th on. Both give the same
# bytes and the same verdicts (msgspec's sorted order and string escapes are the standard
# library's with ensure_ascii=False; tests/ledger check it), so which one ran never shows.
WORTH_IT = 64
_engine: dict[str, Any] = {"uses": 0, "msgspec": None}


def _msgspec() -> _Msgspec | None:
    """msgspec's encoder and decoder once this process has used the encoding WORTH_IT times."""
    fast: _Msgspec | None = _engine["msgspec"]
    if fast is None:
        _engine["uses"] += 1
        if _engine["uses"] < WORTH_IT:
            return None
        _engine["msgspec"] = fast = _load_msgspec()
    return fast


def _load_msgspec() -> _Msgspec:
    import msgspec

    encoder = msgspec.json.Encoder(order="sorted")
    return _Msgspec(encoder, msgspec.json.Decoder(float_hook=_no_float), msgspec.MsgspecError)


_STD_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_STD_DECODER = json.JSONDecoder(parse_float=_no_float, parse_constant=_no_float)

# canonical_bytes without its checking walk, for values made of canonical JSON already (a payload
# decoded from the ledger, a projection row): the same bytes at a fifth of the cost; and
# json.loads for those (str or bytes), 3x faster: exports decode every record's payload. Both
# are msgspec's, made when a module that streams rows imports them (module __getattr__).
plain_bytes: Callable[[Any], bytes]
plain_loads: Callable[[str | bytes], Any]


def __getattr__(name: str) -> Any:
    if name not in ("plain_bytes", "plain_loads"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    fast = _engine["msgspec"] = _engine["msgspec"] or _load_msgspec()
    import msgspec

    made = fast.encoder.encode if name == "plain_bytes" else msgspec.json.Decoder().decode
    globals()[name] = made
    return made
