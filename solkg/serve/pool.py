"""A pool of query worker processes with a hard time limit per query, and a lane for short queries.

Each worker (:mod:`solkg.serve.worker`) holds the store open read-only. A query that is not
answered within ``timeout`` seconds has its worker killed and replaced, so a runaway query never
keeps a core busy after its client was told it timed out. Admission is fair to cheap queries: a
short lane of workers (used when the general ones are all busy) answers any query that finishes
within a short budget, so two slow queries cannot make every other client wait (see
:class:`QueryPool` and docs/security.md).
"""

from __future__ import annotations

import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import IO

from .worker import read_frame, write_frame

__all__ = ["QueryPool", "QueryTimeout", "PoolBusy", "WorkerFailed", "AnswerCache"]

log = logging.getLogger("solkg.serve")


class QueryTimeout(Exception):
    """The query ran past its time; its worker was stopped."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerFailed(Exception):
    """A worker died or could not start."""


class _Worker:
    def __init__(self, store_path: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from solkg.serve.worker import main; main()", str(store_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None  # both are pipes
        self.stdin: IO[bytes] = self.proc.stdin
        self.stdout: IO[bytes] = self.proc.stdout
        if not self._wait_readable(60):
            self.kill()
            raise WorkerFailed("a query worker did not start within 60 s")
        try:
            hello = read_frame(self.stdout)
        except EOFError:
            self.kill()
            raise WorkerFailed("a query worker exited at start (is the store readable?)") from None
        if not (isinstance(hello, tuple) and hello and hello[0] == "ready"):
            self.kill()
            raise WorkerFailed(f"a query worker said {hello!r} at start")

    def _wait_readable(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.stdout], [], [], max(timeout, 0))
        return bool(ready)

    def ask(self, request: dict, timeout: float):
        write_frame(self.stdin, request)
        if not self._wait_readable(timeout):
            raise QueryTimeout
        return read_frame(self.stdout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass


class QueryPool:
    """Query worker processes over the store at ``store_path``, in two lanes.

    The *general* lane has ``size`` workers and runs any query for up to ``timeout`` seconds. The
    *short* lane has ``short_lane`` workers, used only when every general worker is busy, and gives
    a query ``short_budget`` seconds: a query that runs past it has its worker killed and replaced,
    is remembered as slow, and waits for a general worker (it then gets its full ``timeout``). So a
    cheap query is answered at once while slow ones hold every general worker, and a slow query
    can hold the short lane for ``short_budget`` seconds at most.

    >>> QueryPool("store", size=2, short_lane=1).lanes
    {'general': 2, 'short': 1}
    """

    def __init__(
        self,
        store_path: Path | str,
        *,
        size: int = 2,
        timeout: float = 30.0,
        short_lane: int = 1,
        short_budget: float = 1.0,
    ):
        self.store_path = Path(store_path)
        self.size = max(1, size)
        self.timeout = timeout
        self.short_lane = max(0, short_lane)
        self.short_budget = short_budget
        self._free: dict[str, list[_Worker]] = {"general": [], "short": []}
        self._all: dict[_Worker, str] = {}
        self._cond = threading.Condition()
        self._closed = False
        self._slow: OrderedDict[str, None] = OrderedDict()
        self.short_answers = self.short_overruns = 0
        """How many queries the short lane answered, and how many it gave back for running too long."""

    @property
    def lanes(self) -> dict[str, int]:
        """Workers per lane, as configured."""
        return {"general": self.size, "short": self.short_lane}

    def start(self) -> None:
        """Start the workers (in parallel); raises :class:`WorkerFailed` if one cannot start."""
        errors: list[Exception] = []

        def one(lane):
            try:
                self._add(lane)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=one, args=("general",)) for _ in range(self.size)]
        threads += [threading.Thread(target=one, args=("short",)) for _ in range(self.short_lane)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            self.close()
            raise errors[0]

    def _add(self, lane: str) -> None:
        worker = _Worker(self.store_path)
        with self._cond:
            if self._closed:
                worker.kill()
                return
            self._all[worker] = lane
            self._free[lane].append(worker)
            self._cond.notify_all()

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._cond:
            lane = self._all.pop(worker, None)
            if self._closed or lane is None:
                return

        def respawn():
            for attempt in range(3):
                try:
                    self._add(lane)
                    return
                except WorkerFailed:
                    time.sleep(0.5 * (attempt + 1))

        threading.Thread(target=respawn, daemon=True).start()

    def _acquire(self, deadline: float, short_ok: bool) -> tuple[_Worker, str]:
        with self._cond:
            while True:
                if self._closed:
                    raise WorkerFailed("the query pool is closed")
                if self._free["general"]:
                    return self._free["general"].pop(), "general"
                if short_ok and self._free["short"]:
                    return self._free["short"].pop(), "short"
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PoolBusy
                self._cond.wait(left)

    def _release(self, worker: _Worker, lane: str) -> None:
        with self._cond:
            if worker in self._all and not self._closed:
                self._free[lane].append(worker)
                self._cond.notify_all()

    @staticmethod
    def _slow_key(request: dict) -> str:
        return repr((request.get("op"), request.get("query"), request.get("name"), request.get("params")))

    def run(self, request: dict, *, timeout: float | None = None):
        """Send ``request`` to a free worker; its answer, or :class:`QueryTimeout`/:class:`PoolBusy`.

        Waits at most ``timeout`` seconds for a worker, then gives the query ``timeout`` seconds
        (``short_budget`` in the short lane, see the class)."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        key = self._slow_key(request)
        with self._cond:
            short_ok = self.short_lane > 0 and key not in self._slow
        while True:
            worker, lane = self._acquire(deadline, short_ok)
            budget = timeout if lane == "general" else min(timeout, self.short_budget)
            try:
                answer = worker.ask(request, budget)
            except QueryTimeout:
                self._replace(worker)
                if lane == "short" and budget < timeout:
                    log.warning("solkg serve: a query ran past the short lane's %g s; it waits for a general worker "
                                "(its worker is replaced)", self.short_budget)
                    with self._cond:
                        self.short_overruns += 1
                        self._slow[key] = None
                        while len(self._slow) > _SLOW_MEMORY:
                            self._slow.popitem(last=False)
                    short_ok = False
                    continue
                raise
            except (EOFError, OSError, ValueError) as exc:
                self._replace(worker)
                raise WorkerFailed(f"a query worker failed: {exc}") from None
            if lane == "short":
                with self._cond:
                    self.short_answers += 1
            self._release(worker, lane)
            return answer

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()


