"""Write a file so that readers see the old content or the new, never a part of it.

The text goes to a temp file in the same directory, is fsynced and renamed over the target
(``os.replace`` is atomic within one file system). A temp file never outlives a failed write
(a full disk, a read-only folder). Temp files in flight are registered, so that an interrupt
(``cli/signals.py``) can remove them before the process ends: ``abandon`` takes the registry's
lock for good, which also keeps any later write from starting.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_pending: set[Path] = set()


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` (UTF-8) in one step; OSError if that cannot be done."""
    with _lock:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(name)
        _pending.add(tmp)
    try:
        try:
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(fd, data):]
            os.fsync(fd)
        finally:
            os.close(fd)
        with _lock:
            os.replace(tmp, path)
            _pending.discard(tmp)
        _sync_dir(path.parent)
    finally:
        with _lock:
            if tmp in _pending:
                _pending.discard(tmp)
                with contextlib.suppress(OSError):
                    tmp.unlink()


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def abandon(wait: float = 2.0) -> list[Path]:
    """Remove every temp file being written and block further writes; for a process about to
    end. Returns the files removed."""
    _lock.acquire(timeout=wait)  # never released: the process is ending
    removed = sorted(_pending)
    for tmp in removed:
        with contextlib.suppress(OSError):
            tmp.unlink()
    _pending.clear()
    return removed


def pending() -> list[Path]:
    """Temp files being written right now (for tests)."""
    with _lock:
        return sorted(_pending)
