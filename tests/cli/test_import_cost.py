"""What a command imports in a fresh process (issue 19: import only what the command uses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXED_NOW, Ot

_SHOW = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('MODULES', *sorted(sys.modules), file=sys.stderr))\n"
    "sys.argv = ['ot', *sys.argv[1:]]\n"
    "from offline_tracker.cli import main\n"
    "main()\n"
)


def loaded(*args: str, db: Path) -> tuple[str, set[str]]:
    """(stdout, the modules loaded) of `ot ARGS` in a new interpreter."""
    env = {**os.environ, "OFFLINE_TRACKER_DB": str(db), "OFFLINE_TRACKER_NOW": FIXED_NOW}
    env.update(OFFLINE_TRACKER_LANG="en", NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-c", _SHOW, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    return proc.stdout, set(line.split()[1:])


def test_version_answers_before_typer_and_click_are_imported(tmp_path: Path) -> None:
    out, modules = loaded("--db", str(tmp_path / "x.sqlite"), "--version", db=tmp_path / "l")
    assert not {"typer", "click", "offline_tracker.i18n"} & modules
    typed = Ot(tmp_path / "l.sqlite")("--lang", "zh", "--version")
    assert typed.code == 0 and out == typed.out  # what the typer option prints, word for word


def test_log_imports_neither_the_checks_nor_the_heavy_libraries(tmp_path: Path) -> None:
    """`ot log` classifies one record: no period checks, time off, rich, SQLAlchemy."""
    ot = Ot(tmp_path / "l.sqlite")
    ot.init()
    args = ("log", "a reply", "--at", "2025-10-07 21:00", "--minutes", "5")
    loaded(*args, db=ot.db)  # the first run fills the holidays cache (app/holiday_cache.py)
    out, modules = loaded(*args, db=ot.db)
    assert "classified: rest day 5m" in out  # 7 October 2025: the National Day break
    assert "offline_tracker.domain.breakdowns" in modules  # it sees what log really loads
    unused = {"classify", "checks", "comptime", "pack_checks", "pack_pay", "offhours"}
    unused |= {"report_view", "rulebook", "cycles"}
    assert not {f"offline_tracker.domain.{name}" for name in unused} & modules
    assert not {"rich", "sqlalchemy", "alembic", "holidays"} & modules
    assert not {"typer", "click"} & modules  # the fast path (cli/fast.py)
    # issue 19: values without dataclasses (domain/values.py), msgspec for bulk work only
    # (ledger/canonical.py), the user's folders without platformdirs on Linux (paths.py)
    assert not {"dataclasses", "inspect", "msgspec", "platformdirs", "uuid"} & modules


def test_add_and_the_week_report_run_without_typer_and_click(tmp_path: Path) -> None:
    ot = Ot(tmp_path / "l.sqlite")
    ot.init()
    added = ("add", "s", "--from", "2025-10-06 20:00", "--to", "2025-10-06 21:00")
    for args in (added, ("report", "week", "--json"), ("--lang", "zh", "report", "week")):
        _out, modules = loaded(*args, db=ot.db)
        assert not {"typer", "click"} & modules, args
    _out, modules = loaded("log", "x", "--help", db=ot.db)  # help is typer's
    assert "typer" in modules


def test_a_piped_week_report_imports_neither_rich_tables_nor_dataclasses(tmp_path: Path) -> None:
    """Issue 19: the text report laid out without rich's console where no style shows
    (render/blocks.py), its day drafts and intake plain classes, its width without shutil."""
    ot = Ot(tmp_path / "l.sqlite")
    ot.init()
    assert ot("add", "s", "--from", "2025-10-06 20:00", "--to", "2025-10-06 21:00").code == 0
    loaded("report", "week", db=ot.db)  # the first run fills the holidays cache
    out, modules = loaded("report", "week", db=ot.db)
    assert "Work-time report" in out and "1h00m" in out
    assert "offline_tracker.render.blocks" in modules  # it sees what the report really loads
    assert not {"rich.console", "rich.table", "rich.text", "rich.markup"} & modules
    assert not {"dataclasses", "inspect", "shutil"} & modules
