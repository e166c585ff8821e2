"""Worker processes for the ``sparql`` validator: chunks of focus nodes checked side by side.

The workers are forked from the process that holds the loaded store, so they read the same store
without copying or reloading it (an in-memory store is shared copy-on-write; an on-disk one through
the inherited handle, read only). Each chunk goes to a worker and comes back as its results; at
most two chunks per worker are in flight, so memory stays bounded by the chunk size. Fork is only
used where the platform makes it safe and cheap (Linux); elsewhere, and with one worker, chunks
are checked in this process.

>>> default_workers() >= 1
True
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

__all__ = ["MAX_WORKERS", "can_fork", "default_workers", "run_chunks"]

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


def run_chunks(task: Callable[[Any], Any], chunks: Iterable[Any], *, workers: int) -> Iterator[Any]:
    """``task(chunk)`` for each chunk, in order, in ``workers`` forked processes (in this process
    when ``workers`` is 1 or fork is not available). ``task`` runs in a fork of this process: it
    sees everything this process held when the workers started."""
    if workers <= 1 or not can_fork():
        for chunk in chunks:
            yield task(chunk)
        return
    global _TASK
    _TASK = task
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_run_task, (chunk,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _TASK = None
