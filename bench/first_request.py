"""Benchmark: how long each gunicorn worker's first requests take, with and without preloading.

Run with `.venv/bin/python bench/first_request.py`. Not a test: it prints figures.

A temporary project gets the sample release in its twelve languages and a
coordinator. gunicorn serves it with 4 workers twice: as `translate-app serve`
does (preload_app + warm_up in the master, see translate_app/web/warmup.py), and
the old way (each worker creates the app itself, `--no-preload` equivalent: a
config with preload_app = False and the bare factory). For each, a fresh
connection per request (so requests spread over the workers) fetches the
coordinator's release page, the overview and the German editor 12 times each;
the first few requests of each kind are what a worker pays for once.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
PASSWORD = "bench password 123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: str | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return resp, data, elapsed


def login(port: int) -> str:
    resp, data, _ = request(port, "GET", "/login")
    cookie = resp.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', data).group(1).decode()
    body = f"name=bench&password={PASSWORD.replace(' ', '+')}&csrf_token={token}"
    resp, _, _ = request(
        port, "POST", "/login", body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    )
    return resp.getheader("Set-Cookie").split(";")[0]


def run(project: Path, preload: bool) -> dict[str, list[float]]:
    port = free_port()
    conf = project / ("preload.conf.py" if preload else "lazy.conf.py")
    conf.write_text(f"workers = 4\nworker_class = 'gthread'\nthreads = 8\npreload_app = {preload}\n")
    app = "wsgi:app" if preload else "translate_app:create_app()"
    env = {
        **os.environ,
        "TRANSLATE_APP_ROOT": str(project),
        "TRANSLATE_APP_SECRET_KEY": "bench",
        "TRANSLATE_APP_SECURE_COOKIES": "0",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(conf), "-b", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = time.perf_counter()
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        listening = time.perf_counter() - started
        time.sleep(1.0)  # let every worker boot (a lazy worker imports the app now)
        cookie = login(port)
        times: dict[str, list[float]] = {"start until listening": [listening]}
        for path in ("/coordinate/releases/kuzmin-2026-03-30", "/coordinate/", "/releases/kuzmin-2026-03-30/de"):
            times[path] = []
            for _ in range(12):
                resp, _, elapsed = request(port, "GET", path, headers={"Cookie": cookie})
                assert resp.status == 200, (path, resp.status)
                times[path].append(elapsed)
        return times
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    from translate_app import accounts
    from translate_app.config import DEFAULT_LANGUAGES, Settings
    from translate_app.db import open_database
    from translate_app.project import Project

    results = {}
    for preload in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            (project / "source").mkdir()
            shutil.copy(SAMPLE, project / "source" / SAMPLE.name)
            Project(project).add_release(project / "source" / SAMPLE.name, DEFAULT_LANGUAGES.split(","))
            sessions = open_database(Settings(root=project))
            with sessions() as session:
                accounts.create_user(session, name="bench", role="coordinator", languages=[], password=PASSWORD)
                session.commit()
            results[preload] = run(project, preload)
    for preload, times in results.items():
        print(f"\n{'preload + warm-up (translate-app serve)' if preload else 'no preload (each worker loads the app)'}")
        for what, values in times.items():
            ms = [round(v * 1000) for v in values]
            if len(ms) == 1:
                print(f"  {what}: {ms[0]} ms")
            else:
                print(
                    f"  {what}: first 4 {ms[:4]} ms, max {max(ms)} ms, median of the rest "
                    f"{statistics.median(ms[4:])} ms"
                )


if __name__ == "__main__":
    main()
