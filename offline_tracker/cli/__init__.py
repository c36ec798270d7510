"""The `ot` / `offline-tracker` command: thin typer commands over offline_tracker.app."""

from __future__ import annotations

import os
import sys

from offline_tracker.cli.argv import hoist_globals, version_first


def _language_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    """Entry point: set the language and a private umask, run the app, map errors to exit codes."""
    args = sys.argv[1:] if argv is None else argv
    if version_first(hoist_globals(args)):
        # Before typer, click and the message catalogue are imported: a third of the start-up
        # of `ot --version` (issue 19). The same line the root's --version option prints.
        from offline_tracker import __version__

        print(f"offline_tracker {__version__}")
        sys.exit(0)
    from offline_tracker import i18n

    try:
        i18n.set_language(i18n.detect_language(_language_from_argv(args)))
    except ValueError:
        i18n.set_language("en")
    # Every file we write (ledger, backups, evidence, exports) is readable by the owner only.
    os.umask(0o077)
    sys.exit(dispatch(args))


def dispatch(args: list[str]) -> int:
    """Run a command line: the hot commands without typer when every word is understood
    (cli/fast.py), anything else through typer (cli/root.py)."""
    from offline_tracker.cli import fast

    code = fast.run(args)
    if code is not None:
        return code
    from offline_tracker.cli.root import run

    return run(args)
