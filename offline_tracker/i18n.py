"""The one translation layer: every user-facing string is a key looked up in en.json or zh.json."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
_state = {"lang": ""}


def detect_language(explicit: str | None = None) -> str:
    """--lang, then OFFLINE_TRACKER_LANG, then the locale (LC_ALL, LC_MESSAGES, LANG), else en."""
    candidates = [explicit, os.environ.get("OFFLINE_TRACKER_LANG")]
    candidates += [os.environ.get(k) for k in ("LC_ALL", "LC_MESSAGES", "LANG")]
    for value in candidates:
        if value:
            code = value.strip().lower().replace("-", "_")
            if code.startswith("zh"):
                return "zh"
            if code.startswith("en") or code in ("c", "posix") or code.startswith("c."):
                return "en"
            if value is explicit:
                raise ValueError(f"unknown language {value!r}; accepted: en, zh")
    return "en"


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; accepted: {', '.join(LANGUAGES)}")
    _state["lang"] = lang


def language() -> str:
    if not _state["lang"]:
        try:
            _state["lang"] = detect_language()
        except ValueError:
            _state["lang"] = "en"
    return _state["lang"]


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language: every locales/<lang>/*.json file, one per area."""
    merged: dict[str, str] = {}
    for path in sorted((Path(__file__).parent / "locales" / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def t(key: str, lang: str | None = None, **params: Any) -> str:
    """The message `key` in the current language, with `{name}` fields filled from `params`."""
    messages = catalog(lang or language())
    text = messages.get(key) or catalog("en").get(key) or key
    return text.format(**params) if params else text
