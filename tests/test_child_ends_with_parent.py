"""Issue 13, row 14: ``kill -9`` of a ``solkg build`` ends its store-writing child too.

A real build on the two-process path (data within :data:`solkg.build.PARALLEL_RANGE`), its parent
killed with SIGKILL as soon as the child (:class:`solkg.store.child.Child`, running
:class:`solkg.store.StoreWriter`'s load) has started: the child must be gone within about two
seconds (before, it ran on as an orphan until its load was done, about 20 s at 100k chains), and
the store and release files of the previous build must be as they were.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from solkg.build import PARALLEL_RANGE

ROOT = Path(__file__).resolve().parents[1]
SOLKG = [sys.executable, "-c", "from solkg.cli import main; main()"]

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process table in /proc")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaped yet counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _snapshot(folder: Path) -> tuple[dict[str, str], dict[str, int]]:
    dist = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((folder / "dist").iterdir()) if not p.name.startswith(".")}
    store = ox.Store.read_only(str(folder / ".solkg" / "store"))
    graphs = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}
    del store
    return dist, graphs


def test_kill_9_of_build_ends_the_store_writing_child(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764400000"}
    data = tmp_path / "chains.nt"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--chains", "12000", "--seed", "3",
                    "-o", str(data)], check=True, capture_output=True, env=env)
    assert PARALLEL_RANGE[0] <= data.stat().st_size <= PARALLEL_RANGE[1]  # the two-process path
    subprocess.run([*SOLKG, "build", "--no-check"], cwd=tmp_path, check=True, capture_output=True, env=env)
    before = _snapshot(tmp_path)

    parent = subprocess.Popen([*SOLKG, "build", "--no-check", "--data", str(data)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child = None
    try:
        deadline = time.monotonic() + 120
        while child is None and time.monotonic() < deadline and parent.poll() is None:
            for pid in _children(parent.pid):
                try:
                    if b"solkg.store.child" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        child = pid
                except OSError:
                    pass
            time.sleep(0.02)
        assert child is not None, "the build never started its store-writing child"
        time.sleep(0.3)  # the child is importing solkg and starting its load
        assert _alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        killed = time.monotonic()
        while _alive(child) and time.monotonic() - killed < 2.0:
            time.sleep(0.02)
        still = _alive(child)
        assert not still, f"the child {child} still runs {time.monotonic() - killed:.1f} s after its parent's kill -9"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)  # the orphan this test made
    assert _snapshot(tmp_path) == before


def test_a_child_ends_when_its_parent_end_of_stdin_comes():
    """The portable guard (the only one off Linux): the child exits at end of file on its stdin,
    which the parent holds until the child has ended: what the OS does when the parent dies."""
    from solkg.store.child import Child

    child = Child("time", "sleep", 60)
    try:
        time.sleep(1.0)  # started, payload read, watchdog running
        assert child._process.poll() is None
        child._close_stdin()
        started = time.monotonic()
        while child._process.poll() is None and time.monotonic() - started < 5:
            time.sleep(0.02)
        assert child._process.poll() is not None, "the child did not notice its parent's end"
        assert time.monotonic() - started < 2.0
    finally:
        child.kill()
