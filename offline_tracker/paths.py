"""Where the ledger lives: --db, then OFFLINE_TRACKER_DB, then the user data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_DB = "OFFLINE_TRACKER_DB"
DB_FILE = "ledger.sqlite"
APP = "offline_tracker"


def default_data_dir() -> Path:
    linux = linux_dir("XDG_DATA_HOME", "~/.local/share")
    if linux is not None:
        return linux
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False))


def default_cache_dir() -> Path:
    """Where computed data that can be made again is kept (never the ledger, nothing personal)."""
    linux = linux_dir("XDG_CACHE_HOME", "~/.cache")
    if linux is not None:
        return linux
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP, appauthor=False))


def linux_dir(variable: str, default: str) -> Path | None:
    """platformdirs' folder on Linux in the plain cases, without importing it (it cost `ot log`
    5 ms, issue 19): the XDG variable when it is an absolute path, else `default` under an
    absolute HOME. None elsewhere (Android, macOS, Windows, an odd HOME): platformdirs decides.
    tests/test_paths.py compares the two."""
    android = os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT")
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or android == "/system":
        return None
    chosen = os.environ.get(variable, "")
    if chosen.startswith("/"):
        return Path(os.path.join(chosen, APP))
    if not os.environ.get("HOME", "").startswith("/"):
        return None
    return Path(os.path.join(os.path.expanduser(default), APP))


def resolve_location(explicit: str | None) -> str:
    """The database path or URL to open."""
    if explicit:
        return explicit
    from_env = os.environ.get(ENV_DB)
    if from_env:
        return from_env
    return str(default_data_dir() / DB_FILE)


def shown(location: str) -> str:
    """A database location fit to print: a server URL's password masked (output gets pasted)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(location)
    if "://" not in location or not parts.password:
        return location
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
