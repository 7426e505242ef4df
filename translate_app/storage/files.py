"""Atomic file writes: write aside, fsync, rename, so a crash never leaves half a file.

Invariants: a reader of `path` sees the old bytes or the new ones, never a
mix (rename is atomic within a folder); after write_atomic(durable=True)
returns, the new bytes and their name survive a power cut (fsync of the file,
then of the folder); a writer killed mid-way leaves only `.NAME.RANDOM.tmp`
beside the file, which the next holder of the catalog's lock removes (see
lock.sweep_temporary_files); a full or read-only disk raises StorageError
before anything is replaced, so a refusal loses nothing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from pathlib import Path

from ..core.errors import StorageError, StorageFullError

#: Writes are refused while the disk has less than this much room left beyond the file itself:
#: a database, a log and the write-ahead log need room too, and a refusal loses nothing.
MIN_FREE_BYTES = 8 * 1024 * 1024


def _default_mode() -> int:
    """Return the mode a new file gets from open(): 0o666 less the process's umask."""
    global _MODE
    if _MODE is None:
        with _UMASK_GUARD:
            mask = None
            with contextlib.suppress(OSError, ValueError):  # Linux shows it without changing it
                for line in Path("/proc/self/status").read_text().splitlines():
                    if line.startswith("Umask:"):
                        mask = int(line.split()[1], 8)
            if mask is None:  # elsewhere reading the umask means setting it, once
                mask = os.umask(0o022)
                os.umask(mask)
            _MODE = 0o666 & ~mask
    return _MODE


_MODE: int | None = None
_UMASK_GUARD = threading.Lock()


def write_atomic(path: Path | str, data: bytes, *, durable: bool = True, later_mtime: bool = False) -> None:
    """Replace a file with new bytes so that readers see the old or the new file, never half.

    durable=False skips the fsyncs: still atomic for readers, but a crash may lose
    the new file. Use it only for outputs that can be rebuilt (rendered releases).

    later_mtime=True gives the new file a modification time (in nanoseconds)
    strictly after the old one's, for files whose readers tell versions apart
    by (inode, mtime, size): the kernel stamps files with a clock that moves
    in ticks of milliseconds, and a freed inode number is soon used again, so
    two quick writes of the same size could otherwise look alike.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _require_room(path.parent, len(data))
        fd, tmp = _create_aside(path)
    except OSError as exc:
        raise _storage_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            # The file is made private; keep the mode of the file it replaces.
            try:
                old = path.stat()
                mode, old_mtime = old.st_mode & 0o7777, old.st_mtime_ns
            except FileNotFoundError:
                mode, old_mtime = _default_mode(), -1
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            if later_mtime:
                now = time.time_ns()
                os.utime(fh.fileno(), ns=(now, max(now, old_mtime + 1)))
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _storage_error(path, exc) from exc
        raise
    if not durable:
        return
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


#: How a file beside the target is made: new (never an existing one, nor through a link), private, not inherited.
_ASIDE_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _create_aside(path: Path) -> tuple[int, str]:
    """Create `.NAME.RANDOM.tmp` beside path, readable and writable by its owner only; return its fd and name.

    What tempfile.mkstemp does, without importing tempfile (and shutil, random with it)
    into every command that writes one file.
    """
    for _ in range(100):
        tmp = os.path.join(path.parent, f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _ASIDE_FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


def _require_room(folder: Path, size: int) -> None:
    """Refuse a write early when the disk is nearly full (see MIN_FREE_BYTES)."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return
    free = st.f_bavail * st.f_frsize
    if free < size + MIN_FREE_BYTES:
        raise OSError(errno.ENOSPC, "no space left on the disk")


def _storage_error(path: Path, exc: OSError) -> StorageError:
    """Turn an operating-system error of a write into a message for a person (nothing was changed)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFullError(
            f"{path.name}: the server's disk is full; nothing was changed. Tell the coordinator or the administrator."
        )
    reasons: dict[int | None, str | None] = {
        errno.EROFS: "the folder is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOENT: "the folder is missing",
    }
    reason = reasons.get(exc.errno, exc.strerror)
    return StorageError(f"{path.name}: the server cannot write ({reason}); nothing was changed")
