"""Click's and typer's own words under --lang zh (issue 16): usage, sections, [required], their
errors, parameter names, Chinese vocabulary values, and help wrapped at CJK boundaries."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from offline_tracker.cli import localize, wrap
from tests.conftest import Ot


def _msgids() -> set[str]:
    """Every message click and typer pass through gettext (singular and plural forms)."""
    found = set()
    for name in localize.MODULES:
        tree = ast.parse(inspect.getsource(importlib.import_module(name)))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            count = {"_": 1, "ngettext": 2}.get(node.func.id, 0)
            for arg in node.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f} | set(
        re.findall(r"%\((\w+)\)", text)
    )


def test_every_click_message_has_a_chinese_text_with_the_same_fields() -> None:
    used = _msgids()
    assert len(used) > 50 and "Show this message and exit." in used  # the scan sees them
    zh = localize.click_catalog("zh")
    missing = sorted(used - set(zh))
    assert not missing, missing
    assert not [m for m in used if _fields(m) != _fields(zh[m])]
    assert all(re.search(r"[\u4e00-\u9fff]", zh[m]) for m in used if re.search("[a-z]{3}", m))


def _help(lang: str) -> str:
    """`ot log --help` from the installed command: help texts are read once per process, when
    the command's module is imported, so an in-process run would see the first test's language."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "OFFLINE_TRACKER_LANG": lang}
    ot = Path(sys.executable).parent / "ot"
    done = subprocess.run(
        [str(ot), "--lang", lang, "log", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_is_chinese_and_english_stays_english() -> None:
    zh = _help("zh")
    for words in ("用法: ot log [选项] 内容", "参数:", "选项:", "[必填]", "显示本帮助并退出。"):
        assert words in zh, zh
    assert "[微信|企业微信|钉钉|飞书|邮件|电话|短信" in zh
    assert not re.search(r"Usage|Options|required|Show this|TEXT|\[wechat", zh), zh
    en = _help("en")
    assert "Usage: ot log [OPTIONS] TEXT" in en and "Show this message and exit." in en
    assert "[wechat|wecom|dingtalk" in en


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("log",), "缺少：内容"),
        (("show", "abc"), "'abc' 不是有效的整数"),
        (("log", "x", "--channel", "传真"), "--channel 的值 '传真' 无效；可用：微信、企业微信"),
        (("log", "x", "--bogus"), "没有这个选项：--bogus"),
        (("lgo",), "没有这个命令：lgo（是不是要用：log？）"),
        (("report", "month", "1", "2"), "多出了参数（2）"),
    ],
)
def test_usage_errors_in_chinese(ledger: Ot, args: tuple[str, ...], said: str) -> None:
    result = ledger(*args, lang="zh")
    assert result.code == 2 and said in result.err, result.err
    assert "Error" not in result.err and "Invalid" not in result.err
    # Chinese punctuation around the message too: 错误：…（参见 '…'）, not "错误: … (参见 …)".
    assert result.err.startswith("错误：") and "（参见 'ot " in result.err, result.err


def test_missing_argument_in_english_names_it_as_help_does(ledger: Ot) -> None:
    assert "missing TEXT" in ledger("log").err


@pytest.mark.parametrize(
    ("option", "typed", "code"),
    [
        ("--channel", "微信", "wechat"),
        ("--channel", "钉钉", "dingtalk"),
        ("--channel", "企业微信", "wecom"),
        ("--channel", "飞书", "feishu"),
        ("--channel", "短信", "sms"),
        ("--channel", "WeChat", "wechat"),
        ("--role", "上级", "supervisor"),
        ("--kind", "会议", "meeting"),
        ("--direction", "已回复", "replied"),
    ],
)
def test_vocabulary_typed_in_chinese(ledger: Ot, option: str, typed: str, code: str) -> None:
    result = ledger("log", "x", option, typed, "--json", lang="zh")
    assert result.code == 0, result.err
    record = result.json()["record"]
    assert record[option.lstrip("-")] == code


def test_contract_words_typed_in_chinese(ledger: Ot) -> None:
    result = ledger("contract", "set", "--system", "综合计算工时制", "--cycle", "月", "--json")
    assert result.code == 0, result.err
    assert "comprehensive" in result.out and "month" in result.out


def test_calendar_day_type_in_chinese(ledger: Ot) -> None:
    result = ledger("calendar", "set", "2025-10-11", "--as", "休息日", lang="zh")
    assert result.code == 0, result.err
    assert "休息日" in ledger("calendar", "show", "--year", "2025", "--month", "10", lang="zh").out


WRAPPED = "渠道：wechat（微信）、dingtalk（钉钉）。用 --at 指定开始时间，例如 yesterday 23:40。"


@pytest.mark.parametrize("limit", range(8, 40))
def test_wrap_breaks_between_cjk_never_inside_a_word(limit: int) -> None:
    lines = wrap.fill(WRAPPED, limit).split("\n")
    words = set(re.findall(r"[A-Za-z0-9:\-]+", WRAPPED))
    for line in lines:
        assert set(re.findall(r"[A-Za-z0-9:\-]+", line)) <= words, lines
        assert wrap.width(line) <= limit or " " not in line.strip(), lines
        assert not re.match(r"[，。、；：）”]", line), lines
        assert not re.search(r"[（“]$", line), lines
    assert "".join(lines).replace(" ", "") == WRAPPED.replace(" ", "")


def test_help_at_a_narrow_terminal(ledger: Ot) -> None:
    """At 50 columns a wrapped line of `ot log --help` is no wider than 50 unless it is one
    unbreakable piece, and every English word of the help comes out whole; preformatted blocks
    (the table of examples) stay as they are."""
    narrow = ledger("log", "--help", lang="zh", env={"COLUMNS": "50"}).out
    wide = ledger("log", "--help", lang="zh", env={"COLUMNS": "200"}).out
    whole = set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", wide))
    for line in narrow.splitlines():
        assert set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", line)) <= whole, line
        if wrap.width(line) > 50 and line not in wide.splitlines():
            assert "[" in line, line  # a choice list, one piece


def test_traditional_chinese_users_are_told_once(
    ledger: Ot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("OFFLINE_TRACKER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    first = ledger("status", lang="zh")
    assert "只有简体中文界面" in first.err and "zh_TW.UTF-8" in first.err, first.err
    assert "只有简体中文界面" not in ledger("status", lang="zh").err
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "简体" not in ledger("status", lang="zh").err


def test_storage_and_os_errors_in_chinese(ledger: Ot, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"garbage" * 200)
    damaged = ledger("--db", str(garbage), "list", lang="zh")
    assert (
        damaged.code == 1 and "已损坏" in damaged.err and "“file is not a database”" in damaged.err
    )
    assert "is damaged" in ledger("--db", str(garbage), "list").err
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    blocked = ledger("export", "csv", "-o", str(blocker / "out.csv"), lang="zh")
    assert blocked.code == 1 and "不是文件夹" in blocked.err, blocked.err
    none = ledger("--db", str(tmp_path / "none.sqlite"), "list", lang="zh")
    assert "处没有账本；用 'ot init' 新建" in none.err, none.err
