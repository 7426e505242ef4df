"""Deployment: behind a reverse proxy, migrating once, workers warmed up before their first request."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, SMALL_RELEASE, postgres_available
from translate_app import storage
from translate_app.config import Settings


def _app(web_project: Path, tmp_path: Path, proxies: int):
    from translate_app import accounts, create_app
    from translate_app.web.extensions import Database

    settings = Settings(
        root=web_project,
        secret_key="test-secret",
        secure_cookies=False,
        database_url=f"sqlite:///{tmp_path / f'proxy{proxies}.sqlite3'}",
        trusted_proxies=proxies,
    )
    app = create_app({"SETTINGS": settings, "TESTING": True})
    with Database.factory(app)() as session:
        accounts.create_user(session, name="coord", role="coordinator", languages=[], password=PASSWORD)
        accounts.create_user(session, name="tr_de", role="translator", languages=["de"], password=PASSWORD)
        session.commit()
    return app


def _login(client, name: str, password: str, client_address: str):
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https", "Referer": "https://localhost/login"},
    )


@pytest.mark.parametrize("proxies", [0, 1])
def test_guessing_from_one_address_locks_out_others_only_without_a_trusted_proxy(web_project, tmp_path, proxies):
    """Behind one proxy every request comes from it: only the forwarded address tells clients apart."""
    from translate_app.accounts import FREE_FAILURES_PER_ADDRESS as MAX_FAILURES_PER_ADDRESS

    app = _app(web_project, tmp_path, proxies)
    guesser = app.test_client()
    for i in range(MAX_FAILURES_PER_ADDRESS):
        _login(guesser, f"nobody{i}", "wrong password", "203.0.113.5")
    volunteer = app.test_client()
    answer = _login(volunteer, "tr_de", PASSWORD, "198.51.100.7")
    if proxies:
        assert answer.status_code == 302, answer.get_data(as_text=True)
    else:  # the proxy's own address (127.0.0.1 here) was counted for everybody
        assert answer.status_code != 302
        assert "too many failed logins" in answer.get_data(as_text=True)


@pytest.mark.parametrize("proxies", [0, 1])
def test_links_use_the_scheme_and_host_the_proxy_received(web_project, tmp_path, proxies):
    """url_for(..., _external=True), e.g. invitation links, says https:// behind a TLS-terminating proxy."""
    from flask import url_for

    app = _app(web_project, tmp_path, proxies)
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "translate.example.org",
        "X-Forwarded-For": "198.51.100.7",
    }
    seen = {}

    @app.get("/__probe")
    def _probe():
        from flask import request

        seen["link"] = url_for("auth.login", _external=True)
        seen["addr"] = request.remote_addr
        return "ok"

    assert app.test_client().get("/__probe", headers=headers).status_code == 200
    if proxies:
        assert seen["link"].startswith("https://translate.example.org/")
        assert seen["addr"] == "198.51.100.7"
    else:
        assert seen["link"].startswith("http://localhost/")
        assert seen["addr"] == "127.0.0.1"


def test_trusted_proxies_setting_is_read_and_checked(monkeypatch):
    """TRANSLATE_APP_TRUSTED_PROXIES is a count; anything else is refused with a clear message."""
    monkeypatch.setenv("TRANSLATE_APP_TRUSTED_PROXIES", "2")
    assert Settings.from_env().trusted_proxies == 2
    monkeypatch.setenv("TRANSLATE_APP_TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES must be a whole number"):
        Settings.from_env()


def test_warm_up_prepares_what_the_first_request_needs(web_project, tmp_path):
    """Language names, templates, releases and catalogs are in memory before any request."""
    from translate_app import create_app
    from translate_app.web.warmup import warm_up

    settings = Settings(
        root=web_project, secret_key="k", secure_cookies=False, database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}"
    )
    app = create_app({"SETTINGS": settings})
    warmed = warm_up(app)
    assert warmed["releases"] == 1 and warmed["catalogs"] == 3
    assert warmed["languages"] > 500 and warmed["templates"] >= 5
    project = settings.project()
    assert project.document("appeal") is project.document("appeal")  # parsed once, kept
    assert storage.peek(project.catalog_path("appeal", "de")) is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(root: Path, env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"),
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_four_workers_start_on_a_fresh_database_every_time(tmp_path, backend):
    """Migrations run once, in the master, never in four workers at once (which failed 3-4 starts in 5)."""
    if backend == "postgresql" and not postgres_available():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    (root / "source" / "appeal.md").write_text(SMALL_RELEASE, encoding="utf-8")
    from translate_app.project import Project

    Project(root).add_release(root / "source" / "appeal.md", ["de"])
    for attempt in range(3):
        env = {
            **os.environ,
            "TRANSLATE_APP_ROOT": str(root),
            "TRANSLATE_APP_SECRET_KEY": "k",
            "TRANSLATE_APP_SECURE_COOKIES": "0",
        }
        schema = None
        if backend == "sqlite":
            env["TRANSLATE_APP_DATABASE_URL"] = f"sqlite:///{tmp_path / f'fresh{attempt}.sqlite3'}"
        else:
            import uuid

            from sqlalchemy import create_engine, text

            schema = "t_" + uuid.uuid4().hex[:12]
            admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            env["TRANSLATE_APP_DATABASE_URL"] = (
                f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
            )
        port = _free_port()
        proc = _start_gunicorn(root, env, port)
        try:
            assert _wait_for(port, proc), proc.stdout.read().decode() if proc.poll() is not None else "no answer"
            import urllib.request

            for _ in range(8):  # spread over the workers: every one answers
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as r:
                    assert r.status == 200
        finally:
            proc.send_signal(signal.SIGTERM)
            out = proc.communicate(timeout=30)[0].decode()
            if schema:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        assert "Worker failed to boot" not in out
        assert out.count("Running upgrade 0002 -> 0003") <= 1


def test_concurrent_migrations_wait_for_each_other(tmp_path):
    """Four processes migrating one fresh SQLite file at once all succeed (the migration lock)."""
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    code = "import sys; from translate_app.db import upgrade; upgrade(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE) for _ in range(4)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
