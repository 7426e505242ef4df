"""The per-catalog lock, across threads and processes.

Invariants: at most one thread of one process holds a catalog's lock (a
thread lock inside the process, an flock on `.NAME.lock` beside the catalog
between processes); only its holder writes the catalog; the lock file is never
deleted (a waiter would lock a file nobody else sees); the kernel drops an
flock when its process dies, so a crash never leaves a catalog locked; the
holder may take the lock again (it is re-entrant within a thread).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import CatalogBusyError, StorageError


class _CatalogLock:
    """A thread lock for this process plus an flock on a file beside the catalog for others."""

    def __init__(self, path: Path) -> None:
        self.path = path  # stays in place: deleting it would race with waiters
        self.threads = threading.RLock()
        self.depth = 0
        self.fd = -1


_LOCKS: dict[str, _CatalogLock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_of(path: Path) -> _CatalogLock:
    with _LOCKS_GUARD:
        lock = _LOCKS.get(str(path))
        if lock is None:
            key = str(path.resolve())
            if key not in _LOCKS:
                _LOCKS[key] = _CatalogLock(path.parent / f".{path.name}.lock")
            lock = _LOCKS[str(path)] = _LOCKS[key]
        return lock


@contextlib.contextmanager
def catalog_lock(path: Path | str, timeout: float = 30.0) -> Iterator[None]:
    """Hold the per-catalog lock, across threads and processes; the holder may take it again.

    Raises CatalogBusyError when it is not free within `timeout` seconds, and
    StorageError when the lock file cannot be made (nothing was changed).
    """
    path = Path(path)
    lock = _lock_of(path)
    started = time.monotonic()
    if not lock.threads.acquire(timeout=timeout):
        raise CatalogBusyError(
            f"{path}: locked by another task of this process for over {timeout:g} s; nothing was changed"
        )
    try:
        if lock.depth == 0:
            lock.fd = _lock_file(lock.path, max(0.0, timeout - (time.monotonic() - started)), path)
            sweep_temporary_files(path)
        lock.depth += 1
        try:
            yield
        finally:
            lock.depth -= 1
            if lock.depth == 0:
                fcntl.flock(lock.fd, fcntl.LOCK_UN)
                os.close(lock.fd)
                lock.fd = -1
    finally:
        lock.threads.release()


def sweep_temporary_files(path: Path | str) -> int:
    """Remove the temporary copies a crashed writer left beside a catalog; call with its lock held.

    write_atomic writes `.NAME.po.RANDOM.tmp` beside the catalog and renames it
    into place; only the lock holder writes, so under the lock any such file is
    the leftover of a writer killed mid-write. Returns how many were removed.
    """
    path = Path(path)
    removed = 0
    try:
        leftovers = list(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return 0
    for leftover in leftovers:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            leftover.unlink()
            removed += 1
    return removed


def glob_escape(name: str) -> str:
    """Escape the characters glob reads as patterns."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _lock_file(lock_path: Path, timeout: float, catalog: Path) -> int:
    """Take an exclusive flock, waiting in the kernel (no polling) for at most `timeout` seconds.

    The kernel wakes a waiter as soon as the holder lets go. flock has no
    timeout, so a contended lock is awaited in a helper thread; if time is up
    first, the helper releases the lock the moment it gets it.
    """
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only or missing folder: fail now, not after the lock's timeout
        raise StorageError(f"{catalog}: cannot take the catalog's lock ({exc.strerror}); nothing was changed") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        pass
    cond = threading.Condition()
    state = {"got": False, "abandoned": False}

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with cond:
            if state["abandoned"]:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            else:
                state["got"] = True
                cond.notify_all()

    threading.Thread(target=wait, name=f"lock {catalog.name}", daemon=True).start()
    deadline = time.monotonic() + timeout
    with cond:
        while not state["got"]:
            left = deadline - time.monotonic()
            if left <= 0:
                state["abandoned"] = True
                raise CatalogBusyError(
                    f"{catalog}: locked by another process for over {timeout:g} s; nothing was changed"
                )
            cond.wait(left)
        return fd
