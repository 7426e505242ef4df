"""Group commit: many small edits of one catalog, applied in one load and one durable write.

Every save used to take the catalog lock, parse the file (another process had
just rewritten it), change one entry, and write and fsync the whole file. Under
load the lock was the bottleneck. Now an edit is first queued as a small file
beside the catalog; whoever gets the lock next applies every queued edit in
arrival order, writes the catalog once, and leaves each other edit's result
beside it. A waiter that then gets the lock finds its result and returns at once.
Within one process only one thread queues for the lock at a time, on behalf of
all of that process's waiting threads.

The catalog stays the only truth: queued edits are requests, not data. A crash
between the catalog write and the results makes the next holder apply those
edits again; they are version-checked, so each then answers "conflict" with the
text that is really stored, never a silent overwrite.

Edits are plain JSON; `apply` turns one into a JSON result. All edits queued
for one catalog belong to one release and language, so the holder's `apply`
is right for every one of them.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polib

from .atomic import work_dir, write_scratch
from .catalog import catalog_lock, edit_catalog
from .errors import CatalogError

log = logging.getLogger(__name__)

Apply = Callable[[polib.POFile, dict], dict]
After = Callable[[list[tuple[dict, dict]]], None]

#: Results and requests left behind (a waiter that gave up, a crashed writer) go after this.
STALE_SECONDS = 600


def queue_dir(path: Path) -> Path:
    """Return the folder of queued edits of a catalog (in memory where the machine allows)."""
    return work_dir(path, "queue")


class _Local:
    """This process's waiters on one catalog: at most one of them (the leader) queues for the lock."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.leader = False
        self.waiting: set[str] = set()
        self.results: dict[str, dict] = {}


_LOCAL: dict[str, _Local] = {}
_LOCAL_GUARD = threading.Lock()


def _local(path: Path) -> _Local:
    key = str(path)
    with _LOCAL_GUARD:
        local = _LOCAL.get(key)
        if local is None:
            local = _LOCAL[key] = _Local()
        return local


def submit(path: Path | str, edit: dict, apply: Apply, *, after: After | None = None,
           timeout: float = 30.0) -> dict:
    """Queue an edit of a catalog and return its result once the catalog is durably written.

    `apply(po, edit)` changes the parsed catalog and returns a JSON-able result;
    it reports a refusal (a stale version, say) in that result rather than
    raising, so that one bad edit does not undo the others of its batch.
    `after(batch)` runs once per batch, after the catalog is written and still
    under the lock, with (edit, result) for every edit applied: the place to
    log them all in one database transaction. Its failure is logged, not
    reported: the catalog is the truth and already holds the edits.

    Threads of one process do not each queue for the lock: one of them leads,
    and every lock turn it gets serves all of them.
    """
    path = Path(path)
    qdir = queue_dir(path)
    name = f"{time.time_ns():020d}-{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(3)}"
    # A rename makes the request appear whole; it needs no fsync: it lives
    # only as long as its request, and a crash ends both.
    _put(qdir / f"{name}.edit", edit)
    local = _local(path)
    deadline = time.monotonic() + timeout
    with local.cond:
        local.waiting.add(name)
        try:
            while name not in local.results:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CatalogError(f"{path}: locked by another process for over {timeout:g} s")
                if local.leader:
                    local.cond.wait(left)
                    continue
                local.leader = True
                local.cond.release()
                try:
                    _lead(path, qdir, apply, after, local, left)
                finally:
                    local.cond.acquire()
                    local.leader = False
                    local.cond.notify_all()
            return local.results.pop(name)
        except CatalogError:
            local.waiting.discard(name)
            return _withdraw(path, qdir, name)
        finally:
            local.waiting.discard(name)
            local.results.pop(name, None)


class _Urgent:
    """While some thread holds a catalog's lock, other threads hand the interpreter back quickly.

    Every file operation of the lock holder lets go of the GIL; getting it back
    takes up to the switch interval (5 ms by default) while other threads are
    busy, and a batch does dozens of such operations. The interval is shortened
    while any lock holder of this process works, and restored after the last.
    """

    INTERVAL = 0.00005

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.holders = 0
        self.saved = 0.0

    def __enter__(self) -> None:
        with self.guard:
            if self.holders == 0:
                self.saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self.saved, self.INTERVAL))
            self.holders += 1

    def __exit__(self, *exc) -> None:
        with self.guard:
            self.holders -= 1
            if self.holders == 0:
                sys.setswitchinterval(self.saved)


_URGENT = _Urgent()


