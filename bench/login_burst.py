"""Benchmark: do saves keep going while many people log in at once?

Run with `.venv/bin/python bench/login_burst.py` (PostgreSQL too when it
answers on 127.0.0.1:5432). Not a test: it prints figures.

For each database (SQLite, then PostgreSQL in a fresh schema dropped afterwards):

* a temporary project gets the sample release (source/kuzmin-2026-03-30.md) in
  German, S savers (translators of German with API tokens) and L people who
  only log in; everything is created by the code of the checkout being measured
  (`--repo`, default this one), so that an older commit can be measured with
  the same bench: `git worktree add /tmp/base COMMIT` and `--repo /tmp/base`;
* `gunicorn -w 4 wsgi:app` of that checkout serves it on a free loopback port;
* phase "alone": the S savers PUT translations of their own segments through
  the JSON API for D seconds, each with the version it last saw (no conflicts);
* phase "burst": the same, while L clients log in over and over (GET /login for
  the CSRF token, POST /login with the right password, a fresh cookie jar
  each time; an answer 429 or 503 is followed by the wait its Retry-After asks).

Printed per phase: saves per second, save latency p50/p99/max, failed saves,
and for the burst the logins per second, their p50/p99 and every status seen.

Options: --repo, --db sqlite,postgresql, --duration, --savers, --logins,
--workers, --warmup.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RELEASE = "kuzmin-2026-03-30"
LANG = "de"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password 123"
SECRET = "bench-" + uuid.uuid4().hex

# Run inside the measured checkout (cwd=repo, so its translate_app is imported):
# create the project, the people and the savers' tokens; print the tokens as JSON.
SETUP = r"""
import json, shutil, sys
from pathlib import Path
from translate_app import accounts
from translate_app.config import Settings
from translate_app.project import Project
from translate_app.db import open_database

root, savers, logins, password = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
(root / "source").mkdir(parents=True)
shutil.copyfile(Path("source") / "kuzmin-2026-03-30.md", root / "source" / "kuzmin-2026-03-30.md")
Project(root).add_release(root / "source" / "kuzmin-2026-03-30.md", ["de"])
sessions = open_database(Settings.from_env())
tokens = []
with sessions() as session:
    for i in range(savers):
        user = accounts.create_user(session, name=f"saver{i:02d}", role="translator", languages=["de"],
                                    password=password)
        tokens.append(accounts.create_token(session, user))
    for i in range(logins):
        accounts.create_user(session, name=f"login{i:02d}", role="translator", languages=["de"], password=password)
    session.commit()
print(json.dumps(tokens))
"""


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_answers() -> bool:
    """Say whether PostgreSQL accepts a connection on 127.0.0.1:5432."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"PostgreSQL does not answer ({type(exc).__name__}); skipping it.")
        return False


def pg_schema(action: str, schema: str) -> None:
    """Create or drop a schema of the test database."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"' if action == "create" else f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class Server:
    """gunicorn serving wsgi:app of a checkout on a loopback port."""

    def __init__(self, repo: Path, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=repo,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, token: str, timeout: float = 90.0) -> None:
        """Wait until the API answers a token's request."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log.name}")
            try:
                r = requests.get(self.base + "/api/releases", headers={"Authorization": f"Bearer {token}"}, timeout=2)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:g} s; see {self.log.name}")

    def stop(self) -> None:
        """Stop gunicorn (TERM, then KILL after 30 s)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@dataclass
class Phase:
    """What the clients saw in one phase."""

    saves: list[float] = field(default_factory=list)
    save_errors: Counter = field(default_factory=Counter)
    logins: list[float] = field(default_factory=list)
    login_status: Counter = field(default_factory=Counter)
    wall: float = 0.0


def saver(
    base: str, token: str, ids: list[str], versions: dict[str, str], until: float, phase: Phase | None, idx: int
) -> None:
    """PUT translations of this saver's segments until the deadline, keeping versions."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while time.monotonic() < until:
        sid = ids[n % len(ids)]
        n += 1
        body = json.dumps(
            {"translation": f"Übersetzung {sid} Nr. {n} von saver{idx:02d}", "version": versions[sid]}
        ).encode()
        t0 = time.perf_counter()
        try:
            conn.request("PUT", f"/api/releases/{RELEASE}/{LANG}/segments/{sid}", body, headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            if phase is not None:
                phase.save_errors[type(exc).__name__] += 1
            continue
        dt = time.perf_counter() - t0
        if response.status == 200:
            versions[sid] = json.loads(raw)["version"]
            if phase is not None:
                phase.saves.append(dt)
        else:
            if response.status == 409:
                versions[sid] = (json.loads(raw).get("current") or {}).get("version", versions[sid])
            if phase is not None:
                phase.save_errors[f"HTTP {response.status}"] += 1
    conn.close()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login_loop(base: str, name: str, stop: threading.Event, phase: Phase) -> None:
    """Log a person in over and over, each time with a fresh cookie jar."""
    while not stop.is_set():
        with requests.Session() as s:
            t0 = time.perf_counter()
            try:
                page = s.get(base + "/login", timeout=120)
                m = _CSRF.search(page.text)
                if not m:
                    phase.login_status[f"GET {page.status_code}"] += 1
                    continue
                r = s.post(
                    base + "/login",
                    data={"name": name, "password": PASSWORD, "csrf_token": m.group(1)},
                    allow_redirects=False,
                    timeout=120,
                )
            except requests.RequestException as exc:
                phase.login_status[type(exc).__name__] += 1
                continue
            phase.logins.append(time.perf_counter() - t0)
            phase.login_status[str(r.status_code)] += 1
            if r.status_code in (429, 503):  # as a person would: wait as asked, then try again
                stop.wait(float(r.headers.get("Retry-After", "1")))


def run_phase(
    base: str,
    tokens: list[str],
    slices: list[list[str]],
    versions: list[dict[str, str]],
    duration: float,
    warmup: float,
    logins: int,
) -> Phase:
    """Warm up, then measure the savers for `duration` seconds, with `logins` clients logging in meanwhile."""
    phase = Phase()
    stop = threading.Event()
    login_threads = [
        threading.Thread(target=login_loop, args=(base, f"login{i:02d}", stop, phase), daemon=True)
        for i in range(logins)
    ]
    for t in login_threads:
        t.start()
    for measured, length in ((False, warmup), (True, duration)):
        until = time.monotonic() + length
        threads = [
            threading.Thread(
                target=saver, args=(base, tokens[i], slices[i], versions[i], until, phase if measured else None, i)
            )
            for i in range(len(tokens))
        ]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if measured:
            phase.wall = time.perf_counter() - t0
    stop.set()
    for t in login_threads:
        t.join(timeout=130)
    return phase


def pct(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1)]


