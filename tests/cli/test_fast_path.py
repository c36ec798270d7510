"""The fast path of `ot log`, `ot add` and `ot report week` (cli/fast.py) against the typer
path (cli/root.py): the same declarations, the same call for every command line it takes, the
same bytes and exit codes; anything it does not take is left to typer."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import typer
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from offline_tracker import i18n
from offline_tracker.cli import argv, fast, hot, root, spec
from tests.conftest import Ot

HOT = {"log": spec.record_params(spec.LOG), "add": spec.record_params(spec.ADD)}
HOT["report week"] = spec.REPORT_WEEK


def _click_command(words: str) -> click.Command:
    root._register(words.split()[0])
    command: click.Command = typer.main.get_command(root.app)
    for word in words.split():
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), word)
        assert found is not None
        command = found
    return command


@pytest.mark.parametrize("words", HOT)
def test_typer_builds_the_hot_commands_from_the_same_declarations(words: str) -> None:
    """Every parameter typer has (but --help) is one of cli/spec.py's, with its flags, its
    kind, whether it is required; nothing else."""
    params = {p.name: p for p in _click_command(words).params if p.name != "help"}
    assert list(params) == [p.name for p in HOT[words]]
    for declared in HOT[words]:
        made, opt = params[declared.name], declared.opt
        assert made.required == (declared.default is spec.REQUIRED), declared.name
        if opt.kind == spec.ARGUMENT:
            assert isinstance(made, click.Argument) and made.nargs == 1
            continue
        assert isinstance(made, click.Option)
        assert {**dict.fromkeys(made.opts, True), **dict.fromkeys(made.secondary_opts, False)} == (
            opt.flags()
        )
        assert made.is_flag == (opt.kind in (spec.FLAG, spec.SWITCH))
        assert made.multiple == (opt.kind in (spec.MANY, spec.FILES))
        assert (opt.vocab is not None) == isinstance(made.type, click.Choice)
        if opt.vocab is not None:
            assert isinstance(made.type, click.Choice)
            assert tuple(made.type.choices) == opt.vocab[0]
        if declared.default is not spec.REQUIRED and opt.kind != spec.MANY:
            assert made.default in (declared.default, None), declared.name


class Calls:
    """What the command bodies (cli/hot.py) were called with, instead of running them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[tuple[Any, ...]] = []
        monkeypatch.setattr(hot, "record", self.record)
        monkeypatch.setattr(hot, "report_week", self.report_week)

    def record(self, state: Any, command: str, inp: Any, as_json: bool) -> None:
        self.made.append((state, command, inp, as_json))

    def report_week(self, state: Any, **values: Any) -> None:
        self.made.append((state, "report week", sorted(values.items())))

    def run(self, path: Callable[[list[str]], int | None], args: list[str]) -> Any:
        """(exit code, calls, what was printed) of one path's run of `args`."""
        self.made = []
        i18n.set_language("en")
        with CliRunner().isolation(input="text from a pipe") as (out, err, _):
            code = path(args)
        return code, self.made, out.getvalue().decode() + err.getvalue().decode()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Calls]:
    monkeypatch.setenv("OFFLINE_TRACKER_DB", str(tmp_path / "default.sqlite"))
    monkeypatch.delenv("_OT_COMPLETE", raising=False)
    (tmp_path / "shot.png").write_bytes(b"png")
    monkeypatch.chdir(tmp_path)
    yield Calls(monkeypatch)


def both(calls: Calls, args: list[str]) -> tuple[Any, Any]:
    """The fast path's and typer's (exit code, calls, output) for one command line."""
    return calls.run(fast.run, args), calls.run(root.run, args)


WORDS = [
    "2025-10-07 21:00",
    "23:40",
    "15m ago",
    "5",
    "1h30m",
    "wechat",
    "微信",
    "WeChat",
    "email",
    "supervisor",
    "客户",
    "replied",
    "instruction",
    "ack",
    "收到",
    "仅确认",
    "上级",
    "bogus",
    "Manager Li",
    "",
    " ",
    "-",
    "-5",
    "--",
    "a=b",
    "2025-W40",
    "this",
    "shot.png",
]
FLAGS = sorted(
    {word for params in HOT.values() for p in params for word in p.opt.flags()}
    | {"--help", "-h", "--version", "--nope", "-x", "-m5", "-cwechat", "--db", "--lang"}
)


