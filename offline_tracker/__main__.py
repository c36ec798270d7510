"""`python -m offline_tracker` is the same as `ot`."""

from offline_tracker.cli import main

main()
