"""Fixtures for the web: an app on a temporary project, users of every role, a logged-in client."""

from __future__ import annotations

import re
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.factory import PASSWORD, SMALL_RELEASE, WEB_PEOPLE, make_app, make_project

__all__ = ["PASSWORD", "SMALL_RELEASE", "Auth", "postgres_available"]  # imported by tests elsewhere


def postgres_available() -> bool:
    """Say whether PostgreSQL answers on 127.0.0.1:5432."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path):
    """Yield a fresh database URL: SQLite in tmp_path, and PostgreSQL in its own schema where it runs."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    if not postgres_available():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    from sqlalchemy import create_engine, text

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def web_project(tmp_path: Path) -> Path:
    """Return a project with a small release in German, French and Hebrew."""
    return make_project(tmp_path / "project", languages=["de", "fr", "he"])


@pytest.fixture
def app(web_project: Path, database_url: str, tmp_path: Path):
    """Return the app on the small project, with one user of each kind."""
    from translate_app.web.extensions import Database

    app = make_app(web_project, database_url, people=WEB_PEOPLE)
    yield app
    Database.dispose(app)


@pytest.fixture
def client(app):
    """Return a test client of the app."""
    return app.test_client()


@dataclass
class Auth:
    """Log the test client in and out, and send CSRF-protected requests."""

    client: object

    def csrf(self, path: str = "/login") -> str:
        html = self.client.get(path).get_data(as_text=True)
        m = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', html
        )
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, name: str, password: str = PASSWORD):
        token = self.csrf("/login")
        return self.client.post("/login", data={"name": name, "password": password, "csrf_token": token})

    def logout(self):
        token = self.csrf("/")
        return self.client.post("/logout", data={"csrf_token": token})

    def api(self, method: str, path: str, json=None):
        token = self.csrf("/")
        return self.client.open(path, method=method, json=json, headers={"X-CSRFToken": token})


@pytest.fixture
def auth(client) -> Auth:
    """Return the login helper for the client."""
    return Auth(client)
