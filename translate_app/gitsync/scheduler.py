"""When to sync: batching rules, and a background thread that follows them.

A sync is due (see `due`) when a person asked for one (the coordinator's
button, the webhook, a publish), when N changes wait for a commit, when the
last change is M minutes old (quiet), when a failed sync's backoff is over,
or when the pull interval has passed. Requests go into the state file, so a
webhook answered by one web worker is seen by the scheduler of any other;
the sync lock in the state folder makes sure only one of them syncs.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from .service import GitSync, SyncReport

log = logging.getLogger(__name__)

#: Seconds between two looks at the rules.
TICK_SECONDS = 5.0


def due(
    *, settings: Settings, state: dict, pending: int, latest_change: datetime | None, now: float | None = None
) -> str | None:
    """Return why a sync is due now, or None; pure, for the scheduler and its tests."""
    now = time.time() if now is None else now
    if state.get("requested"):
        return str(state["requested"])
    retry = state.get("next_retry_at")
    if retry:
        return "retry" if now >= float(retry) else None  # a failed sync waits out its backoff
    if not settings.git_sync:
        return None
    if pending >= settings.git_commit_after_changes:
        return f"{pending} changes"
    if pending and latest_change is not None:
        if latest_change.tzinfo is None:
            latest_change = latest_change.replace(tzinfo=UTC)
        if now - latest_change.timestamp() >= settings.git_commit_after_quiet_minutes * 60:
            return "quiet"
    last = state.get("last_sync_epoch")
    if last is None or now - float(last) >= settings.git_pull_minutes * 60:
        return "pull interval"
    return None


class SyncScheduler:
    """A daemon thread that syncs whenever `due` says so, and at once when asked."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session] | None, tick: float = TICK_SECONDS) -> None:
        self.sync = GitSync(settings, sessions)
        self.settings = settings
        self.tick = tick
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.running = False
        self.last_report: SyncReport | None = None

    def request(self, reason: str) -> None:
        """Ask for a sync as soon as possible (from any process of this instance)."""
        self.sync.state.update(requested=reason, requested_at=time.time())
        self.start()
        self._wake.set()

    def alive(self) -> bool:
        """Say whether this process's thread runs (a forked process has none)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread once per process."""
        if not self.alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="git sync", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after its current sync."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_if_due()
            except Exception:  # noqa: BLE001 - the thread must outlive any one failure
                log.exception("git sync failed")
            self._wake.wait(self.tick)
            self._wake.clear()

    def run_if_due(self) -> SyncReport | None:
        """Sync when the rules say so; return the report, or None when nothing was due."""
        state = self.sync.state.load()
        pending = self.sync.pending_changes()
        reason = due(
            settings=self.settings, state=state, pending=int(pending["changes"]), latest_change=pending["latest"]
        )
        if reason is None:
            return None
        self.running = True
        try:
            if state.get("requested"):
                self.sync.state.update(requested=None)
            report = self.sync.sync()
        finally:
            self.running = False
        if report.busy:
            if state.get("requested"):
                self.sync.state.update(requested=state["requested"])  # the running sync may have begun too early
        else:
            self.sync.state.update(last_sync_epoch=time.time(), last_reason=reason)
        self.last_report = report
        log.info("git sync (%s): %s", reason, "; ".join(report.lines()))
        return report
