"""The record options of log, start, add and amend: declared once (cli/options.py), they read
the same on every command and each one reaches the record it describes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click
import pytest
import typer

from tests.conftest import Ot

DESCRIPTION = [
    "--channel",
    "--counterpart",
    "--role",
    "--direction",
    "--kind",
    "--tag",
    "--attach",
    "--emergency",
    "--allow-future",
    "--json",
]
OWN = {
    "log": ["TEXT", "--at", "--until", "--minutes"],
    "start": ["TEXT", "--at"],
    "add": ["TEXT", "--from", "--to", "--minutes"],
    "amend": ["ID", "--reason", "--text", "--at", "--until", "--minutes"],
}


def _commands() -> dict[str, click.Command]:
    from offline_tracker.cli import records

    app = typer.Typer()
    records.register(app)
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    return group.commands


@pytest.mark.parametrize("name", sorted(OWN))
def test_each_record_command_has_its_own_options_then_the_description(name: str) -> None:
    command = _commands()[name]
    names = [
        p.opts[0] if isinstance(p, click.Option) else p.human_readable_name for p in command.params
    ]
    assert names == OWN[name] + DESCRIPTION


def _help(param: click.Parameter) -> str | None:
    return param.help if isinstance(param, click.Option) else None


def test_the_description_reads_the_same_on_every_command() -> None:
    commands = _commands()

    def described(name: str) -> list[tuple[object, ...]]:
        shared = [p for p in commands[name].params if p.opts[0] in DESCRIPTION]
        return [(p.opts, p.secondary_opts, p.type.name, p.metavar, _help(p)) for p in shared]

    assert described("log") == described("start") == described("add") == described("amend")


ARGS = ["-c", "Email", "--who", "Li", "--role", "client", "--direction", "replied"]
ARGS += ["-k", "meeting", "-t", "x", "-t", "y", "--emergency", "--json"]
EXPECTED = {
    "channel": "email",
    "counterpart": "Li",
    "role": "client",
    "direction": "replied",
    "kind": "meeting",
    "tags": ["x", "y"],
    "emergency": True,
}


@pytest.mark.parametrize(
    "command",
    [
        ["log", "a", "--at", "2025-10-07 21:00", "-m", "20"],
        ["start", "a", "--at", "09:00"],
        ["add", "a", "--from", "2025-10-07 21:00", "--to", "2025-10-07 21:20"],
        ["amend", "3", "--reason", "said more", "--text", "a"],
    ],
    ids=lambda c: c[0],
)
def test_every_description_option_reaches_the_record(
    ledger: Ot, tmp_path: Path, command: list[str]
) -> None:
    if command[0] == "amend":
        assert ledger("log", "first", "--at", "2025-10-07 21:00", "-m", "20").code == 0
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"png")
    result = ledger(*command, *ARGS, "--attach", str(shot))
    assert result.code == 0, result.err
    record = result.json()["record"]
    assert {key: record[key] for key in EXPECTED} == EXPECTED
    digest = hashlib.sha256(b"png").hexdigest()
    assert record["attachments"] == [digest]  # the file's SHA-256 in the evidence store (E4)
    shown = ledger("show", str(record["id"]), "--json").json()["record"]
    assert {key: shown[key] for key in [*EXPECTED, "attachments"]} == {
        **EXPECTED,
        "attachments": [digest],
    }
