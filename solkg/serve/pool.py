"""A pool of query worker processes with a hard time limit per query.

Each worker (:mod:`solkg.serve.worker`) holds the store open read-only. A query that is not
answered within ``timeout`` seconds has its worker killed and replaced, so a runaway query never
keeps a core busy after its client was told it timed out.
"""

from __future__ import annotations

import os
import queue
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from .worker import read_frame, write_frame

__all__ = ["QueryPool", "QueryTimeout", "PoolBusy", "WorkerFailed", "AnswerCache"]


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
        if not self._wait_readable(60):
            self.kill()
            raise WorkerFailed("a query worker did not start within 60 s")
        try:
            hello = read_frame(self.proc.stdout)
        except EOFError:
            self.kill()
            raise WorkerFailed("a query worker exited at start (is the store readable?)") from None
        if not (isinstance(hello, tuple) and hello and hello[0] == "ready"):
            self.kill()
            raise WorkerFailed(f"a query worker said {hello!r} at start")

    def _wait_readable(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0))
        return bool(ready)

    def ask(self, request: dict, timeout: float):
        write_frame(self.proc.stdin, request)
        if not self._wait_readable(timeout):
            raise QueryTimeout
        return read_frame(self.proc.stdout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


class QueryPool:
    """``size`` worker processes over the store at ``store_path``."""

    def __init__(self, store_path: Path | str, *, size: int = 2, timeout: float = 30.0):
        self.store_path = Path(store_path)
        self.size = max(1, size)
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers (in parallel); raises :class:`WorkerFailed` if one cannot start."""
        errors: list[Exception] = []

        def one():
            try:
                self._add()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=one) for _ in range(self.size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            self.close()
            raise errors[0]

    def _add(self) -> None:
        worker = _Worker(self.store_path)
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return

        def respawn():
            for attempt in range(3):
                try:
                    self._add()
                    return
                except WorkerFailed:
                    time.sleep(0.5 * (attempt + 1))

        threading.Thread(target=respawn, daemon=True).start()

    def run(self, request: dict, *, timeout: float | None = None):
        """Send ``request`` to a free worker; its answer, or :class:`QueryTimeout`/:class:`PoolBusy`."""
        timeout = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy from None
        try:
            answer = worker.ask(request, timeout)
        except QueryTimeout:
            self._replace(worker)
            raise
        except (EOFError, OSError, ValueError) as exc:
            self._replace(worker)
            raise WorkerFailed(f"a query worker failed: {exc}") from None
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


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
