"""Files solkg writes and the build clock (a leaf module).

>>> import os, tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "a.txt") as out:
...     _ = out.write(b"hello")
>>> sha256_file(folder / "a.txt")[:12]
'2cf24dba5fb0'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import InputError

__all__ = ["atomic_write", "build_time", "sha256_file"]


def build_time() -> dt.datetime:
    """The build time: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except ValueError:
            raise InputError(f"SOURCE_DATE_EPOCH must be an integer number of seconds, not '{epoch}'") from None
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def sha256_file(path: Path) -> str:
    """The sha256 of a file, hex, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def atomic_write(path: Path) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` on success only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