def _given(draw: st.DrawFn, p: spec.Param) -> list[str]:
    """The words that give one parameter, in one of the forms a user types."""
    if p.opt.kind == spec.ARGUMENT:
        return [draw(st.sampled_from(WORDS))]
    flag = draw(st.sampled_from(sorted(p.opt.flags())))
    if p.opt.kind in (spec.FLAG, spec.SWITCH):
        return [flag]
    value = draw(st.sampled_from(WORDS))
    return draw(st.sampled_from([[flag, value], [f"{flag}={value}"]]))


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A hot command with some of its parameters in any order, in any form, now and then
    a word of another kind (an unknown option, --help, a global option) put in anywhere."""
    name = draw(st.sampled_from(sorted(HOT)))
    words = name.split()
    for p in draw(st.permutations(HOT[name])):
        # a required parameter nine times in ten (its absence is typer's), any other one in three
        required = p.default is spec.REQUIRED
        if draw(st.integers(0, 9)) != 0 if required else draw(st.integers(0, 2)) == 0:
            words += _given(draw, p)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        noise = draw(st.sampled_from([*FLAGS, *WORDS]))
        if draw(st.booleans()):
            noise = f"{noise}={draw(st.sampled_from(WORDS))}"
        words.insert(draw(st.integers(0, len(words))), noise)
    front = [["--db", "a.sqlite"], ["--db=b.sqlite"], ["--lang", "zh"], ["--lang=en"]]
    front += [["--lang", "fr"], ["--version"]]
    chosen = draw(st.lists(st.sampled_from(front), max_size=2))
    return [word for part in chosen for word in part] + words


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(args=command_lines())
def test_every_command_line_the_fast_path_takes_typer_takes_alike(
    calls: Calls, args: list[str]
) -> None:
    """Property: where the fast path runs a command line, typer runs it too, with the same
    exit code and the same call to the command's body; elsewhere it leaves it to typer."""
    quick, full = both(calls, args)
    event("fast" if quick[0] is not None else "typer")
    if quick[0] is None:
        assert quick[1:] == ([], "")  # nothing done, nothing said: typer's to run
        return
    assert quick == full, args


COMMON = [
    ["log", "a reply", "--at", "2025-10-07 21:00", "-m", "5", "-c", "wechat", "--who", "Li"],
    ["log", "收到", "--kind", "仅确认", "--channel=钉钉", "--role", "supervisor", "--json"],
    ["log", "x", "-t", "a", "--tag=b", "-t", "a", "--emergency", "--direction", "received"],
    ["log", "-", "--until", "now", "--minutes", "20", "--no-emergency", "--allow-future"],
    ["--db", "elsewhere.sqlite", "--lang", "zh", "log", "x", "-k", "ack"],
    ["log", "x", "--db=elsewhere.sqlite"],
    ["add", "s", "--from", "2025-10-06 20:00", "--to", "2025-10-06 21:00"],
    ["add", "s", "--from=2025-10-06 20:00", "-m", "45", "--json", "--kind", "deliverable"],
    ["report", "week"],
    ["report", "week", "--json"],
    ["report", "week", "2025-W40", "--include-ack"],
    ["report", "week", "--week", "last", "--json"],
]


@pytest.mark.parametrize("args", COMMON)
def test_the_fast_path_runs_the_common_command_lines(calls: Calls, args: list[str]) -> None:
    quick, full = both(calls, args)
    assert quick[0] == 0 and quick[1], args
    assert quick == full


LEFT_TO_TYPER = [
    ["log", "x", "--help"],
    ["log", "-h"],
    ["log"],  # the text is missing
    ["log", "x", "y"],  # one argument too many
    ["log", "x", "--at"],  # no value
    ["log", "x", "--at", "--json"],  # typer would take --json as the time
    ["log", "x", "-m5"],
    ["log", "x", "--minutes", "-5"],
    ["log", "x", "--nope"],
    ["log", "x", "--json=yes"],
    ["log", "x", "--channel", "pigeon"],
    ["log", "x", "--at", "1:00", "--at", "2:00"],
    ["log", "x", "--attach", "shot.png"],
    ["log", "--", "-x"],
    ["--lang", "fr", "log", "x"],
    ["--db", "a", "--db", "b", "log", "x"],
    ["add", "s", "--to", "2025-10-06 21:00"],  # --from is required
    ["report", "week", "--help"],
    ["report", "month"],
    ["report", "--json", "week"],
    ["--version"],
    ["list"],
    [],
]


