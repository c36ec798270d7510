"""Every command is documented in docs/cli.md and shows an example in its --help."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from offline_tracker.cli.root import _register, app

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, object]]:
    _register()
    found: list[tuple[str, object]] = []

    def walk(cmd: object, path: str) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{path} {name}")
        else:
            found.append((path, cmd))

    walk(typer.main.get_command(app), "ot")
    return found


COMMANDS = _commands()


def test_there_are_commands() -> None:
    assert len(COMMANDS) > 10


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_documented_with_an_example(path: str, command: object) -> None:
    assert f"### `{path}`" in DOC, f"{path} is missing from docs/cli.md"
    epilog = getattr(command, "epilog", "") or ""
    assert path.split(" ", 1)[0] + " " in epilog, f"{path} --help has no example"
