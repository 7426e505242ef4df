"""Benchmark: a realistic event — 200 volunteers in 12 languages — optionally with a burst of logins.

Run with `.venv/bin/python bench/volunteers.py [--db sqlite,postgresql] [--duration 90] [--login-burst 40]
[--repo PATH]`. Not a test: it prints figures.

A temporary project gets the sample release (70 segments) in 12 languages and
200 translators spread over them. gunicorn (the repository's gunicorn.conf.py,
`wsgi:app`) serves it on a loopback port. Each volunteer is a browser-like
client (its own cookie session, keep-alive): it arrives at a random moment in
the first 20 s, logs in through the login form, opens the editor of its
language, then saves a segment every 5–20 s (a person reading, typing,
pressing Ctrl+Enter), re-opening the editor every tenth save; a 409 (someone
else saved that segment) takes the current version and carries on.

With --login-burst N, N more clients log in without pause for the whole run
(right passwords, or a share of wrong ones with --wrong-share), as at the
start of an event or during password guessing. Every client sends its own
X-Forwarded-For address and the server trusts one proxy, as behind the
recommended reverse proxy.

Reported per database: saves per second, save latency p50/p99/max, editor
page latency p50/p99/max, logins per second (burst), and errors. --repo
serves another checkout (e.g. an older commit in a git worktree) for a
before/after comparison on the same machine and in the same run conditions.
"""

from __future__ import annotations

import argparse
import os
import random
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
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parents[1]
SAMPLE = HERE / "source" / "kuzmin-2026-03-30.md"
RELEASE = SAMPLE.stem
LANGUAGES = ["de", "fr", "it", "el", "tr", "ru", "uk", "lt", "nl", "ko", "he", "es"]
PASSWORD = "volunteer password 2026"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup(root: Path, database_url: str, volunteers: int, burst: int, repo: Path) -> None:
    """Make the project and the accounts with the served checkout's own code (its schema)."""
    (root / "source").mkdir(parents=True)
    shutil.copyfile(SAMPLE, root / "source" / SAMPLE.name)
    code = f"""
import sys
from pathlib import Path
from translate_app import accounts
from translate_app.config import Settings
try:
    from translate_app.project import Project
except ImportError:  # a checkout from before storage/ (Project was in core/)
    from translate_app.core.project import Project
from translate_app.db import open_database
root = Path({str(root)!r})
Project(root).add_release(root / "source" / {SAMPLE.name!r}, {LANGUAGES!r})
sessions = open_database(Settings(root=root, database_url={database_url!r}))
with sessions() as s:
    for i in range({volunteers}):
        accounts.create_user(s, name=f"vol{{i:03d}}", role="translator", languages=[{LANGUAGES!r}[i % 12]],
                             password={PASSWORD!r})
    for i in range({burst}):
        accounts.create_user(s, name=f"burst{{i:02d}}", role="translator", languages=["de"], password={PASSWORD!r})
    s.commit()
"""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=repo, env=env)


def login(session: requests.Session, base: str, name: str, password: str, attempts: int = 20) -> bool:
    """Log in through the form, as a browser does; on 503 wait as Retry-After says and press again."""
    for _ in range(attempts):
        page = session.get(base + "/login", timeout=60)
        token = CSRF_FIELD.search(page.text).group(1)
        answer = session.post(
            base + "/login",
            data={"name": name, "password": password, "csrf_token": token},
            timeout=60,
            allow_redirects=False,
        )
        if answer.status_code not in (503, 429):
            return answer.status_code == 302
        time.sleep(float(answer.headers.get("Retry-After") or 2))
    return False


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.saves: list[float] = []
        self.pages: list[float] = []
        self.logins: list[float] = []
        self.conflicts = 0
        self.errors: dict[str, int] = {}

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def volunteer(i: int, base: str, stop: float, results: Results, rng: random.Random) -> None:
    language = LANGUAGES[i % 12]
    session = requests.Session()
    session.headers["X-Forwarded-For"] = f"10.1.{i // 250}.{i % 250 + 1}"  # each person from their own address
    time.sleep(rng.uniform(0, 20))
    try:
        if not login(session, base, f"vol{i:03d}", PASSWORD):
            results.error("login refused")
            return
        editor = f"{base}/releases/{RELEASE}/{language}"
        start = time.perf_counter()
        page = session.get(editor, timeout=60)
        results.pages.append(time.perf_counter() - start)
        csrf = CSRF_META.search(page.text).group(1)
        headers = {"X-CSRFToken": csrf, "Referer": editor}
        api = f"{base}/api/releases/{RELEASE}/{language}/segments"
        segments = {s["id"]: s["version"] for s in session.get(api, timeout=60).json()}
        ids = list(segments)
        saves = 0
        while True:
            time.sleep(rng.uniform(5, 20))
            if time.monotonic() > stop:
                return
            sid = rng.choice(ids)
            body = {"translation": f"Übersetzung {i}-{saves} {uuid.uuid4().hex[:6]}", "version": segments[sid]}
            start = time.perf_counter()
            answer = session.put(f"{api}/{sid}", json=body, headers=headers, timeout=60)
            elapsed = time.perf_counter() - start
            if answer.status_code == 200:
                results.saves.append(elapsed)
                segments[sid] = answer.json()["version"]
            elif answer.status_code == 409:
                with results.lock:
                    results.conflicts += 1
                segments[sid] = answer.json()["current"]["version"]
            else:
                results.error(f"save {answer.status_code}")
            saves += 1
            if saves % 10 == 0:
                start = time.perf_counter()
                if session.get(editor, timeout=60).status_code == 200:
                    results.pages.append(time.perf_counter() - start)
                else:
                    results.error("editor")
    except requests.RequestException as exc:
        results.error(type(exc).__name__)


