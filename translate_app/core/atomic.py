"""Atomic file writes: write aside, fsync, rename, so a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
import threading
import time
from pathlib import Path

from .errors import StorageError, StorageFullError

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
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _storage_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            # mkstemp makes the file private; keep the mode of the file it replaces.
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
        return StorageFullError(f"{path.name}: the server's disk is full; nothing was changed. "
                                "Tell the coordinator or the administrator.")
    reasons: dict[int | None, str | None] = {
        errno.EROFS: "the folder is read-only", errno.EACCES: "permission denied",
        errno.EPERM: "permission denied", errno.ENOENT: "the folder is missing"}
    reason = reasons.get(exc.errno, exc.strerror)
    return StorageError(f"{path.name}: the server cannot write ({reason}); nothing was changed")


def write_scratch(path: Path | str, data: bytes) -> None:
    """Write a throw-away working file so that readers see it whole or not at all.

    For files whose name only one writer ever uses (queued edits, results,
    change records): a fixed temporary name, no fsync, no mode to keep.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def work_dir(target: Path | str, kind: str) -> Path:
    """Return a folder for a file's throw-away working files (queued edits, recent changes).

    They need no durability, so they live in memory: in TRANSLATE_APP_WORK_DIR
    if set, else in /dev/shm/translate-app-UID (made private to this user),
    else beside the file as `.NAME.KIND`. Keeping them off the disk's journal
    keeps the fsync of the catalogs themselves fast.
    """
    target = Path(target)
    key = (str(target), kind)
    folder = _WORK_DIRS.get(key)
    if folder is None:
        base = _work_base()
        if base is None:
            folder = target.parent / f".{target.name}.{kind}"
        else:
            digest = hashlib.sha1(str(target.resolve()).encode()).hexdigest()[:16]
            folder = base / f"{target.name}.{digest}.{kind}"
        folder.mkdir(parents=True, exist_ok=True)
        _WORK_DIRS[key] = folder
    return folder


_WORK_DIRS: dict[tuple[str, str], Path] = {}


def _work_base() -> Path | None:
    configured = os.environ.get("TRANSLATE_APP_WORK_DIR")
    if configured:
        return Path(configured)
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return None
    base = shm / f"translate-app-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        base.mkdir(mode=0o700)
    st = base.lstat()  # another user may have made it first: use it only if it is ours alone
    if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077:
        return base
    return None
