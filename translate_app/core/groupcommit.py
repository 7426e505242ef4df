"""Group commit: many small edits of one catalog, applied in one load and one durable write.

Every save used to take the catalog lock, parse the file (another process had
just rewritten it), change one entry, and write and fsync the whole file. Under
load the lock was the bottleneck. Now an edit is first queued as a small file
in the catalog's queue folder; whoever gets the lock next applies every queued
edit, from every process, in arrival order, writes the catalog once, and
leaves each other process's result beside the queue.

Within one process a single committer thread per catalog queues for the lock
on behalf of all of that process's waiting threads, and each waiting thread
sleeps on an event of its own. A writer wakes the processes whose edits it
answered with a datagram (see _Waker), so an answer does not wait for its own
process's turn at the lock.

The catalog stays the only truth: queued edits are requests, not data. A crash
between the catalog write and the results makes the next holder apply those
edits again; they are version-checked, so each then answers "conflict" with the
text that is really stored, never a silent overwrite.

Edits are plain JSON; `apply` turns one into a JSON result. All edits queued
for one catalog belong to one release and language, so the holder's `apply`
is right for every one of them.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polib

from .atomic import work_dir, write_scratch
from .catalog import catalog_lock, edit_catalog
from .errors import CatalogBusyError, CatalogError, StorageError

log = logging.getLogger(__name__)

Apply = Callable[[polib.POFile, dict], dict]
After = Callable[[list[tuple[dict, dict]]], None]

#: Results and requests left behind (a waiter that gave up, a crashed writer) go after this.
STALE_SECONDS = 600
#: A queued edit this old was given up by its waiter (whose timeout is far shorter), or its
#: process crashed: it is dropped, never applied long after nobody waits for its answer.
EDIT_EXPIRY_SECONDS = 120


def queue_dir(path: Path) -> Path:
    """Return the folder of queued edits of a catalog (in memory where the machine allows)."""
    return work_dir(path, "queue")


class _Local:
    """This process's waiters on one catalog, and the thread that takes the lock for them.

    Each waiting thread has an event of its own, set when its result is in:
    waking every waiter for every result cost more interpreter time than the
    writing itself. `cond` wakes only the committer (and its lock helper).
    """

    def __init__(self, path: Path, qdir: Path) -> None:
        self.path = path
        self.qdir = qdir
        self.cond = threading.Condition()
        self.waiting: dict[str, threading.Event] = {}
        self.results: dict[str, dict] = {}
        self.work: tuple[Apply, After | None] | None = None  # from the latest submit
        self.committer: threading.Thread | None = None
        self.busy = False  # the committer is in a turn at the lock
        self.collecting = threading.Lock()  # one collector at a time, from taking a result to handing it over

    def pending(self) -> set[str]:
        """Return the waiting edits without a result (the caller holds cond)."""
        return self.waiting.keys() - self.results.keys()

    def nothing_pending(self) -> bool:
        return not self.pending()

    def deliver(self, found: dict[str, dict]) -> None:
        """Hand results to their waiting threads (a thread that gave up gets nothing)."""
        with self.cond:
            for n, result in found.items():
                event = self.waiting.get(n)
                if event is not None and n not in self.results:
                    self.results[n] = result
                    event.set()
            self.cond.notify_all()  # the committer may stop waiting for the lock

    def collect(self) -> None:
        """Pick up the results another process left for this one's waiting edits.

        A result is taken (its file removed) before it is handed over; holding
        `collecting` throughout means nobody looks for it in between.
        """
        with self.collecting:
            self._collect()

    def _collect(self) -> None:
        with self.cond:
            names = self.pending()
        found = {}
        for n in names:
            try:
                result = _take_result(self.qdir, n)
            except (OSError, ValueError):
                log.exception("unreadable result %s of %s", n, self.path)
                continue
            if result is not None:
                found[n] = result
        if found:
            self.deliver(found)


_LOCAL: dict[str, _Local] = {}
_BY_QUEUE: dict[str, _Local] = {}
_LOCAL_GUARD = threading.Lock()

#: A committer thread with nothing to do for this long ends; the next edit starts another.
IDLE_SECONDS = 5.0
#: How long a committer waits for the lock in one go; the waiters have their own timeouts.
LOCK_WAIT_SECONDS = 30.0


def _local(path: Path, qdir: Path) -> _Local:
    key = str(path)
    with _LOCAL_GUARD:
        local = _LOCAL.get(key)
        if local is None:
            local = _LOCAL[key] = _BY_QUEUE[str(qdir)] = _Local(path, qdir)
        return local


def submit(path: Path | str, edit: dict, apply: Apply, *, after: After | None = None,
           timeout: float = 30.0) -> dict:
    """Queue an edit of a catalog and return its result once the catalog is durably written.

    `apply(po, edit)` changes the parsed catalog and returns a JSON-able result;
    it reports a refusal (a stale version, say) in that result rather than
    raising, so that one bad edit does not undo the others of its batch.
    `after(batch)` runs once per batch, after the catalog is written and still
    under the lock, with (edit, result) for every edit applied: the place to
    log them all in one database transaction. It runs in another thread than
    the caller's, so it must not use the caller's database session. Its failure
    is logged, not reported: the catalog is the truth and already holds the edits.

    Threads do not queue for the lock themselves: one committer thread per
    process and catalog does, on behalf of all of them, and a result written by
    another process arrives with a wake-up (see _Waker) without waiting for a
    turn at the lock.
    """
    path = Path(path)
    qdir = queue_dir(path)
    name = f"{time.time_ns():020d}-{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(3)}"
    _WAKER.listen()
    # A rename makes the request appear whole; it needs no fsync: it lives
    # only as long as its request, and a crash ends both.
    try:
        _put(qdir / f"{name}.edit", edit)
    except OSError as exc:
        raise StorageError(f"{path.name}: the server cannot queue the change ({exc.strerror}); "
                           "nothing was changed") from exc
    local = _local(path, qdir)
    done = threading.Event()
    with local.cond:
        local.waiting[name] = done
        local.work = (apply, after)
        if local.committer is None:
            local.committer = threading.Thread(target=_commit, args=(local,), daemon=True,
                                               name=f"commit {path.name}")
            local.committer.start()
        local.cond.notify_all()
    done.wait(timeout)
    with local.cond:
        del local.waiting[name]
        result = local.results.pop(name, None)
        local.cond.notify_all()  # when it gave up: the committer may stop waiting for the lock
    if result is not None:
        return result
    return _withdraw(path, qdir, name, timeout)


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
        self.over = threading.Event()  # set while no turn is in progress
        self.over.set()

    def __enter__(self) -> None:
        with self.guard:
            self.over.clear()
            if self.holders == 0:
                self.saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self.saved, self.INTERVAL))
            self.holders += 1

    def __exit__(self, *exc) -> None:
        with self.guard:
            self.holders -= 1
            if self.holders == 0:
                sys.setswitchinterval(self.saved)
                self.over.set()


_URGENT = _Urgent()


def yield_to_writer(max_wait: float = 0.02) -> None:
    """Before starting new work, let a turn at a catalog lock in this process finish (at most max_wait).

    Every save of the catalog, in every process, waits for that turn; a request
    thread starting meanwhile would only slow it down by taking the interpreter.
    """
    urgent = _URGENT
    if not urgent.over.is_set():
        urgent.over.wait(max_wait)


def _commit(local: _Local) -> None:
    """The committer: while edits of this process wait, take the lock and serve them all."""
    while True:
        with local.cond:
            idle_until = time.monotonic() + IDLE_SECONDS
            while local.nothing_pending():
                left = idle_until - time.monotonic()
                if left <= 0:
                    local.committer = None
                    return
                local.cond.wait(left)
            local.busy = True
        try:
            _turn(local)
        except StorageError as exc:  # nothing can be stored now: say so at once, not after a timeout
            log.warning("%s", exc)
            _refuse_pending(local, exc)
            time.sleep(0.05)
        except CatalogError as exc:  # the lock stayed taken: the waiters time out on their own
            log.warning("%s", exc)
        except Exception:  # noqa: BLE001 - keep serving; each waiter times out and withdraws
            log.exception("committing queued edits of %s failed", local.path)
            time.sleep(0.05)
        finally:
            with local.cond:
                local.busy = False
                local.cond.notify_all()


def _refuse_pending(local: _Local, exc: StorageError) -> None:
    """Answer this process's waiting edits that no holder took with the storage error; drop them from the queue."""
    with local.cond:
        names = local.pending()
    refused = {}
    for name in names:
        try:
            (local.qdir / f"{name}.edit").unlink()
        except FileNotFoundError:
            continue  # a holder has it: its answer will come
        except OSError:
            pass  # the queue itself is unwritable: the edit cannot be applied by anyone either
        refused[name] = {"error": type(exc).__name__, "message": str(exc)}
    local.deliver(refused)


