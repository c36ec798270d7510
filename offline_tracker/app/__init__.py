"""Use cases, one transaction each: the one package that wires domain, ledger, storage, formats.

`core` opens a ledger and records work; `terms` holds contracts, calendars and time off in lieu;
`reports` classifies periods. Each use case is a function or method that opens one transaction.
"""

from offline_tracker.app.core import App, NotFound, RecordInput, Saved, Status, open_app

__all__ = ["App", "NotFound", "RecordInput", "Saved", "Status", "open_app"]
