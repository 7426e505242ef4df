"""Crash consistency under load: gunicorn with several workers, clients saving, faults injected.

For SQLite and PostgreSQL (skipped where it does not answer):

* SIGKILL of random workers (the master starts new ones) and of the whole
  server (master and workers), then a restart on the same port, while
  clients keep saving and re-send every request that got no answer;
* on PostgreSQL, the service's database connections terminated in a loop
  (pg_terminate_backend) while clients save.

Afterwards the server is started once more (it replays the audit outbox and
sweeps temporary files) and stopped, and then: every catalog parses and
passes `msgfmt --check`; every acknowledged save is stored or superseded by a
later stored save built on it; no refused save appears; every acknowledged
save has its audit row; no client was answered 409 with its own text; no
`.*.tmp` is left in locales/. The figures are printed (pytest -s shows them).

TRANSLATE_APP_CRASH_SECONDS sets the length of each load phase (default 14).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.reliability.save_ledger import Ledger, Target, check_catalogs, client_loop, verify
from tests.web.conftest import postgres_available

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "source" / "kuzmin-2026-03-30.md"
RELEASE, LANG = SAMPLE.stem, "de"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
SECONDS = float(os.environ.get("TRANSLATE_APP_CRASH_SECONDS", "14"))
CLIENTS = 6
WORKERS = 3
MIN_WORKER_KILLS = 4

pytestmark = pytest.mark.skipif(not shutil.which("msgfmt"), reason="msgfmt (gettext) is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Return the ids of the processes whose parent is pid (gunicorn's workers)."""
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return kids


class Server:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on a temporary project, on one port across restarts."""

    def __init__(self, root: Path, database_url: str, log: Path) -> None:
        self.root, self.port, self.log = root, _free_port(), log
        self.env = {
            **os.environ,
            "TRANSLATE_APP_ROOT": str(root),
            "TRANSLATE_APP_SECRET_KEY": "crash-" + uuid.uuid4().hex,
            "TRANSLATE_APP_DATABASE_URL": database_url,
            "TRANSLATE_APP_SECURE_COOKIES": "0",
        }
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, token: str, timeout: float = 90.0) -> None:
        """Start the server and wait until it answers an authenticated request."""
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(REPO / "gunicorn.conf.py"),
                    "-w",
                    str(WORKERS),
                    "--graceful-timeout",
                    "10",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "wsgi:app",
                ],
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                r = requests.get(
                    f"http://127.0.0.1:{self.port}/api/releases",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=5,
                )
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:g} s:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        return _children(self.proc.pid) if self.proc and self.proc.poll() is None else []

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill after 30 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill_all()


def _project(root: Path) -> dict[str, str]:
    """Make a project with the sample release in German; return segment id -> initial version."""
    from translate_app.core import catalog as cat
    from translate_app.project import Project

    (root / "source").mkdir(parents=True)
    shutil.copyfile(SAMPLE, root / "source" / SAMPLE.name)
    project = Project(root)
    project.add_release(root / "source" / SAMPLE.name, [LANG])
    po = cat.load(project.catalog_path(RELEASE, LANG))
    return {cat.entry_id(e): cat.entry_version(e) for e in po if not e.obsolete and e.msgid}


def _accounts(root: Path, database_url: str) -> list[str]:
    """Create the schema and CLIENTS reviewers of German (they save approved text directly); return tokens."""
    from translate_app import accounts
    from translate_app.config import Settings
    from translate_app.db import open_database

    sessions = open_database(Settings(root=root, database_url=database_url, secret_key="k"))
    tokens = []
    with sessions() as session:
        for i in range(CLIENTS):
            user = accounts.create_user(
                session, name=f"person{i}", role="reviewer", languages=[LANG], password="crash test password"
            )
            tokens.append(accounts.create_token(session, user))
        session.commit()
    sessions.kw["bind"].dispose()
    return tokens


def _final_state(root: Path, database_url: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    from sqlalchemy import select

    from translate_app.core import catalog as cat
    from translate_app.db import make_engine
    from translate_app.models import AuditLog
    from translate_app.project import Project

    po = cat.load(Project(root).catalog_path(RELEASE, LANG))
    final = {cat.entry_id(e): (cat.entry_version(e), e.msgstr) for e in po if not e.obsolete and e.msgid}
    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.segment_id, AuditLog.old_text, AuditLog.new_text).where(
                AuditLog.release == RELEASE, AuditLog.language == LANG, AuditLog.action == "save"
            )
        ).all()
    engine.dispose()
    return final, [tuple(r) for r in rows]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path: Path):
    """Yield (database URL, application name) for a fresh database; PostgreSQL in a schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}", None
        return
    if not postgres_available():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    import psycopg

    schema = "crash_" + uuid.uuid4().hex[:10]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield (
        f"postgresql+psycopg://postgres@127.0.0.1:5432/test?application_name={schema}&options=-csearch_path%3D{schema}",
        schema,
    )
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _run(tmp_path: Path, database_url: str, fault) -> tuple:
    """Run the clients against the server while `fault(server, stop)` injects faults; check everything."""
    root = tmp_path / "project"
    initial = _project(root)
    tokens = _accounts(root, database_url)
    server = Server(root, database_url, tmp_path / "gunicorn.log")
    server.start(tokens[0])
    ledger, stop = Ledger(), threading.Event()
    target = Target("127.0.0.1", server.port)
    clients = [
        threading.Thread(
            target=client_loop,
            args=(ledger, i, target, tokens[i], RELEASE, LANG, initial, stop, CLIENTS),
            kwargs={"retry_for": 120.0},
        )
        for i in range(CLIENTS)
    ]
    for t in clients:
        t.start()
    try:
        faults = fault(server, stop, tokens[0])
    finally:
        stop.set()
        for t in clients:
            t.join(timeout=90)
        # One last crash of the whole server, then a start (the outbox is replayed, leftovers swept) and a stop.
        server.kill_all()
        server.start(tokens[0])
        server.stop()
    final, audit_rows = _final_state(root, database_url)
    verdict = verify(ledger, initial, final, audit_rows)
    problems = check_catalogs(root / "locales") + verdict.problems + ledger.errors
    from translate_app.config import Settings

    waiting = list((Settings(root=root, database_url=database_url).instance_dir / "audit-outbox").glob("*.json"))
    if waiting:
        problems.append(f"audit rows still waiting in the outbox after a start: {[p.name for p in waiting]}")
    return verdict, faults, problems, server


