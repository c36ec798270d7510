"""Where the ledger lives: --db, then OFFLINE_TRACKER_DB, then the user data directory."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "OFFLINE_TRACKER_DB"
DB_FILE = "ledger.sqlite"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("offline_tracker", appauthor=False))


def default_cache_dir() -> Path:
    """Where computed data that can be made again is kept (never the ledger, nothing personal)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("offline_tracker", appauthor=False))


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
