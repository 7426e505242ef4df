"""Database engine and sessions; the schema is managed by Alembic migrations."""

from __future__ import annotations

import fcntl
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


# As many kept connections as a worker has threads (gunicorn.conf.py), plus the
# catalog committers: one beyond the pool size is closed on return, and opening
# one costs PostgreSQL a new process (SQLite: a new file handle and its pragmas).
_POOL = {"pool_size": 10, "max_overflow": 10}


_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_parent_connections() -> None:
    """In a forked child (gunicorn preloads the app): leave the parent's pooled connections to it."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parent_connections)


def make_engine(url: str) -> Engine:
    """Create an engine (SQLite gets WAL, a busy timeout and foreign keys); safe to use across fork()."""
    engine = _make_engine(url)
    _ENGINES.add(engine)
    return engine


def _make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            **({} if ":memory:" in url or url.rstrip("/") == "sqlite:" else _POOL),
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **_POOL)


def make_lookup_engine(engine: Engine) -> Engine:
    """Return the engine for single-statement reads on every request (API tokens).

    On PostgreSQL: autocommit and no ping before use, so a lookup is one round
    trip instead of four (ping, BEGIN, SELECT, ROLLBACK); a small pool beside
    the main one. A connection that died (a restarted server) is retried once
    by the caller (see accounts.user_for_token). SQLite has no round trips to
    save: the main engine serves. The pool keeps as many connections as a
    worker has threads (gunicorn.conf.py): a connection beyond the pool size is
    closed on return, and opening one costs PostgreSQL a new process.
    """
    if not engine.dialect.name.startswith("postgresql"):
        return engine
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False, pool_size=8, max_overflow=8)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to an engine."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str):
    """Return an Alembic configuration for this package's migrations and a database URL."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to a revision, one process at a time.

    Several processes may start at once on a fresh database (gunicorn workers
    without preloading, a CLI command beside the server): each waits for the
    migration lock (a PostgreSQL advisory lock, or an exclusive file lock beside
    the SQLite file), then finds the schema up to date and does nothing.
    """
    from alembic import command

    with _migration_lock(url):
        command.upgrade(alembic_config(url), revision)


# Any fixed 64-bit number, the same in every process: PostgreSQL's advisory lock key.
_MIGRATION_LOCK_KEY = 0x7472616E736C6174


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    """Hold the database's migration lock (see upgrade)."""
    if url.startswith(("postgresql", "postgres")):
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                    conn.commit()
        finally:
            engine.dispose()
        return
    database = make_url(url).database if url.startswith("sqlite") else None
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def open_database(settings) -> sessionmaker[Session]:
    """Bring the configured database up to date and return a session factory for it."""
    url = settings.resolved_database_url()
    upgrade(url)
    return make_session_factory(make_engine(url))
