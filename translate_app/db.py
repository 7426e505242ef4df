"""Database engine and sessions; the schema is managed by Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


# As many kept connections as a worker has threads (gunicorn.conf.py), plus the
# catalog committers: one beyond the pool size is closed on return, and opening
# one costs PostgreSQL a new process (SQLite: a new file handle and its pragmas).
_POOL = {"pool_size": 10, "max_overflow": 10}


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               **({} if ":memory:" in url or url.rstrip("/") == "sqlite:" else _POOL))

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
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False,
                         pool_size=8, max_overflow=8)


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
    """Apply every migration up to a revision."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def open_database(settings) -> sessionmaker[Session]:
    """Bring the configured database up to date and return a session factory for it."""
    url = settings.resolved_database_url()
    upgrade(url)
    return make_session_factory(make_engine(url))
