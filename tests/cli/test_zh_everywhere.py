"""A zh user meets no English and no code (issue 16): every command's --help, the main error
paths and the everyday outputs, under --lang zh, hold no English word outside names (commands,
options, formats, products), paths, quotes and hashes. Planted English is caught."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import click
import pytest
import typer

from offline_tracker import i18n
from tests.conftest import Ot


@cache
def command_paths() -> tuple[tuple[str, ...], ...]:
    """Every command and group of `ot`, as the words that name it."""
    from offline_tracker.cli import root

    root._register()
    found: list[tuple[str, ...]] = []

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        found.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, (*path, name))

    walk(typer.main.get_command(root.app), ())
    return tuple(found)


# Names that stay as they are in Chinese: products, formats, tools, libraries, file kinds. A
# channel's code is not one (wechat, dingtalk): the zh names are 微信, 钉钉.
# fmt: off
NAMES = {
    "ot", "offline_tracker", "sqlite", "postgresql", "slack", "teams", "watson", "timewarrior",
    "activitywatch", "git", "zip", "ics", "csv", "xlsx", "json", "html", "shell", "bash", "zsh",
    "fish", "powershell", "libreoffice", "excel", "toggl", "track", "clockify", "wechatmsg",
    "pywxdump", "chatlog", "tsq", "tsr", "wal", "ppt", "iso", "utf", "windows", "macos", "linux",
    "icalendar", "outlook", "openssl", "asia", "shanghai", "holidays", "strptime", "maildir",
    "mbox", "eml", "curl",
}
# fmt: on
# What the user types as it is: the schedule's weekday words (mon-fri 09:00-18:00) and the
# values of --lang (en, zh) are input syntax, shown in examples.
SYNTAX = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "en", "zh"}
_REMOVED = (
    re.compile(r"“[^”]*”|‘[^’]*’|'[^']*'|\"[^\"]*\"|`[^`]*`|<[^>]*>"),  # quoted text
    re.compile(r"\S*[/\\]\S*|\S+\.[A-Za-z]\w*"),  # paths, file names, URLs
    re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*"),  # options
    re.compile(r"\b[0-9a-f]{8,}\b"),  # hashes
    re.compile(r"\S+=\S*"),  # KEY=VALUE examples
    re.compile(r"\b[A-Z][A-Z0-9_]+\b"),  # acronyms and variables: CSV, RFC, OFFLINE_TRACKER_DB
)
_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z]+(?![\w])")


# Commands of other tools, shown as they are typed.
PHRASES = ("timew export",)
_COMMAND_ROW = re.compile(r"^  ([a-z][a-z-]*)(?=\s{2,}|$)", re.M)  # a row of a Commands list


def english(text: str) -> list[str]:
    """The English words (or codes) left in `text` once names, paths and quotes are out."""
    for phrase in PHRASES:
        text = text.replace(phrase, " ")
    text = _COMMAND_ROW.sub(" ", text)
    for path in sorted(command_paths(), key=len, reverse=True):
        if path:
            text = text.replace(f"ot {' '.join(path)}", " ")
    for pattern in _REMOVED:
        text = pattern.sub(" ", text)
    return [w for w in _WORD.findall(text) if w.lower() not in NAMES | SYNTAX]


# Help texts are read when the command modules are imported, after `main` has set the
# language: each help is made in a fresh process, as `ot ... --help` is.
_HELPS = """
import json, sys
from offline_tracker import i18n
i18n.set_language("zh")
from offline_tracker.cli.root import run
from click.testing import CliRunner
out = {}
for line in sys.stdin:
    args = json.loads(line)
    with CliRunner().isolation(env={"COLUMNS": "80"}) as (o, e, _):
        code = run(args)
    out[" ".join(args)] = [code, o.getvalue().decode() + e.getvalue().decode()]
