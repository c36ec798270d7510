"""The one writer of `--json` output: text as typed (中文 stays 中文), indented by two."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any


def to_json(data: Any) -> str:
    """`data` as the JSON a command prints; dates, paths and decimals as their text."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_text)


def _text(value: Any) -> str:
    if isinstance(value, date | Path | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def written_json(entries: Any, **fields: Any) -> str:
    """`--json` of a write that adds ledger entries but no record (init, contract, calendar...)."""
    listed = [{"seq": e.seq, "hash": e.hash} for e in entries]
    return to_json({**fields, "entry": listed[-1] if listed else None, "entries": listed})