_SLOW_MEMORY = 4096
"""How many slow queries the pool remembers (they skip the short lane)."""


class AnswerCache:
    """A bounded LRU cache of worker answers.

    The store is opened read-only and a rebuild swaps in a new folder that an open store never
    sees, so the same request always gets the same answer for the life of the server. Timeouts
    and worker failures are not answers and are never cached.
    """

    def __init__(self, *, max_entries: int = 2000, max_bytes: int = 64 * 1024 * 1024):
        from collections import OrderedDict

        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._data: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def key(request: dict) -> tuple:
        return tuple(sorted((k, repr(v)) for k, v in request.items()))

    def get(self, request: dict):
        k = self.key(request)
        with self._lock:
            answer = self._data.get(k)
            if answer is None:
                self.misses += 1
                return None
            self._data.move_to_end(k)
            self.hits += 1
            return answer

    def put(self, request: dict, answer) -> None:
        size = len(answer[2]) if isinstance(answer[2], (bytes, str)) else 0
        if size > self.max_bytes // 16:
            return
        k = self.key(request)
        with self._lock:
            if k in self._data:
                return
            self._data[k] = answer
            self._bytes += size
            while len(self._data) > self.max_entries or self._bytes > self.max_bytes:
                _, old = self._data.popitem(last=False)
                self._bytes -= len(old[2]) if isinstance(old[2], (bytes, str)) else 0