def _finish_turns(timeout: float = 10.0) -> None:
    """At exit, let turns in progress end: another process's answers may be in them.

    Committers are daemon threads; one stopped half way through handing out
    answers would leave other processes' applied edits to be answered as
    conflicts by the next holder.
    """
    deadline = time.monotonic() + timeout
    for local in list(_LOCAL.values()):
        with local.cond:
            while local.busy and time.monotonic() < deadline:
                local.cond.wait(deadline - time.monotonic())


atexit.register(_finish_turns)


def _turn(local: _Local) -> None:
    """Take the lock (unless every waiting edit got its result meanwhile) and apply the queue."""
    with catalog_lock(local.path, LOCK_WAIT_SECONDS, wait_on=local.cond, give_up=local.nothing_pending) as held:
        if not held:
            return
        with _URGENT:
            with local.cond:
                names = local.pending()
                assert local.work is not None  # set by the submit that started this holder
                apply, after = local.work  # the latest: the lock may have been awaited for an older edit
            local.collect()  # answers another process left while we waited
            with local.cond:
                todo = bool(names & local.pending())
            if todo:
                _apply_queue(local.path, local.qdir, apply, after, local)
            with local.collecting:  # a wake-up may be handing over an answer right now
                local._collect()
                with local.cond:
                    lost = names & local.pending()
                if lost:  # queued before the lock was taken, yet neither applied here nor answered before
                    local.deliver({n: {"error": "CatalogError",
                                       "message": f"{local.path}: the queued change disappeared before it was applied"}
                                   for n in lost})


