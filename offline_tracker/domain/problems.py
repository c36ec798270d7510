"""One shape for every "problem found": report flags, chain entries, pack files, import rows.

A Problem is a value (beancount's errors are, too), so one run reports all of them and no stage
raises for bad data. `code` is stable (it is in the JSON output); `where` says where it was found:
a local date (a report flag), an entry's seq or a file's line (chain, import), a file's name (an
evidence pack), or nothing; `params` fill the message, which the edges render in the user's
language through `message(prefix)` (locales: `<prefix><code>`, e.g. `flag.overlap`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

from offline_tracker.domain.errors import Message
from offline_tracker.domain.values import field, value

Severity = Literal["error", "warning", "skipped", "note"]
Where = date | int | str | None


@value
class Problem:
    code: str
    where: Where = None
    params: Mapping[str, str | int] = field(default_factory=dict, hash=False)
    severity: Severity = "error"

    @property
    def date(self) -> date | None:
        """The local date of a report's finding (a Flag), else None."""
        return self.where if isinstance(self.where, date) else None

    @property
    def line(self) -> int | None:
        """The line (import) or seq (chain) where it was found, else None."""
        where = self.where
        return where if isinstance(where, int) and not isinstance(where, bool) else None

    def message(self, prefix: str = "") -> Message:
        return Message(f"{prefix}{self.code}", dict(self.params))
