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
    """--lang, then OFFLINE_TRACKER_LANG, then the locale as gettext reads it (LANGUAGE, a
    list; LC_ALL, LC_MESSAGES, LANG), then on Windows the user's UI language; else en."""
    found = _deciding(explicit)
    return "en" if found is None else _code(found) or "en"


def traditional_request(explicit: str | None = None) -> str | None:
    """The setting (zh_TW, zh_HK, zh-Hant ...) that asked for Traditional Chinese, which this
    program does not have (its zh is Simplified); None when none did."""
    found = _deciding(explicit)
    if found is None:
        return None
    code = found.strip().lower().replace("-", "_").split(".")[0]
    return found if code.startswith(_TRADITIONAL) else None


_TRADITIONAL = ("zh_tw", "zh_hk", "zh_mo", "zh_hant")


def _code(value: str) -> str | None:
    code = value.strip().lower().replace("-", "_")
    if code.startswith("zh"):
        return "zh"
    if code.startswith("en") or code in ("c", "posix") or code.startswith("c."):
        return "en"
    return None


def _deciding(explicit: str | None) -> str | None:
    """The first setting that names a language we have (an unknown --lang is an error)."""
    if explicit:
        if _code(explicit) is None:
            raise ValueError(f"unknown language {explicit!r}; accepted: en, zh")
        return explicit
    candidates = [os.environ.get("OFFLINE_TRACKER_LANG")]
    candidates += (os.environ.get("LANGUAGE") or "").split(":")
    candidates += [os.environ.get(k) for k in ("LC_ALL", "LC_MESSAGES", "LANG")]
    candidates.append(windows_ui_locale())
    return next((value for value in candidates if value and _code(value)), None)


def windows_ui_locale(langid: int | None = None) -> str | None:
    """The Windows display language as a locale name (zh_CN, zh_TW, en_US): `langid` or, on
    Windows, GetUserDefaultUILanguage(); None elsewhere or when it is unknown."""
    if langid is None:
        if os.name != "nt":
            return None
        import ctypes

        langid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    import locale

    return locale.windows_locale.get(langid)


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


def os_text(code: str, text: str, lang: str | None = None) -> str:
    """The system's reason for refusing (an errno name such as ENOENT, and its text) in the
    reader's language: our words for the common ones, else the system's own text, quoted."""
    key = f"os.{code.lower()}"
    if code and key in catalog("en"):
        return t(key, lang)
    return text if (lang or language()) == "en" else f"“{text}”"
