"""app.parallel: an output made in two processes is the one-process output, whatever happens."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator

import pytest

from offline_tracker.app import parallel

forks = pytest.mark.skipif(not parallel.can_fork(), reason="needs Linux and two processors")


@pytest.fixture(autouse=True)
def _small_jobs_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MINIMUM_ITEMS", 2)


def _numbers(lo: int, hi: int) -> Iterator[bytes]:
    for n in range(lo, hi):
        yield f"{n},".encode()


def _one_process(count: int) -> bytes:
    return b"".join(_numbers(0, count))


@forks
@pytest.mark.parametrize("count", [2, 3, 1000, 100_001])
def test_halves_give_the_one_process_bytes(count: int) -> None:
    made_by: set[int] = set()

    def make(lo: int, hi: int) -> Iterator[bytes]:
        made_by.add(os.getpid())  # in the child this set is the child's copy
        return _numbers(lo, hi)

    assert b"".join(parallel.in_halves(make, count)) == _one_process(count)
    assert made_by == {os.getpid()}  # the parent made only its own half


def test_short_outputs_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MINIMUM_ITEMS", 100)
    calls: list[tuple[int, int]] = []

    def make(lo: int, hi: int) -> Iterator[bytes]:
        calls.append((lo, hi))
        return _numbers(lo, hi)

    assert b"".join(parallel.in_halves(make, 50)) == _one_process(50)
    assert calls == [(0, 50)]


@forks
def test_a_failing_child_is_replaced_by_the_parent() -> None:
    parent = os.getpid()
    calls: list[tuple[int, int]] = []

    def make(lo: int, hi: int) -> Iterator[bytes]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        calls.append((lo, hi))
        return _numbers(lo, hi)

    assert b"".join(parallel.in_halves(make, 1000)) == _one_process(1000)
    assert calls == [(0, 500), (500, 1000)]


@forks
def test_a_killed_child_is_replaced_by_the_parent() -> None:
    parent = os.getpid()

    def make(lo: int, hi: int) -> Iterator[bytes]:
        if os.getpid() != parent:
            os.kill(os.getpid(), 9)
        return _numbers(lo, hi)

    assert b"".join(parallel.in_halves(make, 1000)) == _one_process(1000)


@forks
def test_an_error_in_both_halves_reaches_the_caller() -> None:
    def make(_lo: int, _hi: int) -> Iterator[bytes]:
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        b"".join(parallel.in_halves(make, 1000))


@forks
def test_stopping_early_leaves_no_child_behind() -> None:
    chunks = parallel.in_halves(_numbers, 100_000)
    assert next(chunks) == b"0,"
    chunks.close()
    with pytest.raises(ChildProcessError):  # the child was killed and reaped
        os.waitpid(-1, os.WNOHANG)


def test_other_systems_use_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not parallel.can_fork()


@forks
def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not parallel.can_fork()
    finally:
        stop.set()
        worker.join()
    assert parallel.can_fork()