def _lead(path: Path, qdir: Path, apply: Apply, after: After | None, local: _Local, timeout: float) -> None:
    """Take the lock once for every waiting thread of this process, applying the queue if needed."""
    with catalog_lock(path, timeout), _URGENT:
        with local.cond:
            names = local.waiting - local.results.keys()
        found = {n: r for n in names if (r := _take_result(qdir, n)) is not None}
        with local.cond:
            local.results.update((n, r) for n, r in found.items() if n in local.waiting)
        if names - found.keys():
            _apply_queue(path, qdir, apply, after, local)
        with local.cond:
            for n in (names & local.waiting) - local.results.keys():
                local.results[n] = {"error": "CatalogError",
                                    "message": f"{path}: the queued change disappeared before it was applied"}


def _withdraw(path: Path, qdir: Path, name: str) -> dict:
    """Give up on an edit that waited too long, unless a holder has already taken it.

    A holder takes an edit by renaming it (.edit to .taken) before applying it,
    so a request that could still delete its .edit file was not applied.
    """
    try:
        (qdir / f"{name}.edit").unlink()
    except FileNotFoundError:
        result = _take_result(qdir, name)  # a holder has it; its result may be there already
        if result is not None:
            return result
        raise CatalogError(f"{path}: the catalog is busy and the change could not be confirmed; "
                           "reload to see whether it was stored") from None
    raise CatalogError(f"{path}: the catalog was locked for too long; nothing was changed, try again")


def _put(path: Path, data: dict) -> None:
    """Write a request or a result so that it appears whole."""
    write_scratch(path, json.dumps(data).encode())


def _take_result(qdir: Path, name: str) -> dict | None:
    done = qdir / f"{name}.done"
    try:
        data = done.read_bytes()
    except FileNotFoundError:
        return None
    done.unlink(missing_ok=True)
    return json.loads(data)


def _apply_queue(path: Path, qdir: Path, apply: Apply, after: After | None, local: _Local) -> None:
    """Apply every queued edit (the caller holds the lock) and hand out the results.

    This process's waiting threads get theirs in memory; the results of other
    processes' edits are left beside the queue for them.
    """
    queued, now = [], time.time_ns()
    with os.scandir(qdir) as entries:
        for entry in entries:
            stem, _, kind = entry.name.rpartition(".")
            if kind in ("edit", "taken"):  # .taken: left by a holder that crashed; applied again
                queued.append((stem, kind))
            elif _age_seconds(stem, now) > STALE_SECONDS:
                Path(entry.path).unlink(missing_ok=True)  # an abandoned result or a crashed writer's temp file
    queued.sort()
    edits: list[tuple[str, dict]] = []
    for stem, kind in queued:
        taken = qdir / f"{stem}.taken"
        try:
            if kind == "edit":
                os.rename(qdir / f"{stem}.edit", taken)  # from here on its waiter cannot withdraw it
            edits.append((stem, json.loads(taken.read_bytes())))
        except FileNotFoundError:  # withdrawn by its waiter
            continue
        except (OSError, ValueError):
            log.exception("unreadable queued edit %s of %s", stem, path)
            taken.unlink(missing_ok=True)
    results: dict[str, dict] = {}
    try:
        with edit_catalog(path) as po:
            for stem, edit in edits:
                try:
                    results[stem] = apply(po, edit)
                except Exception:  # noqa: BLE001 - one broken edit must not sink the batch
                    log.exception("queued edit %s of %s failed", stem, path)
                    results[stem] = {"error": "CatalogError", "message": "the change could not be applied"}
    except Exception as exc:
        # Nothing was written: every edit of the batch fails with the same reason.
        if not isinstance(exc, CatalogError):
            log.exception("writing %s failed", path)
        message = str(exc) if isinstance(exc, CatalogError) else "the catalog could not be written"
        results = {stem: {"error": "CatalogError", "message": message} for stem, _ in edits}
    else:
        if after is not None:
            try:
                after([(edit, results[stem]) for stem, edit in edits])
            except Exception:  # noqa: BLE001 - the edits are stored; only their record failed
                log.exception("recording a batch of %d edits of %s failed", len(edits), path)
    with local.cond:
        ours = local.waiting & results.keys()
        local.results.update((stem, results[stem]) for stem in ours)
    for stem, _ in edits:
        try:
            if stem not in ours:
                _put(qdir / f"{stem}.done", results[stem])
            (qdir / f"{stem}.taken").unlink(missing_ok=True)
        except OSError:  # its waiter will say it could not confirm; the others still get theirs
            log.exception("handing out the result of queued edit %s of %s failed", stem, path)


def _age_seconds(stem: str, now_ns: int) -> float:
    try:
        return (now_ns - int(stem.split("-", 1)[0].lstrip("."))) / 1e9
    except ValueError:
        return 0.0
