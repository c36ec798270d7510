"""offline_tracker: an offline, tamper-evident ledger of off-hours work."""

__version__ = "0.1.0"
