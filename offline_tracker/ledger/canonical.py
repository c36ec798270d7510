"""The canonical byte encoding of a ledger entry (docs/ledger-format.md, format version 1)."""

from __future__ import annotations

import json
from typing import Any

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
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def entry_body(seq: int, entry_id: str, recorded_at: str, kind: str, data: dict[str, Any]) -> bytes:
    """The bytes that are hashed and stored for one entry."""
    return canonical_bytes(
        {
            "v": FORMAT_VERSION,
            "seq": seq,
            "id": entry_id,
            "at": recorded_at,
            "kind": kind,
            "data": data,
        }
    )


def _no_float(text: str) -> Any:
    raise ValueError(f"{text}: floating-point numbers are not canonical")


def decode_body(body: bytes | str) -> dict[str, Any]:
    """Parse an entry body back into its fields; raises ValueError when it is not canonical.

    Canonical means: re-encoding the parsed value gives the same bytes, and no float or NaN
    appears (the parser refuses them as it meets them, so no second walk is needed).
    """
    text = body if isinstance(body, str) else body.decode("utf-8")
    value = _DECODER.decode(text)
    if not isinstance(value, dict) or _ENCODER.encode(value) != text:
        raise ValueError("entry body is not in canonical form")
    return value


# Built once: `ot verify` decodes and re-encodes every entry of the ledger.
_DECODER = json.JSONDecoder(parse_float=_no_float, parse_constant=_no_float)
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