def test_sigkill_of_workers_and_of_the_whole_server_loses_no_acknowledged_save(tmp_path, backend):
    database_url, _ = backend
    rng = random.Random(11)

    def kill(server: Server, stop: threading.Event, token: str) -> dict[str, int]:
        faults = {"worker SIGKILL": 0, "server SIGKILL": 0}
        started = time.monotonic()
        whole_at = [started + SECONDS / 3, started + 2 * SECONDS / 3]
        # Restarts take their time on a busy machine: go on until enough workers were killed too.
        while (
            time.monotonic() - started < SECONDS or faults["worker SIGKILL"] < MIN_WORKER_KILLS
        ) and time.monotonic() - started < 4 * SECONDS:
            time.sleep(rng.uniform(0.8, 1.8))
            if whole_at and time.monotonic() >= whole_at[0]:
                whole_at.pop(0)
                server.kill_all()
                faults["server SIGKILL"] += 1
                server.start(token)
                continue
            workers = server.workers()
            if workers:
                try:
                    os.kill(rng.choice(workers), signal.SIGKILL)
                    faults["worker SIGKILL"] += 1
                except ProcessLookupError:
                    pass
        return faults

    verdict, faults, problems, server = _run(tmp_path, database_url, kill)
    print(f"\n[crash {database_url.split(':')[0]}] faults {faults}; server starts {server.starts}; {verdict.figures()}")
    assert not problems, "\n".join(problems[:30])
    assert verdict.acknowledged > 50, verdict.figures()  # the load really ran
    assert faults["worker SIGKILL"] >= MIN_WORKER_KILLS and faults["server SIGKILL"] == 2
    assert verdict.stored == verdict.acknowledged == verdict.audited


def test_database_connections_terminated_under_load_lose_no_acknowledged_save_or_audit_row(tmp_path, backend):
    database_url, application = backend
    if application is None:
        pytest.skip("terminating the service's database connections is a PostgreSQL fault")
    import psycopg

    def terminate(server: Server, stop: threading.Event, token: str) -> dict[str, int]:
        faults = {"connections terminated": 0}
        started = time.monotonic()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            while time.monotonic() - started < SECONDS:
                time.sleep(0.25)
                killed = admin.execute(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                    "pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
                    (application,),
                ).fetchone()[0]
                faults["connections terminated"] += killed
        return faults

    verdict, faults, problems, _ = _run(tmp_path, database_url, terminate)
    print(f"\n[terminate postgresql] faults {faults}; {verdict.figures()}")
    assert not problems, "\n".join(problems[:30])
    assert verdict.acknowledged > 50, verdict.figures()
    assert faults["connections terminated"] >= 10
    assert verdict.stored == verdict.acknowledged == verdict.audited
