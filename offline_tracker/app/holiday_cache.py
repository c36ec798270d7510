"""The holidays library's answers kept in a file between runs (domain.calendar.LibraryCache).

Loading the library and computing a first year costs ~100 ms of a 300 ms `ot log`; the answers
depend only on the installed library, so they are kept in the user's cache folder, in a file
named after that installation (its path and the size and time of its files): upgrading or
reinstalling the library starts a new file, and the old ones are removed. The file holds public
holiday data only. Any problem with it (missing, damaged, not writable) only costs the time of
asking the library again: the cache is never needed to give a right answer.
"""

from __future__ import annotations

import hashlib
import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from offline_tracker.domain.errors import Failure

# The layout of the file; a change here starts a new file.
FORMAT = 1


class FileCache:
    """A JSON object of key -> answer, read once, written whole (atomically) on each new answer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None

    def get(self, key: str) -> Any:
        return self._load().get(key)

    def put(self, key: str, value: Any) -> None:
        from offline_tracker.formats.pack import write_private  # only when an answer is new

        data = self._load()
        data[key] = value
        text = json.dumps(data, ensure_ascii=False).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                self._remove_stale()
            # Whole or not at all: readers see the old file or the new one, never half.
            write_private(self.path, lambda out: out.write(text), overwrite=True)
        except (OSError, Failure):
            pass  # a read-only or full disk: the answers are computed again next time

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = None
            self._data = loaded if isinstance(loaded, dict) else {}
        return self._data

    def _remove_stale(self) -> None:
        for other in self.path.parent.glob("holidays-*.json"):
            other.unlink(missing_ok=True)


def library_cache(folder: Path) -> FileCache | None:
    """The cache file for the installed holidays library in `folder` (None: no library)."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    marks = [str(package), str(FORMAT)]
    for name in ("__init__.py", "version.py"):
        try:
            info = (package / name).stat()
        except OSError:
            continue
        marks.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    digest = hashlib.sha256("|".join(marks).encode("utf-8")).hexdigest()[:16]
    return FileCache(folder / f"holidays-{digest}.json")
