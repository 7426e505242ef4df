"""Applying edits to a catalog: one lock, one load and one durable write for every edit waiting in this process.

apply(path, edits, change) is the way people's edits reach a catalog. The
threads of one process that want to edit the same catalog queue in memory;
the first of them becomes the leader: it takes the catalog's lock (see
lock.py), then every request waiting by then (those that came while it waited
for the lock included), applies them all in arrival order to the current
content, writes the file once (see catalogs.edit), runs
`after` once for the batch, hands each thread its outcomes and steps down.
Requests that arrived meanwhile wait for the next leader, which is one of
them. Between processes the flock alone serialises: each process writes its
own batches, and reads what the others wrote from the file.

Invariants the mechanism relies on:

* Nothing acknowledged is lost: apply returns an outcome only after the
  catalog holding it was renamed into place and fsynced (files.write_atomic),
  under the lock, starting from the file's current content; a batch that could
  not be written is answered with an error for each of its edits.
* Conflicts are answered: every edit carries the version it was based on and
  is checked under the lock (segments.apply_edit), so a concurrent change is
  a stale_version outcome with the current segment, never an overwrite.
* A crash never leaves a half-written file (rename), nor a locked catalog
  (the kernel drops a dead process's flock); edits of a crashed process were
  never acknowledged, and its clients resend them (a resent save of the same
  text by the same person is answered as the success it was).
* Nothing lives outside the catalog and its `.lock` file: no queue, result or
  change files, no helper threads besides the lock wait, no process-global
  hooks. A process forks only while it applies nothing (gunicorn's master
  serves no request), so a child never inherits a held lock or a leader.
* One bad edit does not sink its batch: a refusal is an outcome, an exception
  from `change` fails that edit alone, and a batch whose write fails for its
  content (not for the place: the lock, the disk) is written again edit by
  edit, so only the culprit is refused.
* Every request for one catalog path in one process is about one release and
  language, so the first request's `after` is right for the whole batch.
* A request still waiting when its timeout ends is withdrawn (nothing changed);
  one a leader has taken (under the lock) is always answered. A leader that
  cannot get the lock in its own time refuses its own request only.

What was measured (issue 12; bench/review_load.py and an in-process test of
P processes x T threads saving one catalog, on a shared 2-core machine with a
load average near 20): within one process this is as fast as the former
cross-process group commit (1 x 16 threads: 237-623 against 212-242
saves/s); across processes each one writes its own batches, so there are more
fsyncs (4 x 4: 102-114 against 204-290 saves/s). Fewer workers with more
threads give bigger batches.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from ..core.edits import Edit, Outcome
from ..core.errors import CatalogBusyError, CatalogError, StorageError
from .catalogs import edit
from .lock import catalog_lock

log = logging.getLogger(__name__)

Change = Callable[[polib.POFile, Edit], Outcome]
After = Callable[[list[tuple[Edit, Outcome]]], None]

_UNWRITABLE = "the change could not be written to the catalog (it holds text a catalog cannot store)"


@dataclass(eq=False)
class _Request:
    edits: list[Edit]
    change: Change
    after: After | None
    outcomes: list[Outcome] | None = None
    taken: bool = False


class _Queue:
    """The requests of this process waiting for one catalog, and whether a leader is at work."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.waiting: list[_Request] = []
        self.leading = False


_QUEUES: dict[str, _Queue] = {}
_QUEUES_GUARD = threading.Lock()


def _queue(path: Path) -> _Queue:
    with _QUEUES_GUARD:
        return _QUEUES.setdefault(str(path), _Queue())


def apply(
    path: Path | str, edits: Sequence[Edit], change: Change, *, after: After | None = None, timeout: float = 30.0
) -> list[Outcome]:
    """Apply edits to a catalog and return their outcomes, in order, once the catalog is durably written.

    `change(po, edit)` changes the parsed catalog and returns the outcome; it
    reports a refusal in the outcome rather than raising. `after(batch)` runs
    once per written batch, still under the lock, with (edit, outcome) of every
    edit of the batch: the place to log them in one database transaction. It
    may run in another request's thread, so it must not use the caller's
    database session; its failure is logged, not reported (the catalog is the
    truth and holds the edits already).

    Raises CatalogBusyError when the request waited `timeout` seconds without
    a leader taking it (nothing was changed).
    """
    path = Path(path)
    request = _Request(list(edits), change, after)
    queue = _queue(path)
    deadline = time.monotonic() + timeout
    with queue.cond:
        queue.waiting.append(request)
        while request.outcomes is None and queue.leading:
            left = deadline - time.monotonic()
            if left <= 0 and not request.taken:
                queue.waiting.remove(request)
                raise CatalogBusyError(
                    f"{path}: the catalog was busy for over {timeout:g} s; nothing was changed, try again"
                )
            queue.cond.wait(left if left > 0 else 0.5)  # taken: its leader always answers
        if request.outcomes is not None:
            return request.outcomes
        queue.leading = True
    try:
        _lead(path, queue, request, max(0.0, deadline - time.monotonic()))
    finally:
        with queue.cond:
            queue.leading = False
            queue.cond.notify_all()
    assert request.outcomes is not None
    return request.outcomes