print(json.dumps(out))
"""


@cache
def helps() -> dict[str, list]:
    import json
    import subprocess
    import sys

    lines = "".join(json.dumps([*path, "--help"]) + "\n" for path in command_paths())
    done = subprocess.run(
        [sys.executable, "-c", _HELPS], input=lines, capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_help_is_chinese(path: tuple[str, ...]) -> None:
    code, text = helps()[" ".join((*path, "--help"))]
    assert code == 0, text
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert not english(text), (english(text), text)


def _error_cases(tmp: Path) -> list[tuple[str, ...]]:
    afile = tmp / "a-file"
    afile.write_text("not a folder")
    garbage = tmp / "garbage.sqlite"
    garbage.write_bytes(b"garbage" * 200)
    return [
        ("log",),
        ("show", "abc"),
        ("show", "999"),
        ("log", "x", "--channel", "传真"),
        ("log", "x", "--bogus"),
        ("lgo",),
        ("log", "x", "--at", "明年"),
        ("log", "x", "--at", "2099-01-01 10:00"),
        ("log", "x", "--minutes", "abc"),
        ("log", "x", "--at", "25点"),
        ("add", "x", "--from", "2025-10-05 10:00", "--to", "2025-10-05 09:00"),
        ("report", "week", "abc"),
        ("report", "month", "2025-13"),
        ("report", "day", "明天见"),
        ("contract", "set", "--timezone", "Mars/Base"),
        ("stop",),
        ("void", "1"),
        ("calendar", "set", "2025-10-11", "--as", "节日"),
        ("--db", str(afile / "ledger.sqlite"), "init"),
        ("--db", str(tmp / "none.sqlite"), "list"),
        ("--db", str(garbage), "list"),
        ("import", "csv", str(tmp / "none.csv"), "--map", "time=t"),
        ("export", "csv", "-o", str(afile / "out.csv")),
        ("backup", str(afile / "b.sqlite")),
    ]


def test_every_main_error_is_chinese(ledger: Ot, tmp_path: Path) -> None:
    for args in _error_cases(tmp_path):
        result = ledger(*args, lang="zh")
        said = result.out + result.err
        for typed in args:  # what the user typed comes back as typed
            said = re.sub(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", " ", said)
        said = said.replace("log", " ")  # the command suggested for `lgo`
        assert result.code in (1, 2), (args, said)
        assert re.search(r"[\u4e00-\u9fff]", said), (args, said)
        assert not english(said), (args, english(said), said)


def _everyday(ledger: Ot) -> list[tuple[str, ...]]:
    first = ledger(
        "log",
        "老板要PPT",
        "--at",
        "23点40",
        "-m",
        "40",
        "-c",
        "微信",
        "--who",
        "王经理",
        "--role",
        "上级",
        "--json",
        lang="zh",
    ).json()["record"]["id"]
    ledger("start", "修bug", "--channel", "钉钉", "--at", "9:00", lang="zh")
    return [
        ("log", "收到", "--kind", "仅确认", "--channel", "企业微信"),
        ("list",),
        ("show", str(first)),
        ("status",),
        ("contract", "show"),
        ("calendar", "show", "--year", "2025", "--month", "10"),
        ("stop",),
        ("amend", str(first), "--channel", "飞书", "--reason", "记错了"),
        ("show", str(first)),
        ("void", str(first), "--reason", "重复"),
        ("list",),
        ("verify",),
        ("doctor",),
        ("backup", str(ledger.db.parent / "copy.sqlite")),
        ("export", "csv", "-o", str(ledger.db.parent / "out.csv")),
        ("comp-time", "2025-10-01", "--hours", "1"),
        ("anchor",),
        ("db", "rebuild"),
    ]


def test_everyday_outputs_are_chinese(ledger: Ot) -> None:
    for args in _everyday(ledger):
        result = ledger(*args, lang="zh")
        said = result.out + result.err
        assert result.code == 0, (args, said)
        assert not english(said), (args, english(said), said)


def test_the_scan_sees_planted_english(ledger: Ot, monkeypatch: pytest.MonkeyPatch) -> None:
    """English in a help text, and a code left in an output, are both caught."""
    zh, en = dict(i18n.catalog("zh")), i18n.catalog("en")
    zh["help.opt.at"] = zh["help.opt.at"] + "Start time of the work."
    zh["report.channel.dingtalk"] = "dingtalk"
    monkeypatch.setattr(i18n, "catalog", lambda lang: zh if lang == "zh" else en)
    assert english(zh["help.opt.at"]) == ["Start", "time", "of", "the", "work"]
    logged = ledger("log", "x", "--channel", "dingtalk", lang="zh")
    assert logged.code == 0, logged.err
    listed = ledger("list", lang="zh").out
    assert "dingtalk" in english(listed), listed
    # and a click string that would fall through untranslated
    assert english("Usage: ot log [OPTIONS]") == ["Usage"]