def report(db: str, name: str, phase: Phase) -> dict:
    """Print and return one phase's figures."""
    rate = len(phase.saves) / phase.wall if phase.wall else 0.0
    line = (
        f"{db:10} {name:6} saves {len(phase.saves):5d} = {rate:6.1f}/s  p50 {pct(phase.saves, 50):7.1f} ms  "
        f"p99 {pct(phase.saves, 99):7.1f} ms  max {1000 * max(phase.saves, default=0):7.1f} ms  "
        f"failed {sum(phase.save_errors.values())} {dict(phase.save_errors) or ''}"
    )
    print(line)
    result = {
        "db": db,
        "phase": name,
        "saves": len(phase.saves),
        "saves_per_s": round(rate, 1),
        "p50_ms": round(pct(phase.saves, 50), 1),
        "p99_ms": round(pct(phase.saves, 99), 1),
        "failed": dict(phase.save_errors),
    }
    if phase.logins or phase.login_status:
        lrate = len(phase.logins) / phase.wall if phase.wall else 0.0
        print(
            f"{'':17} logins {len(phase.logins):5d} = {lrate:6.1f}/s  p50 {pct(phase.logins, 50):7.1f} ms  "
            f"p99 {pct(phase.logins, 99):7.1f} ms  statuses {dict(phase.login_status)}"
        )
        result.update(
            logins_per_s=round(lrate, 1),
            login_p50_ms=round(pct(phase.logins, 50), 1),
            login_status=dict(phase.login_status),
        )
    return result


def bench(db: str, args: argparse.Namespace) -> list[dict]:
    """Set up a project on one database, serve it, and run both phases."""
    tmp = Path(tempfile.mkdtemp(prefix="login-burst-"))
    schema = None
    if db == "sqlite":
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        schema = "bench_" + uuid.uuid4().hex[:10]
        pg_schema("create", schema)
        url = f"postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    root = tmp / "project"
    env = dict(
        os.environ,
        TRANSLATE_APP_ROOT=str(root),
        TRANSLATE_APP_SECRET_KEY=SECRET,
        TRANSLATE_APP_DATABASE_URL=url,
        TRANSLATE_APP_SECURE_COOKIES="0",
        TRANSLATE_APP_INSTANCE_DIR=str(tmp / "instance"),
    )
    server = None
    try:
        out = subprocess.run(
            [sys.executable, "-c", SETUP, str(root), str(args.savers), str(args.logins), PASSWORD],
            cwd=args.repo,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        tokens = json.loads(out.stdout.strip().splitlines()[-1])
        server = Server(args.repo, env, args.workers, tmp / "gunicorn.log")
        server.wait_ready(tokens[0])
        segs = requests.get(
            f"{server.base}/api/releases/{RELEASE}/{LANG}/segments",
            headers={"Authorization": f"Bearer {tokens[0]}"},
            timeout=30,
        ).json()
        ids = [s["id"] for s in segs]
        slices = [ids[i :: args.savers] for i in range(args.savers)]
        versions = [{s["id"]: s["version"] for s in segs} for _ in range(args.savers)]
        results = []
        for name, logins in (("alone", 0), ("burst", args.logins)):
            phase = run_phase(server.base, tokens, slices, versions, args.duration, args.warmup, logins)
            results.append(report(db, name, phase))
        return results
    finally:
        if server is not None:
            server.stop()
        if schema:
            pg_schema("drop", schema)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """Parse the options and run the bench on each database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="checkout whose code is measured")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--savers", type=int, default=8)
    parser.add_argument("--logins", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    args.repo = args.repo.resolve()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=args.repo, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"code of {args.repo} at {commit}; {args.savers} savers, {args.logins} login clients, "
        f"gunicorn -w {args.workers}, {args.duration:g} s per phase"
    )
    results = []
    for db in args.db.split(","):
        if db == "postgresql" and not postgres_answers():
            continue
        results += bench(db, args)
    if args.json:
        args.json.write_text(json.dumps({"commit": commit, "results": results}, indent=1))


if __name__ == "__main__":
    main()
