"""Work on two processors: part of a long job done by a forked child, at the same time.

Used where the work is pure Python over data the parent already has or can read again (the rows
of a record export, the second half of the ledger for `ot verify`): the child inherits what it
needs by fork, so nothing is sent to it, and it sends back only its answer, as bytes through a
pipe, when it is done. Where fork is not safe or not worth it (not Linux, one processor, another
thread running, a short job) the caller does all the work itself.

The child never uses the parent's database connection (SQLite's rule for fork) and leaves with
`os._exit`, so it runs none of the parent's clean-up. If it fails in any way, `Child.result`
gives None and the caller does that part itself, so an error is raised in the parent as usual.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, BinaryIO, NoReturn

# Below this many items a fork (a few milliseconds) costs more than half the work saves.
MINIMUM_ITEMS = 10_000

Maker = Callable[[int, int], Iterable[bytes]]


class Child(AbstractContextManager["Child"]):
    """A forked child computing bytes; leaving the `with` block stops it if it still runs."""

    def __init__(self, pid: int, read_end: int) -> None:
        self._pid = pid
        self._pipe = open(read_end, "rb")  # noqa: SIM115 - closed by result() or __exit__

    def result(self) -> bytes | None:
        """Wait for the child: its bytes, or None if it failed, was killed or sent nothing."""
        made = self._pipe.read()
        self._pipe.close()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        return made if os.waitstatus_to_exitcode(status) == 0 else None

    def __exit__(self, *exc: Any) -> None:
        self._pipe.close()
        if self._pid:  # the caller stopped early, or its own part failed
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0


def fork(work: Callable[[], bytes], items: int) -> Child | None:
    """`work()` started in a forked child, or None where one process is better (see above)."""
    if items < MINIMUM_ITEMS or not can_fork():
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(work, read_end, write_end)
    os.close(write_end)
    return Child(pid, read_end)


def in_halves(make: Maker, count: int) -> Iterator[bytes]:
    """The bytes of `make(0, count)`; `make(lo, hi)` gives those of items [lo, hi) in order.

    The child writes its half into an unnamed temporary file as it makes it, and the parent
    reads it back a chunk at a time: neither holds a half in memory (issue 19).
    """
    half = count // 2
    if count < MINIMUM_ITEMS or not can_fork():
        yield from make(0, count)
        return
    with tempfile.TemporaryFile() as spool:
        child = fork(lambda: _spooled(make(half, count), spool), count)
        if child is None:  # pragma: no cover - can_fork said yes a moment ago
            yield from make(0, count)
            return
        with child:
            yield from make(0, half)
            made = child.result()
        if made is None:
            yield from make(half, count)
            return
        spool.seek(0)
        yield from iter(lambda: spool.read(_SPOOL_READ), b"")


_SPOOL_READ = 1 << 20


def _spooled(chunks: Iterable[bytes], spool: BinaryIO) -> bytes:
    """Write `chunks` into `spool` (in the child); nothing goes through the pipe."""
    spool.writelines(chunks)
    spool.flush()
    return b""


def _child(work: Callable[[], bytes], read_end: int, write_end: int) -> NoReturn:
    """Run `work` and send its bytes, then leave without any clean-up (exit code 0: all sent)."""
    code = 1
    try:
        os.close(read_end)
        # Made whole before it is sent: writing as it goes would stall on a full pipe until the
        # parent, busy with its own part, read it.
        made = work()
        with open(write_end, "wb") as out:
            out.write(made)
        code = 0
    finally:
        os._exit(code)


def can_fork() -> bool:
    # macOS has fork, but its system libraries are not safe across it: one process there.
    if sys.platform != "linux":
        return False
    # A lock held by another thread (a progress bar's) would stay locked in the child forever.
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1
