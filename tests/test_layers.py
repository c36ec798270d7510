"""The layer arrows of ARCHITECTURE.md, on every import form, and proof that each kind of
violation is caught: a copy of the package with one planted in it must fail the check."""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "offline_tracker"

# layer -> the offline_tracker layers it may import ("root" is offline_tracker/__init__.py)
ALLOWED = {
    "domain": {"domain"},
    "ledger": {"ledger", "domain"},
    "storage": {"storage", "ledger", "domain"},
    "formats": {"formats", "domain", "ledger"},
    "render": {"render", "domain", "formats", "i18n"},
    "app": {"app", "domain", "ledger", "storage", "formats", "clock", "paths", "i18n"},
    "cli": {"cli", "app", "render", "clock", "i18n", "paths", "domain", "formats"},
    "clock": set(),
    "i18n": set(),
    "paths": set(),
    "__main__": {"cli"},
    "root": set(),
}
# third-party and standard modules that only some layers may use
ONLY_IN = {
    "typer": {"cli"},
    "click": {"cli"},
    "rich": {"cli", "render"},
    "sqlite3": {"storage"},
    "sqlalchemy": {"storage"},
    "alembic": {"storage"},
    "psycopg": {"storage"},
}
# The domain is pure: no files, no environment, no process, no network, no clock.
DOMAIN_BANNED = {
    "os",
    "sys",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "subprocess",
    "socket",
    "urllib",
    "http",
    "time",
    "importlib",
    "builtins.open",
    "builtins.print",
    "builtins.input",
}
CLOCK_READS = {
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.localtime",
    "time.ctime",
}
BUILTINS = ("open", "print", "input", "__import__", "getattr")


