"""Click's and typer's own words in the user's language.

Click and typer call `gettext` for their messages (Usage, Options, "Show this message and
exit.", "is not a valid integer"). Their modules hold the functions they imported; `install`
gives them ours, which read locales/click/<lang>.json (msgid -> text, a gettext catalog as JSON)
in the language chosen by --lang, not the process locale gettext would read. `localize` then
names each command's arguments, metavars and usage pieces in that language, and help text
wraps at CJK character boundaries (cli/wrap.py).
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import click

from offline_tracker.i18n import catalog, language, t

# Every module of click and typer that translates its messages through gettext.
MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "typer.core",
)
CATALOGS = Path(__file__).resolve().parent.parent / "locales" / "click"


@cache
def click_catalog(lang: str) -> dict[str, str]:
    """click's and typer's msgids with their text in `lang` (none for English)."""
    path = CATALOGS / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def gettext(message: str) -> str:
    return click_catalog(language()).get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    msgid = singular if n == 1 else plural
    return click_catalog(language()).get(msgid, msgid)


_installed: list[bool] = []


def install() -> None:
    """Give click's and typer's modules our gettext, and help text our wrapping (once)."""
    if _installed:
        return
    from offline_tracker.cli import wrap

    for name in MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            setattr(module, "_", gettext)  # noqa: B010
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", ngettext)  # noqa: B010
    formatting = importlib.import_module("click.formatting")
    setattr(formatting, "wrap_text", wrap.wrap_text)  # noqa: B010
    setattr(formatting, "term_len", wrap.term_len)  # noqa: B010 (option names' column)
    _installed.append(True)


def param_name(param: click.Parameter) -> str:
    """An argument by its name in the reader's language (`内容`), an option by its flag."""
    if isinstance(param, click.Argument):
        return getattr(param, "ot_name", None) or t(f"param.{_slug(param.metavar or param.name)}")
    return param.opts[0] if param.opts else str(param.name)


def localize(command: click.Command) -> None:
    """Name the usage pieces, arguments and metavars of `command` and its subcommands in the
    current language; the completion options get translated help; the list of commands shows
    each one's first sentence, whole."""
    from offline_tracker.cli.wrap import first_sentence

    command.options_metavar = t("usage.options")
    if command.help and not command.short_help:
        command.short_help = first_sentence(command.help)
    if isinstance(command, click.Group):
        command.subcommand_metavar = t("usage.subcommand")
        for sub in command.commands.values():
            localize(sub)
    for param in command.params:
        _localize_param(param)


_COMPLETION = ("install_completion", "show_completion")


def _slug(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (text or "").strip("[]").lower()).strip("_")


def _localize_param(param: click.Parameter) -> None:
    if param.name in _COMPLETION:
        param.help = t(f"help.opt.{param.name}")
    if isinstance(param.type, click.types.IntParamType | click.types.FloatParamType):
        param.type = _named(param.type)
    if isinstance(param, click.Argument):
        name = param_name(param)
        param.ot_name = name  # type: ignore[attr-defined]
        param.metavar = name + ("..." if param.nargs == -1 else "")
        return
    if getattr(param, "is_flag", False) or isinstance(param.type, click.Choice):
        return
    shown = param.metavar or _type_metavar(param.type)
    key = f"metavar.{_slug(shown)}"
    if shown is not None and key in catalog("en"):
        param.metavar = t(key)


def _named(kind: Any) -> Any:
    """A number type whose name ("not a valid integer") is in the reader's language; click's
    own is shared by every command, so it is copied."""
    named = copy.copy(kind)
    named.name = t(f"type.{_slug(kind.name)}")
    return named


def _type_metavar(kind: Any) -> str | None:
    if isinstance(kind, click.Path):
        return "FILE" if kind.file_okay and not kind.dir_okay else "PATH"
    name = getattr(kind, "name", None)
    return name.upper() if isinstance(name, str) else None
