"""Worker processes for the ``sparql`` validator: chunks of focus nodes checked side by side.

For an in-memory store the workers are forked from the process that holds it, so they read the
same store without copying or reloading it (shared copy-on-write). An on-disk (RocksDB) store is
never forked (its mutexes do not survive a fork: a forked worker hung in one held at the fork);
its workers are *spawned* instead, each opening the store's folder read only
(:func:`run_chunks` with ``spawn``). Each chunk goes to a worker and comes back as its results; at
most two chunks per worker are in flight, so memory stays bounded by the chunk size. Fork is only
used where the platform makes it safe and cheap (Linux); elsewhere, and with one worker, chunks
are checked in this process.

>>> default_workers() >= 1
True
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_WORKERS", "Spawn", "can_fork", "default_workers", "run_chunks"]

MAX_WORKERS = 4
"""At most this many worker processes by default (each holds the caches of one chunk)."""

_TASK: Callable[[Any], Any] | None = None  # what a worker does with a chunk (set before the fork)


def can_fork() -> bool:
    """Whether worker processes can be forked here."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def default_workers() -> int:
    """The CPUs this process may use, at most :data:`MAX_WORKERS` (1 where fork is not used)."""
    if not can_fork():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _run_task(chunk: Any) -> Any:
    assert _TASK is not None
    return _TASK(chunk)


_MAIN_SWAP = threading.Lock()


@contextlib.contextmanager
def _main_not_imported() -> Iterator[None]:
    """While processes are spawned: a spawned process imports the ``__main__`` of this one
    (multiprocessing's rule), which re-runs a caller's script that has no ``if __name__ ==
    "__main__"`` guard. The workers need only solkg's modules, so they are started with an empty
    ``__main__`` in its place (one pool at a time: the swap is not re-entered)."""
    with _MAIN_SWAP:
        real = sys.modules["__main__"]
        empty = sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if sys.modules.get("__main__") is empty:
                sys.modules["__main__"] = real


@dataclass(frozen=True)
class Spawn:
    """How a spawned worker gets ready and checks a chunk: ``start(*args)`` runs once in each
    worker (it opens the store read only and keeps what ``task`` needs in the worker's module
    state), then ``task(chunk)`` runs per chunk. Both must be module-level functions and ``args``
    picklable (they travel to a new interpreter, not a fork)."""

    start: Callable[..., None]
    args: tuple
    task: Callable[[Any], Any]


def run_chunks(task: Callable[[Any], Any], chunks: Iterable[Any], *, workers: int,
               spawn: Spawn | None = None) -> Iterator[Any]:
    """``task(chunk)`` for each chunk, in order, in ``workers`` processes (in this process when
    ``workers`` is 1 or fork is not available). Without ``spawn``, ``task`` runs in a fork of this
    process: it sees everything this process held when the workers started. With ``spawn``, the
    workers are new interpreters that run ``spawn.start`` once and ``spawn.task`` per chunk (for
    state that must not be forked, such as an open on-disk store)."""
    if workers <= 1 or not can_fork():
        for chunk in chunks:
            yield task(chunk)
        return
    global _TASK
    if spawn is not None:
        with _main_not_imported():
            pool = multiprocessing.get_context("spawn").Pool(workers, initializer=spawn.start, initargs=spawn.args)
        run = spawn.task
    else:
        _TASK = task
        pool = multiprocessing.get_context("fork").Pool(workers)
        run = _run_task
    try:
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            pending.append(pool.apply_async(run, (chunk,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _TASK = None
