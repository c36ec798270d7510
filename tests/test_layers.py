"""The layer arrows of ARCHITECTURE.md: a module may import only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "offline_tracker"

# layer -> the offline_tracker layers it may import
ALLOWED = {
    "domain": {"domain"},
    "ledger": {"ledger", "domain"},
    "storage": {"storage", "ledger", "domain"},
    "formats": {"formats", "domain", "ledger"},
    "render": {"domain", "formats", "i18n"},
    "app": {"domain", "ledger", "storage", "formats", "clock", "paths", "i18n"},
    "cli": {"cli", "app", "render", "clock", "i18n", "paths", "domain", "formats"},
    "clock": set(),
    "i18n": set(),
    "paths": set(),
}
FORBIDDEN_THIRD_PARTY = {
    "domain": {"sqlalchemy", "alembic", "typer", "click", "rich"},
    "ledger": {"sqlalchemy", "alembic", "typer", "click", "rich"},
    "formats": {"sqlalchemy", "alembic", "typer", "click"},
    "render": {"sqlalchemy", "alembic", "typer"},
}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    return rel[0].removesuffix(".py") if len(rel) > 1 or rel[0] != "__init__.py" else "root"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_layers_only_import_downwards() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        layer = _layer(path)
        if layer not in ALLOWED:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "offline_tracker" and len(parts) > 1:
                target = parts[1]
                if target not in ALLOWED[layer] and target != layer:
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
            elif parts[0] in FORBIDDEN_THIRD_PARTY.get(layer, set()):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_only_clock_reads_the_system_clock() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "clock.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("datetime.now(", "time.time(", "date.today("):
            if needle in text:
                offenders.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert not offenders, offenders
