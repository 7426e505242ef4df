"""Benchmark: memory of each gunicorn worker after start and after a spell of review load.

Run with `.venv/bin/python bench/worker_memory.py [--duration 180]`. Not a test: it prints figures.

The project, accounts and server are those of bench/review_load.py (SQLite, the
sample release and a 500-segment release in German, `gunicorn -w 4 wsgi:app`
with the repository's gunicorn.conf.py). Memory is read from
/proc/PID/smaps_rollup for the master and each worker:

* RSS: resident pages, shared ones included (what `ps` and `top` show);
* PSS: each shared page divided among the processes sharing it (what the
  machine really spends on that process);
* USS: pages only this process holds (what stopping it would free).

Read once the server answers, then after --duration seconds of load: the
review_load client loop saving through the JSON API from --clients threads,
while one more thread keeps fetching the pages people open (the dashboard,
the 500-segment editor, the coordinator's release page and the language
picker's list).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
import review_load as rl  # noqa: E402


def memory(pid: int) -> dict[str, float]:
    """Return RSS, PSS and USS of a process in MB."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss": fields["Rss"] / 1024, "pss": fields["Pss"] / 1024, "uss": uss / 1024}


def snapshot(master: int) -> dict[str, dict[str, float]]:
    """Return the memory of the master and of each worker (by pid)."""
    result = {"master": memory(master)}
    for pid in sorted(rl._children(master)):
        result[f"worker {pid}"] = memory(pid)
    return result


def browse(base: str, token: str, until: float, counts: list[int]) -> None:
    """Fetch the pages people open, round after round, until the deadline."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    pages = [
        "/",
        f"/releases/{rl.BIG_RELEASE}/{rl.LANG}",
        f"/coordinate/releases/{rl.RELEASE}",
        "/coordinate/languages.json",
        f"/releases/{rl.RELEASE}/{rl.LANG}",
    ]
    while time.monotonic() < until:
        for page in pages:
            r = session.get(base + page, timeout=60)
            if r.status_code != 200:
                raise RuntimeError(f"GET {page}: {r.status_code}")
            counts[0] += 1


def show(label: str, snap: dict[str, dict[str, float]]) -> None:
    print(f"{label}:")
    for name, m in snap.items():
        print(f"  {name:14} RSS {m['rss']:6.1f} MB   PSS {m['pss']:6.1f} MB   USS {m['uss']:6.1f} MB")
    workers = [m for name, m in snap.items() if name.startswith("worker")]
    if workers:
        n = len(workers)
        print(
            f"  {'per worker':14} RSS {sum(m['rss'] for m in workers) / n:6.1f} MB   "
            f"PSS {sum(m['pss'] for m in workers) / n:6.1f} MB   USS {sum(m['uss'] for m in workers) / n:6.1f} MB"
            f"   (mean of {n})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load (default 180)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        from translate_app.config import Settings

        root = tmp / "memory" / "project"
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        rl.make_project(root)
        settings = Settings(root=root, secret_key=rl.SECRET, database_url=url, secure_cookies=False)
        tokens, coord_token = rl.make_accounts(settings, args.clients)
        server = rl.Server(root, url, args.workers, tmp / "gunicorn.log", [])
        try:
            server.wait_ready(coord_token)
            time.sleep(2)  # let every worker finish booting
            show("after start", snapshot(server.proc.pid))
            r = requests.get(
                f"{server.base}/api/releases/{rl.RELEASE}/{rl.LANG}/segments",
                headers={"Authorization": f"Bearer {coord_token}"},
                timeout=30,
            )
            r.raise_for_status()
            initial = {s["id"]: s["version"] for s in r.json()}
            counts = [0]
            until = time.monotonic() + args.duration
            pages = threading.Thread(target=browse, args=(server.base, coord_token, until, counts))
            pages.start()
            ledger, wall, _ = rl.run_load(server.base, tokens, initial, args.duration, 0.0, 0.1)
            pages.join()
            print(
                f"load: {len(ledger.acks)} saves, {len(ledger.conflicts)} conflicts, {len(ledger.errors)} errors, "
                f"{counts[0]} page views in {wall:.0f} s"
            )
            show(f"after {args.duration:g} s of load", snapshot(server.proc.pid))
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