def _lead(path: Path, queue: _Queue, request: _Request, lock_timeout: float) -> None:
    """Take the lock, then every request waiting by then (edits that came while the lock was awaited join)."""
    try:
        with catalog_lock(path, lock_timeout):
            with queue.cond:
                batch, queue.waiting = queue.waiting, []
                for r in batch:
                    r.taken = True
            _commit(path, batch)
    except CatalogError as exc:  # no lock: the leader's own request is refused, the others wait for the next
        with queue.cond:
            if request.outcomes is None:
                if request in queue.waiting:
                    queue.waiting.remove(request)
                request.outcomes = [Outcome.refused(exc)] * len(request.edits)


def _commit(path: Path, batch: list[_Request]) -> None:
    """Apply a batch (the caller holds the lock), write it once, record it, and give every request its outcomes."""
    pairs = [(r, e) for r in batch for e in r.edits]
    outcomes: list[Outcome] = []
    try:
        try:
            with edit(path) as po:
                outcomes = [_apply_one(r.change, po, e, path) for r, e in pairs]
        except (CatalogError, OSError):
            raise
        except Exception as exc:  # the content of some edit: each alone, only the culprit refused
            if len(pairs) < 2:
                raise
            log.warning("writing a batch of %d edits of %s failed (%r); writing them one by one", len(pairs), path, exc)
            outcomes = [_apply_alone(r.change, e, path) for r, e in pairs]
        _record(batch, [(e, o) for (_, e), o in zip(pairs, outcomes, strict=True)], path)
    except CatalogError as exc:  # the lock or the disk: nothing was written
        if not isinstance(exc, (StorageError, CatalogBusyError)):
            log.warning("%s", exc)
        outcomes = [Outcome.refused(exc)] * len(pairs)
    except OSError:
        log.exception("writing %s failed", path)
        outcomes = [
            Outcome.refused(StorageError(f"{path.name}: the catalog could not be written; nothing was changed"))
        ] * len(pairs)
    except Exception:  # noqa: BLE001 - every waiter must be answered
        log.exception("applying %d edits of %s failed", len(pairs), path)
        outcomes = [Outcome.refused(CatalogError(_UNWRITABLE))] * len(pairs)
    finally:
        _hand_out(batch, outcomes, path)


def _apply_one(change: Change, po: polib.POFile, one: Edit, path: Path) -> Outcome:
    """Apply one edit to the parsed catalog; a bug in it fails that edit alone."""
    try:
        return change(po, one)
    except Exception:  # noqa: BLE001 - one broken edit must not sink the batch
        log.exception("an edit of %s failed", path)
        return Outcome.refused(CatalogError("the change could not be applied"))


def _apply_alone(change: Change, one: Edit, path: Path) -> Outcome:
    """Apply and write one edit on its own (the caller holds the lock), after its batch could not be written."""
    try:
        with edit(path) as po:
            return _apply_one(change, po, one, path)
    except CatalogError as exc:
        return Outcome.refused(exc)
    except Exception:  # noqa: BLE001 - this edit's content, or the place; either way it alone is refused
        log.exception("writing an edit of %s failed", path)
        return Outcome.refused(CatalogError(_UNWRITABLE))


def _record(batch: list[_Request], pairs: list[tuple[Edit, Outcome]], path: Path) -> None:
    """Run the batch's `after` (see the invariants); its failure is logged only."""
    after = next((r.after for r in batch if r.after is not None), None)
    if after is None:
        return
    try:
        after(pairs)
    except Exception:  # noqa: BLE001 - the edits are stored; only their record failed
        log.exception("recording a batch of %d edits of %s failed", len(pairs), path)


def _hand_out(batch: list[_Request], outcomes: list[Outcome], path: Path) -> None:
    missing = Outcome.refused(CatalogError(f"{path.name}: the change could not be applied"))
    it = iter(outcomes)
    for r in batch:
        r.outcomes = [next(it, missing) for _ in r.edits]