@pytest.mark.parametrize("args", LEFT_TO_TYPER)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert fast.parse(argv.hoist_globals(args)) is None


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_OT_COMPLETE", "bash_complete")
    assert fast.run(["log", "x"]) is None


# -- the whole commands, on two copies of one ledger: the same bytes and exit codes -------------
RUNS = [
    ["log", "a reply", "--at", "2025-10-07 21:00", "-m", "5", "-c", "微信", "--who", "Li"],
    ["log", "a reply", "--at", "2025-10-07 21:00", "-m", "5", "--json"],
    ["log", "x", "--at", "soon"],  # InputError: exit 2, one line
    ["log", "   "],  # no text
    ["log", "x", "--minutes", "lots"],
    ["log", "x", "--at", "2025-10-09 10:00"],  # in the future: cut at now, with a note
    ["add", "s", "--from", "2025-10-06 20:00", "--to", "2025-10-06 19:00"],
    ["add", "s", "--from", "2025-10-06 20:00", "--to", "2025-10-06 21:30", "--json"],
    ["add", "s", "--from", "2025-10-06 20:00"],  # no end
    ["--db", "missing.sqlite", "log", "x"],  # Refusal: exit 1
    ["report", "week"],
    ["report", "week", "2025-W40", "--json"],
    ["report", "week", "--week", "not a week"],
]


_HASH = re.compile("[0-9a-f]{64}")  # an entry's hash: its id is a random UUID


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("args", RUNS)
def test_both_paths_print_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], lang: str
) -> None:
    made = Ot(tmp_path / "made.sqlite")
    made.init()
    made("log", "before", "--at", "2025-10-06 21:00", "-m", "30")
    outputs = []
    for run in (fast.run, root.run):
        folder = tmp_path / run.__module__
        folder.mkdir()
        shutil.copyfile(made.db, folder / "ledger.sqlite")
        monkeypatch.chdir(folder)
        env = {"OFFLINE_TRACKER_NOW": made.now, "OFFLINE_TRACKER_DB": "ledger.sqlite"}
        i18n.set_language(lang)
        with CliRunner().isolation(env={**env, "NO_COLOR": "1"}) as (out, err, _):
            code = run([*args, "--lang", lang])
        printed = (out.getvalue().decode(), err.getvalue().decode())
        outputs.append((code, *(_HASH.sub("<hash>", text) for text in printed)))
    i18n.set_language("en")
    assert outputs[0][0] is not None
    assert outputs[0] == outputs[1]


_PATHS = {
    "fast": "from offline_tracker.cli import main\nmain(sys.argv[1:])",
    "typer": "from offline_tracker.cli.root import run\nsys.exit(run(sys.argv[1:]))",
}


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_a_process_prints_the_same_bytes_either_way(tmp_path: Path, encoding: str) -> None:
    """As processes, an ASCII stdout too (a misconfigured locale: click writes UTF-8 there)."""
    made = Ot(tmp_path / "made.sqlite")
    made.init()
    results = []
    for name, code in _PATHS.items():
        db = tmp_path / f"{name}.sqlite"
        shutil.copyfile(made.db, db)
        env = {**os.environ, "OFFLINE_TRACKER_NOW": made.now, "OFFLINE_TRACKER_DB": str(db)}
        env.update(PYTHONIOENCODING=encoding, NO_COLOR="1", OFFLINE_TRACKER_LANG="zh")
        args = ["log", "回复经理", "--at", "2025-10-07 21:00", "-m", "5", "-c", "微信"]
        for words in (args, ["log", "x", "--at", "不是时间"]):
            proc = subprocess.run(
                [sys.executable, "-c", f"import sys\n{code}", *words],
                capture_output=True,
                env=env,
                timeout=60,
            )
            results.append((name, proc.returncode, proc.stdout, proc.stderr))
    fast_runs, typer_runs = results[:2], results[2:]
    assert [r[1:] for r in fast_runs] == [r[1:] for r in typer_runs]
    assert fast_runs[0][1] == 0 and "已记录".encode() in fast_runs[0][2]
    assert fast_runs[1][1] == 2 and "不是时间".encode() in fast_runs[1][3]