def burster(i: int, base: str, stop: float, results: Results, wrong_share: float) -> None:
    rng = random.Random(i)
    while time.monotonic() < stop:
        session = requests.Session()
        session.headers["X-Forwarded-For"] = f"10.2.0.{i + 1}"
        wrong = rng.random() < wrong_share
        start = time.perf_counter()
        try:
            ok = login(session, base, f"burst{i:02d}", "wrong password" if wrong else PASSWORD)
        except requests.RequestException as exc:
            results.error(f"burst {type(exc).__name__}")
            continue
        results.logins.append(time.perf_counter() - start)
        if not wrong and not ok:
            results.error("burst login refused")


def run(kind: str, args, repo: Path) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="volunteers-"))
    schema = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'db.sqlite3'}"
    else:
        import psycopg

        schema = "vol_" + uuid.uuid4().hex[:10]
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = f"postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    root = tmp / "project"
    try:
        setup(root, url, args.volunteers, args.login_burst, repo)
        port = free_port()
        env = {
            **os.environ,
            "TRANSLATE_APP_ROOT": str(root),
            "TRANSLATE_APP_SECRET_KEY": "bench",
            "TRANSLATE_APP_DATABASE_URL": url,
            "TRANSLATE_APP_SECURE_COOKIES": "0",
            "PYTHONPATH": str(repo),
            # the clients send X-Forwarded-For as one proxy would (an older checkout ignores it)
            "TRANSLATE_APP_TRUSTED_PROXIES": "1",
        }
        log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115  (closed in the finally below, after the server)
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=repo,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(base + "/login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {tmp / 'gunicorn.log'}")
            time.sleep(0.2)
        results = Results()
        started = time.monotonic()
        stop = started + args.duration
        threads = [
            threading.Thread(target=volunteer, args=(i, base, stop, results, random.Random(i)), daemon=True)
            for i in range(args.volunteers)
        ]
        threads += [
            threading.Thread(target=burster, args=(i, base, stop, results, args.wrong_share), daemon=True)
            for i in range(args.login_burst)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.duration + 120)
        elapsed = time.monotonic() - started
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
        return {
            "db": kind,
            "saves": len(results.saves),
            "saves/s": len(results.saves) / elapsed,
            "save p50": pct(results.saves, 50),
            "save p99": pct(results.saves, 99),
            "save max": max(results.saves, default=float("nan")),
            "page p50": pct(results.pages, 50),
            "page p99": pct(results.pages, 99),
            "page max": max(results.pages, default=float("nan")),
            "logins/s": len(results.logins) / elapsed,
            "login p50": pct(results.logins, 50),
            "conflicts": results.conflicts,
            "errors": results.errors,
        }
    finally:
        if schema:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--duration", type=float, default=90)
    parser.add_argument("--volunteers", type=int, default=200)
    parser.add_argument("--login-burst", type=int, default=0)
    parser.add_argument(
        "--wrong-share",
        type=float,
        default=0.0,
        help="share of the burst's logins with a wrong password (default 0: a crowd arriving)",
    )
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout to serve (default: this one)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    repo = args.repo.resolve()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True, check=False
    ).stdout.strip()
    print(
        f"serving {repo} ({commit}), {args.volunteers} volunteers, login burst {args.login_burst}, {args.duration:g} s"
    )
    for kind in args.db.split(","):
        r = run(kind, args, repo)
        ms = lambda v: f"{v * 1000:.0f}"  # noqa: E731
        print(
            f"{r['db']:10} saves {r['saves']} ({r['saves/s']:.1f}/s) p50/p99/max {ms(r['save p50'])}/"
            f"{ms(r['save p99'])}/{ms(r['save max'])} ms · editor p50/p99/max {ms(r['page p50'])}/"
            f"{ms(r['page p99'])}/{ms(r['page max'])} ms · logins {r['logins/s']:.1f}/s (p50 "
            f"{ms(r['login p50']) if r['logins/s'] else '-'} ms) · conflicts {r['conflicts']} · errors {r['errors']}"
        )


if __name__ == "__main__":
    main()
