"""Every message exists in English and Chinese, with the same placeholders (issue 4)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from offline_tracker.i18n import catalog, detect_language, t

PACKAGE = Path(__file__).resolve().parent.parent / "offline_tracker"
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
# Calls whose first string argument is a message key.
KEYED_CALLS = {"t", "InputError", "NotFound", "Message", "Failure", "Skip"}
# Calls whose second argument is a message key (after a line number): importers' problems.
SECOND_KEYED = {"row", "skip"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en, zh = catalog("en"), catalog("zh")
    assert set(en) == set(zh), sorted(set(en) ^ set(zh))
    different = [k for k in en if _fields(en[k]) != _fields(zh[k])]
    assert not different, different


def _keys_used() -> set[tuple[str, str]]:
    used = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[1] if name in SECOND_KEYED and len(node.args) > 1 else node.args[0]
            keyed = name in KEYED_CALLS or (name or "").endswith("Error")
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if keyed and literal and KEY.match(first.value):
                used.add((str(path.relative_to(PACKAGE)), first.value))
            elif name == "accepted" and literal:  # what a source accepts: accepted.<source>
                used.add((str(path.relative_to(PACKAGE)), f"accepted.{first.value}"))
    return used


def test_english_counts_are_real_plurals() -> None:
    # Issue 16: "1 day", "2 days", never "day(s)": a count goes through formats.units.count.
    hedged = {key: text for key, text in catalog("en").items() if "(s)" in text}
    assert not hedged, hedged


def test_every_key_in_the_code_is_in_the_catalogs() -> None:
    en, zh = catalog("en"), catalog("zh")
    assert len(_keys_used()) > 40  # the scan finds the keys (a broken scan would pass silently)
    missing = sorted(
        f"{where}: {key}" for where, key in _keys_used() if key not in en or key not in zh
    )
    assert not missing, missing


@pytest.mark.parametrize(
    ("value", "lang"), [("zh_CN.UTF-8", "zh"), ("en_US.UTF-8", "en"), ("C", "en"), ("zh-TW", "zh")]
)
def test_language_from_the_locale(monkeypatch: pytest.MonkeyPatch, value: str, lang: str) -> None:
    for name in ("OFFLINE_TRACKER_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", value)
    assert detect_language() == lang


def test_explicit_language_wins_and_unknown_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFLINE_TRACKER_LANG", "zh")
    assert detect_language("en") == "en"
    assert detect_language() == "zh"
    with pytest.raises(ValueError):
        detect_language("fr")


def test_messages_render_in_both_languages() -> None:
    assert t("error.future", lang="en") != t("error.future", lang="zh")


def _clear_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OFFLINE_TRACKER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("language", "lang_var", "expected"),
    [("zh_CN:en", "en_US.UTF-8", "zh"), ("fr:en_GB", "zh_CN.UTF-8", "en"), ("fr", "zh_CN", "zh")],
)
def test_language_list_is_read_first(
    monkeypatch: pytest.MonkeyPatch, language: str, lang_var: str, expected: str
) -> None:
    """LANGUAGE is gettext's priority list: its first language we have wins over LANG."""
    _clear_locale(monkeypatch)
    monkeypatch.setenv("LANGUAGE", language)
    monkeypatch.setenv("LANG", lang_var)
    assert detect_language() == expected


def test_windows_ui_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from offline_tracker import i18n

    assert i18n.windows_ui_locale(0x0804) == "zh_CN"
    assert i18n.windows_ui_locale(0x0404) == "zh_TW"
    assert i18n.windows_ui_locale(0x0409) == "en_US"
    assert i18n.windows_ui_locale(0x7FFF) is None
    _clear_locale(monkeypatch)
    monkeypatch.setattr(i18n, "windows_ui_locale", lambda: "zh_CN")
    assert detect_language() == "zh"
    monkeypatch.setattr(i18n, "windows_ui_locale", lambda: None)
    assert detect_language() == "en"


@pytest.mark.parametrize("value", ["zh_TW.UTF-8", "zh_HK", "zh-Hant", "zh_MO.Big5"])
def test_traditional_chinese_is_noticed(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from offline_tracker.i18n import traditional_request

    _clear_locale(monkeypatch)
    monkeypatch.setenv("LANG", value)
    assert detect_language() == "zh" and traditional_request() == value
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert traditional_request() is None


def test_os_reasons_in_the_readers_language() -> None:
    """The system's reason by its errno name; one we have no words for is quoted as it is."""
    import errno

    from offline_tracker.domain.errors import os_reason
    from offline_tracker.i18n import os_text
    from offline_tracker.render import message

    assert os_text("ENOENT", "No such file or directory", "zh") == "文件或文件夹不存在"
    assert os_text("EACCES", "Permission denied", "en") == "Permission denied"
    assert os_text("EWHATEVER", "Odd failure", "zh") == "“Odd failure”"
    assert os_text("EWHATEVER", "Odd failure", "en") == "Odd failure"
    reason = os_reason(OSError(errno.ENOSPC, "No space left on device"))
    assert reason.params["code"] == "ENOSPC"
    assert message(reason) in ("No space left on device", "磁盘空间不足")