class _Waker:
    """Wake-ups between processes: a writer tells each process whose edits it answered.

    Each process listens on a datagram socket in the abstract namespace (Linux;
    elsewhere, or if the name is taken, results are picked up at the next turn
    at the lock instead). A datagram names a queue folder: the listener picks up
    the results there for its waiting edits. Anyone may send one; it only makes
    the listener look, so it cannot forge a result.
    """

    def __init__(self) -> None:
        self.pid = 0
        self.guard = threading.Lock()
        self.sender: socket.socket | None = None

    @staticmethod
    def address(pid: int) -> bytes:
        return f"\0translate-app-{os.getuid()}-{pid}".encode()

    def listen(self) -> None:
        """Start this process's listener, once per process (after a fork, anew)."""
        if self.pid == os.getpid():
            return
        with self.guard:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
            self.sender = None
            try:
                sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                sender.setblocking(False)
                self.sender = sender  # waking others needs no name of our own
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                sock.bind(self.address(self.pid))
            except OSError as exc:  # no abstract sockets here, or the name is taken
                log.info("no wake-ups between processes (%s); results wait for a turn at the lock", exc)
                return
            threading.Thread(target=self._run, args=(sock,), daemon=True, name="groupcommit wake-ups").start()

    def _run(self, sock: socket.socket) -> None:
        while True:
            try:
                data = sock.recv(8192)
                local = _BY_QUEUE.get(data.decode("utf-8", "replace"))
                if local is not None:
                    local.collect()
            except Exception:  # noqa: BLE001 - the listener must outlive one bad datagram
                log.exception("handling a wake-up failed")

    def wake(self, pids: set[int], qdir: Path) -> None:
        """Tell other processes that their results are in qdir (best effort)."""
        sender = self.sender
        if sender is None:
            return
        message = str(qdir).encode()
        for pid in pids:
            # Gone, not listening, or its queue is full: it finds the result at its turn.
            with contextlib.suppress(OSError):
                sender.sendto(message, self.address(pid))


_WAKER = _Waker()


def _forget_threads() -> None:
    """In a forked child: the parent's committers and listener did not come along."""
    global _LOCAL_GUARD, _URGENT
    _LOCAL.clear()
    _BY_QUEUE.clear()
    _LOCAL_GUARD = threading.Lock()
    _URGENT = _Urgent()
    _WAKER.__init__()  # type: ignore[misc]  # a fresh socket, same object


os.register_at_fork(after_in_child=_forget_threads)


