"""Pure domain: records, contracts, calendars, classification, pay and checks (no I/O)."""
