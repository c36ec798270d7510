"""`ot CMD` builds only the module of CMD (cli/root.py COMMAND_HOMES): the map must say where
every top-level command really is, and each command must work when built alone."""

from __future__ import annotations

import importlib

import typer

from offline_tracker.cli import argv, root


def _names(app: typer.Typer) -> set[str]:
    return {c.name for c in app.registered_commands if c.name} | {
        g.name for g in app.registered_groups if g.name
    }


def test_command_homes_name_every_command_where_it_is_registered() -> None:
    found: dict[str, str] = {}
    for module in root.COMMAND_MODULES:
        scratch = typer.Typer()
        importlib.import_module(f"offline_tracker.cli.{module}").register(scratch)
        found.update(dict.fromkeys(_names(scratch), module))
    assert found == root.COMMAND_HOMES


def test_the_command_word_skips_global_options() -> None:
    assert root._command_word(["--db", "x.sqlite", "--lang=zh", "log", "hi"]) == "log"
    assert root._command_word(["--db", "x.sqlite", "--help"]) is None
    assert root._command_word([]) is None
    assert argv.version_first(["--lang", "zh", "--version"])
