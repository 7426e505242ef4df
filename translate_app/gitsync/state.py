"""The sync's own state, in a JSON file under the instance folder (no database schema).

`instance/gitsync/state.json` holds what the last runs learned: the audit-log
id up to which each catalog's volunteers were credited in a commit, the last
error and how often a push failed in a row (for the backoff), when the next
retry is due, the last synchronised remote commit and file-level conflicts.
The last synchronised *content* for the three-way merge is not copied here:
it is the merge base of HEAD and the remote branch in the clone's own history.
`instance/gitsync/sync.lock` makes one sync at a time per instance, across
processes; saving never takes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..storage import write_atomic


class SyncState:
    """Read and write the sync state file of one instance."""

    def __init__(self, instance_dir: Path) -> None:
        self.folder = Path(instance_dir) / "gitsync"
        self.path = self.folder / "state.json"

    def load(self) -> dict[str, Any]:
        """Return the state (empty when there is none yet or it is unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, data: dict[str, Any]) -> None:
        """Replace the state file atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))

    def update(self, **changes: Any) -> dict[str, Any]:
        """Change some fields of the state and return the whole of it."""
        data = self.load()
        data.update(changes)
        self.save(data)
        return data

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[bool]:
        """Hold the instance's sync lock if nobody else does; yields False (and holds nothing) when busy."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / "sync.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