def _withdraw(path: Path, qdir: Path, name: str, timeout: float) -> dict:
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
        raise CatalogBusyError(f"{path}: the catalog is busy and the change could not be confirmed; "
                           "reload to see whether it was stored") from None
    raise CatalogBusyError(f"{path}: the catalog was locked for over {timeout:g} s; nothing was changed, try again")


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
            if kind == "edit" and _age_seconds(stem, now) > EDIT_EXPIRY_SECONDS:
                Path(entry.path).unlink(missing_ok=True)  # nobody waits for it any more
            elif kind in ("edit", "taken"):  # .taken: left by a holder that crashed; applied again
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
    written = True
    try:
        with edit_catalog(path) as po:
            for stem, edit in edits:
                results[stem] = _apply_one(apply, po, stem, edit, path)
    except Exception as exc:
        # Nothing was written. A fault of the place (the lock, the disk) fails
        # every edit of the batch alike; anything else came from the content
        # of some edit, so each is tried alone and only the culprit refused.
        if isinstance(exc, (CatalogError, OSError)) or len(edits) < 2:
            if not isinstance(exc, CatalogError):
                log.exception("writing %s failed", path)
            message = (str(exc) if isinstance(exc, CatalogError)
                       else "the catalog could not be written" if isinstance(exc, OSError) else _UNWRITABLE)
            error = type(exc).__name__ if isinstance(exc, CatalogError) else "CatalogError"
            results = {stem: {"error": error, "message": message} for stem, _ in edits}
            written = False
        else:
            log.warning("writing a batch of %d edits of %s failed (%r); writing them one by one",
                        len(edits), path, exc)
            results = _apply_one_by_one(path, apply, edits)
    if written and after is not None:
        try:
            after([(edit, results[stem]) for stem, edit in edits])
        except Exception:  # noqa: BLE001 - the edits are stored; only their record failed
            log.exception("recording a batch of %d edits of %s failed", len(edits), path)
    with local.cond:
        ours = local.waiting.keys() & results.keys()
    others = set()
    for stem, _ in edits:  # other processes' answers first: this one's waiters could end the process
        try:
            if stem not in ours:
                _put(qdir / f"{stem}.done", results[stem])
                others.add(_pid_of(stem))
            (qdir / f"{stem}.taken").unlink(missing_ok=True)
        except OSError:  # its waiter will say it could not confirm; the others still get theirs
            log.exception("handing out the result of queued edit %s of %s failed", stem, path)
    others.discard(os.getpid())
    others.discard(0)
    _WAKER.wake(others, qdir)
    local.deliver({stem: results[stem] for stem in ours})


_UNWRITABLE = "the change could not be written to the catalog (it holds text a catalog cannot store)"


def _apply_one(apply: Apply, po: polib.POFile, stem: str, edit: dict, path: Path) -> dict:
    """Apply one edit to the parsed catalog; a bug in it fails that edit alone."""
    try:
        return apply(po, edit)
    except Exception:  # noqa: BLE001 - one broken edit must not sink the batch
        log.exception("queued edit %s of %s failed", stem, path)
        return {"error": "CatalogError", "message": "the change could not be applied"}


def _apply_one_by_one(path: Path, apply: Apply, edits: list[tuple[str, dict]]) -> dict[str, dict]:
    """Apply and write each edit on its own (the caller holds the lock), after a batch could not be written.

    Each write starts from the file (a failed write leaves no parsed copy
    behind), so an edit that makes the catalog unwritable is refused alone.
    """
    results: dict[str, dict] = {}
    for stem, edit in edits:
        try:
            with edit_catalog(path) as po:
                results[stem] = _apply_one(apply, po, stem, edit, path)
        except CatalogError as exc:
            results[stem] = {"error": "CatalogError", "message": str(exc)}
        except Exception:  # noqa: BLE001 - this edit's content, or the place; either way it alone is refused
            log.exception("writing queued edit %s of %s failed", stem, path)
            results[stem] = {"error": "CatalogError", "message": _UNWRITABLE}
    return results


def _pid_of(stem: str) -> int:
    try:
        return int(stem.split("-")[1])  # TIME-PID-THREAD-RANDOM
    except (IndexError, ValueError):
        return 0


def _age_seconds(stem: str, now_ns: int) -> float:
    try:
        return (now_ns - int(stem.split("-", 1)[0].lstrip("."))) / 1e9
    except ValueError:
        return 0.0
