"""The audit log of catalog edits, durable for every acknowledged change.

A batch of edits is logged by the thread that wrote the catalog (see
storage/batch.py), after the write and before anyone is answered. The
database may refuse at that moment (a connection terminated, a restart, a
full disk), and the process may die between the catalog write and the
database commit. So the rows go through an outbox:

1. the rows are written to a file in the outbox folder and fsynced;
2. they are inserted into audit_log; then the file is removed.

Invariants this relies on:
- every row carries a unique `edit_key` (made when the edit is submitted), and
  inserting ignores a key already there: replaying a file whose rows were
  already inserted (a crash between 2's commit and the removal) adds nothing;
- an edit is answered only after step 1, so every acknowledged change has its
  rows in the database or in an outbox file;
- files left in the outbox are replayed at start-up and before each later
  batch, by any process (the unique key makes concurrent replays harmless).
A change written to the catalog whose process died before step 1 was never
acknowledged; it may lack its row (the catalog, the truth, has it).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import cast

from sqlalchemy import Engine, Executable, Table
from sqlalchemy.orm import Session

from .models import AuditLog
from .storage import write_atomic

log = logging.getLogger(__name__)
_REPLAYING = threading.Lock()


def engine_of(session: Session) -> Engine:
    """Return the engine a session is bound to (the app binds sessions to engines, never to connections)."""
    return cast(Engine, session.get_bind())


def new_edit_key() -> str:
    """Return a key that names one submitted edit in the audit log."""
    return uuid.uuid4().hex


def record(engine: Engine, outbox: Path | None, rows: list[dict]) -> None:
    """Log rows durably: outbox file first, then the database (see the module docstring)."""
    if not rows:
        return
    if outbox is None:  # no outbox configured (scripts, some tests): straight into the database
        _insert(engine, rows)
        return
    replay(engine, outbox)
    path = outbox / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.json"
    write_atomic(path, json.dumps(rows, ensure_ascii=False, default=_iso).encode("utf-8"))
    try:
        _insert(engine, rows)
    except Exception:  # noqa: BLE001 - kept in the outbox; the next batch or start-up retries
        log.warning("audit rows kept in the outbox until the database accepts them (%s)", path.name, exc_info=True)
        return
    path.unlink(missing_ok=True)


def replay(engine: Engine, outbox: Path) -> int:
    """Insert the rows of every file left in the outbox; return how many files were done."""
    try:
        names = sorted(n for n in os.listdir(outbox) if n.endswith(".json"))
    except FileNotFoundError:
        return 0
    if not names or not _REPLAYING.acquire(blocking=False):
        return 0
    done = 0
    try:
        for name in names:
            path = outbox / name
            try:
                rows = json.loads(path.read_bytes())
            except FileNotFoundError:
                continue  # replayed by another process meanwhile
            except ValueError:
                log.error("unreadable audit outbox file %s left in place", path)
                continue
            try:
                _insert(engine, rows)
            except Exception:  # noqa: BLE001 - the database still refuses: try again later
                log.warning("audit outbox replay stopped at %s", name, exc_info=True)
                break
            path.unlink(missing_ok=True)
            done += 1
    finally:
        _REPLAYING.release()
    return done


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot keep {type(value).__name__} in the audit outbox")


def _insert(engine: Engine, rows: list[dict]) -> None:
    """Insert audit rows in one transaction, skipping edit keys already logged."""
    rows = [{**row, "at": datetime.fromisoformat(row["at"])} if isinstance(row.get("at"), str) else row for row in rows]
    table = cast(Table, AuditLog.__table__)
    statement: Executable
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        statement = postgresql_insert(table).on_conflict_do_nothing(index_elements=["edit_key"])
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table).on_conflict_do_nothing(index_elements=["edit_key"])
    with engine.begin() as conn:
        conn.execute(statement, rows)
