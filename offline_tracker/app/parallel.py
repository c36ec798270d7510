"""A long output made on two processors: its second half by a forked child, at the same time.

Used where the work per item is pure Python over data already in memory (the rows of a record
export): the child inherits that data by fork, so nothing is sent to it, and it sends back only
its bytes, through a pipe, when it is done. The output is the same bytes, in the same order, as
making it in one process; where fork is not safe or not worth it (not Linux, one processor, a
short output) it is made in one process.

The child touches no database connection and leaves with `os._exit`, so it runs no clean-up of
the parent's (SQLite's rule for fork: never use a connection across it). If it fails in any way,
the parent makes that half itself, and an error is then raised in the parent as usual.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import NoReturn

# Below this many items a fork (a few milliseconds) costs more than half the work saves.
MINIMUM_ITEMS = 10_000

Maker = Callable[[int, int], Iterable[bytes]]


def in_halves(make: Maker, count: int, minimum: int | None = None) -> Iterator[bytes]:
    """The bytes of `make(0, count)`; `make(lo, hi)` gives those of items [lo, hi) in order."""
    if count < (MINIMUM_ITEMS if minimum is None else minimum) or not _can_fork():
        yield from make(0, count)
        return
    half = count // 2
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(make, half, count, read_end, write_end)
    os.close(write_end)
    pipe = open(read_end, "rb")  # noqa: SIM115 - closed below, whatever happens
    try:
        yield from make(0, half)
        made = pipe.read()
        _, status = os.waitpid(pid, 0)
        pid = 0
        if os.waitstatus_to_exitcode(status) == 0:
            yield made
        else:
            yield from make(half, count)
    finally:
        pipe.close()
        if pid:  # the consumer stopped early, or the parent's half failed
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _child(make: Maker, lo: int, hi: int, read_end: int, write_end: int) -> NoReturn:
    """Make [lo, hi) and send it, then leave without any clean-up (exit code 0: all sent)."""
    code = 1
    try:
        os.close(read_end)
        # Made whole before it is sent: writing as it goes would stall on a full pipe until the
        # parent, busy with its own half, read it.
        made = b"".join(make(lo, hi))
        with open(write_end, "wb") as out:
            out.write(made)
        code = 0
    finally:
        os._exit(code)


def _can_fork() -> bool:
    # macOS has fork, but its system libraries are not safe across it: one process there.
    if sys.platform != "linux":
        return False
    # A lock held by another thread (a progress bar's) would stay locked in the child forever.
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1
