"""Flask extensions, created at module level and attached in create_app with init_app."""

from __future__ import annotations

from flask import Flask, g
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..db import make_engine, make_lookup_engine, make_session_factory

login_manager = LoginManager()
csrf = CSRFProtect()


class Database:
    """One engine per app and one session per request."""

    def __init__(self) -> None:
        self.factories: dict[int, sessionmaker[Session]] = {}

    def init_app(self, app: Flask) -> None:
        """Create the engine for the app's DATABASE_URL and close sessions after requests."""
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["translate_app.engine"] = engine
        app.extensions["translate_app.lookup_engine"] = make_lookup_engine(engine)
        sessions = make_session_factory(engine)
        outbox = app.config["SETTINGS"].instance_dir / "audit-outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        sessions.configure(info={"audit_outbox": outbox})  # see audit.py
        app.extensions["translate_app.sessions"] = sessions
        app.teardown_appcontext(self._close)
        from ..audit import replay

        try:
            replay(engine, outbox)  # audit rows a crash or a refusing database left behind
        except Exception:  # noqa: BLE001 - the service starts anyway; the next batch retries
            app.logger.warning("audit outbox not replayed at start", exc_info=True)

    @staticmethod
    def lookup_engine() -> Engine:
        """Return the engine for one-statement reads on each request (see db.make_lookup_engine)."""
        from flask import current_app

        return current_app.extensions["translate_app.lookup_engine"]

    @staticmethod
    def dispose(app: Flask) -> None:
        """Close every pooled database connection of an app (tests, shutdown)."""
        app.extensions["translate_app.lookup_engine"].dispose()
        app.extensions["translate_app.engine"].dispose()

    @staticmethod
    def factory(app: Flask) -> sessionmaker[Session]:
        """Return the session factory of an app (for threads and jobs)."""
        return app.extensions["translate_app.sessions"]

    @property
    def session(self) -> Session:
        """Return the session of the current request, opening it on first use."""
        from flask import current_app

        if "db_session" not in g:
            g.db_session = current_app.extensions["translate_app.sessions"]()
        return g.db_session

    @staticmethod
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
