"""The `ot` / `offline-tracker` command: thin typer commands over offline_tracker.app."""

from __future__ import annotations

import os
import sys


def _language_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    """Entry point: set the language and a private umask, run the app, map errors to exit codes."""
    from offline_tracker import i18n

    args = sys.argv[1:] if argv is None else argv
    try:
        i18n.set_language(i18n.detect_language(_language_from_argv(args)))
    except ValueError:
        i18n.set_language("en")
    # Every file we write (ledger, backups, evidence, exports) is readable by the owner only.
    os.umask(0o077)
    from offline_tracker.cli.root import run

    sys.exit(run(args))