@dataclass
class _References(ast.NodeVisitor):
    """Every module a file imports and every dotted name it uses, with aliases resolved."""

    package: str  # the package relative imports start from
    aliases: dict[str, str] = field(default_factory=dict)
    found: list[tuple[int, str]] = field(default_factory=list)

    def _absolute(self, module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        base = self.package.split(".")[: len(self.package.split(".")) - level + 1]
        return ".".join([*base, module] if module else base)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((node.lineno, alias.name))
            local = alias.asname or alias.name.split(".")[0]
            self.aliases[local] = alias.name if alias.asname else local

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._absolute(node.module, node.level)
        for alias in node.names:
            name = base if alias.name == "*" else f"{base}.{alias.name}"
            self.found.append((node.lineno, name))
            if alias.name != "*":
                self.aliases[alias.asname or alias.name] = name

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        target = self.dotted(node.value)  # `now = datetime.now`: the alias of a clock read
        for name in node.targets:
            if target and isinstance(name, ast.Name):
                self.aliases[name.id] = target

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func = self.dotted(node.func)
        if func in ("importlib.import_module", "importlib.__import__", "builtins.__import__"):
            module = _constant(node.args[0]) if node.args else None
            if module is not None:
                level = len(module) - len(module.lstrip("."))
                self.found.append((node.lineno, self._absolute(module[level:] or None, level)))
        elif func == "builtins.getattr" and len(node.args) >= 2:
            owner, attr = self.dotted(node.args[0]), _constant(node.args[1])
            if owner and attr:
                self.found.append((node.lineno, f"{owner}.{attr}"))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.dotted(node)
        if name:
            self.found.append((node.lineno, name))
        else:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        name = self.dotted(node)
        if name:
            self.found.append((node.lineno, name))

    def dotted(self, node: ast.expr) -> str | None:
        """`dt.datetime.now` -> "datetime.datetime.now" when `dt` names an import."""
        if isinstance(node, ast.Attribute):
            owner = self.dotted(node.value)
            return f"{owner}.{node.attr}" if owner else None
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return f"builtins.{node.id}" if node.id in BUILTINS else None
        return None


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _module(rel: Path) -> tuple[str, str]:
    """(the file's layer, the package its relative imports start from)."""
    parts = ["offline_tracker", *rel.with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
        package = ".".join(parts)
    else:
        package = ".".join(parts[:-1])
    layer = parts[1] if len(parts) > 1 else "root"
    return layer, package


def _target(name: str, package: Path) -> str | None:
    """The offline_tracker layer a dotted name points into (None: not ours)."""
    parts = name.split(".")
    if parts[0] != "offline_tracker":
        return None
    if len(parts) == 1:
        return "root"
    first = parts[1]
    known = (package / first).is_dir() or (package / f"{first}.py").is_file()
    return first if known else "root"  # `from offline_tracker import __version__`


def _broken_rules(layer: str, name: str, package: Path) -> list[str]:
    wrong = []
    target = _target(name, package)
    if target is not None and target != layer and target not in ALLOWED[layer] | {"root"}:
        wrong.append(f"imports {name} (layer {target})")
    top = name.split(".")[0]
    if top in ONLY_IN and layer not in ONLY_IN[top]:
        wrong.append(f"uses {name} (only {', '.join(sorted(ONLY_IN[top]))} may)")
    if layer == "domain" and any(name == b or name.startswith(b + ".") for b in DOMAIN_BANNED):
        wrong.append(f"uses {name} (the domain does no I/O and reads no environment)")
    if name in CLOCK_READS and layer != "clock":
        wrong.append(f"reads the clock: {name} (only clock.py may)")
    return wrong


@cache
def _file_violations(rel: Path, text: str, package: Path) -> tuple[str, ...]:
    layer, base = _module(rel)
    if layer not in ALLOWED:
        return (f"{rel}: {layer} is not a layer of ARCHITECTURE.md",)
    refs = _References(base)
    refs.visit(ast.parse(text))
    found: dict[str, str] = {}  # each broken rule once a file, at its first line
    for line, name in refs.found:
        for why in _broken_rules(layer, name, package):
            found.setdefault(why, f"{rel}:{line} {why}")
    return tuple(found.values())


def violations(package: Path) -> list[str]:
    """Every broken arrow or ban in the package at `package`."""
    found: list[str] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        found += _file_violations(rel, path.read_text(encoding="utf-8"), package)
    return found


def test_the_package_keeps_its_layers() -> None:
    wrong = violations(PACKAGE)
    assert not wrong, "\n".join(wrong)


# Each kind of violation, planted as (file, source, what the report must say).
PLANTED = [
    ("domain/x.py", "from offline_tracker import storage\n", "imports offline_tracker.storage"),
    ("domain/x.py", "from ..storage import db\n", "imports offline_tracker.storage.db"),
    ("domain/x.py", "from .. import storage\n", "imports offline_tracker.storage"),
    ("domain/sub/__init__.py", "from ...app import core\n", "imports offline_tracker.app.core"),
    ("formats/x.py", "import offline_tracker.app.core as c\n", "imports offline_tracker.app"),
    ("app/x.py", "from offline_tracker.cli import root\n", "imports offline_tracker.cli.root"),
    ("render/x.py", "from offline_tracker.storage import queries\n", "imports offline_tracker"),
    ("domain/x.py", "import offline_tracker.clock\n", "imports offline_tracker.clock"),
    ("domain/x.py", "import sqlite3\n", "uses sqlite3"),
    ("app/x.py", "import sqlite3\n", "uses sqlite3"),
    ("formats/x.py", "from sqlalchemy import text\n", "uses sqlalchemy.text"),
    ("domain/x.py", "import os\nX = os.environ.get('A')\n", "uses os"),
    ("domain/x.py", "from os import environ\n", "uses os.environ"),
    ("domain/x.py", "def f(p):\n    return open(p).read()\n", "uses builtins.open"),
    ("domain/x.py", "print('hello')\n", "uses builtins.print"),
    ("app/x.py", "import typer\n", "uses typer"),
    ("render/x.py", "import typer\n", "uses typer"),
    ("formats/x.py", "from rich.table import Table\n", "uses rich.table.Table"),
    ("ledger/x.py", "import click as c\n", "uses click"),
    (
        "domain/x.py",
        "import importlib\nm = importlib.import_module('offline_tracker.storage')\n",
        "imports offline_tracker.storage",
    ),
    (
        "formats/x.py",
        "from importlib import import_module as load\nm = load('..app.core', __package__)\n",
        "imports offline_tracker.app.core",
    ),
    ("formats/x.py", "m = __import__('sqlite3')\n", "uses sqlite3"),
    ("ledger/x.py", "from datetime import datetime as dt\nx = dt.now()\n", "reads the clock"),
    ("formats/x.py", "import datetime as d\nx = d.date.today()\n", "reads the clock"),
    (
        "app/x.py",
        "from datetime import datetime\nnow = datetime.now\nx = now()\n",
        "reads the clock: datetime.datetime.now",
    ),
    ("storage/x.py", "import datetime\nx = datetime.datetime.utcnow()\n", "reads the clock"),
    ("render/x.py", "from time import time\nx = time()\n", "reads the clock: time.time"),
    (
        "cli/x.py",
        "from datetime import date\nx = getattr(date, 'today')()\n",
        "reads the clock: datetime.date.today",
    ),
    ("domain/x.py", "from time import time_ns\n", "reads the clock: time.time_ns"),
    ("scripts.py", "X = 1\n", "is not a layer"),
]


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("copy") / "offline_tracker"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    return target


@pytest.mark.parametrize(("where", "source", "said"), PLANTED)
def test_a_planted_violation_is_caught(copy: Path, where: str, source: str, said: str) -> None:
    planted = copy / where
    planted.parent.mkdir(exist_ok=True)
    planted.write_text(source, encoding="utf-8")
    try:
        found = violations(copy)
    finally:
        planted.unlink()
    assert found, f"{where}: {source!r} was not caught"
    assert all(line.startswith(where) for line in found), found
    assert any(said in line for line in found), found


def test_a_violation_in_an_existing_module_is_caught(copy: Path) -> None:
    """Not only new files: a line added to a real module (after its own imports) is found."""
    module = copy / "domain" / "records.py"
    original = module.read_text(encoding="utf-8")
    module.write_text(original + "\nfrom datetime import datetime as _d\n_X = _d.now()\n")
    try:
        found = violations(copy)
    finally:
        module.write_text(original, encoding="utf-8")
    assert found and all("domain/records.py" in line for line in found), found


def test_names_that_only_look_like_clock_reads_pass(copy: Path) -> None:
    """A method called `now` on a value, or a parameter called `time`, is not the clock."""
    planted = copy / "app" / "y.py"
    planted.write_text(
        "def f(app, time):\n    return app.now(), time.time(), app.date.today()\n",
        encoding="utf-8",
    )
    try:
        assert violations(copy) == []
    finally:
        planted.unlink()
