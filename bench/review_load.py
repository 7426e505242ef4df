"""Benchmark: concurrent saves through the JSON API under gunicorn, and the editor's render time.

Run with `.venv/bin/python bench/review_load.py` (PostgreSQL is used when it
answers on 127.0.0.1:5432). Not a test: it prints figures and exits non-zero
only when the correctness checks fail (a lost update, an unlogged save, a
wrong conflict answer).

For each database (SQLite, then PostgreSQL in a fresh schema dropped afterwards):

* a temporary project gets the sample release (source/kuzmin-2026-03-30.md, 70
  segments) in German, and N translators of German with API tokens;
* `gunicorn -w 4 wsgi:app` serves it on a free loopback port;
* N client threads (keep-alive http.client connections, Bearer token) each loop for D seconds:
  pick a segment (mostly from the client's own slice of the catalog, sometimes
  any segment, so that real conflicts happen), PUT a unique translation with the
  version the client last saw for it; on 409 take the returned current version,
  count the conflict and retry once with it (what a person does after reading the
  conflict view). There is no think time: the clients form a closed loop, so by
  Little's law mean latency = clients / requests per second.
* afterwards, with the server stopped, every acknowledged save is checked against
  the catalog and the audit_log table:
  - per segment the 200 answers must form one chain of versions from the initial
    version (each save based on the previous acknowledged one) ending at the
    catalog's final version and text; an acknowledged save that is not on the
    chain, two saves accepted on the same base, or a final text that is not the
    chain's last is a LOST UPDATE;
  - every acknowledged save must be in audit_log once, with the right old text;
  - every 409 must carry `current` with a version other than the one sent and a
    (version, text) that really existed (the initial one or an acknowledged save).

The editor (GET /releases/NAME/de) of a generated 500-segment release is timed
in-process with the Flask test client (server time, no network), and once more
over HTTP through gunicorn for comparison.

Options: --duration, --clients, --workers, --shared (fraction of picks from the
whole catalog), --db sqlite,postgresql, --renders, --keep (keep the temporary
directory), --gunicorn-arg (extra gunicorn arguments, repeatable).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from translate_app import storage  # noqa: E402

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
RELEASE = SAMPLE.stem
LANG = "de"
BIG_RELEASE = "bench-editor-500"
BIG_SEGMENTS = 500
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
SECRET = "bench-" + uuid.uuid4().hex
PASSWORD = "bench password 123"
TARGET_SAVES = 150.0
TARGET_P99_MS = 100.0
TARGET_EDITOR_MS = 100.0


# -- project and accounts -------------------------------------------------------


def big_release_text(n: int) -> str:
    """Return Markdown that segments into exactly n segments, with inline formatting."""
    from translate_app.core.segmenter import segment

    parts = ["# A generated release for the editor benchmark", ""]
    i = 0
    while True:
        text = "\n".join(parts) + "\n"
        count = len(segment(text, "x").blocks)
        if count >= n:
            break
        i += 1
        k = i % 5
        if k == 0:
            parts += [f"## Section {i}: the **court** and the [appeal](https://example.org/{i})", ""]
        elif k == 1:
            parts += [f"- Item {i}: protect conscientious objectors like *person {i}*.", ""]
        else:
            parts += [
                f"Paragraph {i}. The undersigned organisations call on the **authorities** of "
                f"country {i} to respect the ruling of {2000 + i % 26} and to protect "
                f"[person {i}](https://example.org/p/{i}) from deportation; see `case-{i}`.",
                "",
            ]
    assert count == n, f"generated {count} segments, wanted {n}"
    return text


def make_project(root: Path) -> None:
    """Create a project with the sample release and a 500-segment release, both in German.

    Of the 500 segments, 40 % are translated and 20 % approved, so the editor
    shows every kind of row.
    """
    from translate_app.core.states import set_approved, set_translated
    from translate_app.project import Project

    (root / "source").mkdir(parents=True)
    shutil.copyfile(SAMPLE, root / "source" / SAMPLE.name)
    proj = Project(root)
    proj.add_release(root / "source" / SAMPLE.name, [LANG])
    with storage.edit(proj.catalog_path(SAMPLE.stem, LANG)) as po:  # untranslated, as before the signatory fill
        for entry in po:
            if entry.msgid and not entry.obsolete:
                entry.msgstr, entry.tcomment = "", ""
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    big = root / "source" / f"{BIG_RELEASE}.md"
    big.write_text(big_release_text(BIG_SEGMENTS), encoding="utf-8")
    proj.add_release(big, [LANG])
    with storage.edit(proj.catalog_path(BIG_RELEASE, LANG)) as po:
        live = [e for e in po if not e.obsolete and e.msgid]
        for i, entry in enumerate(live):
            if i % 5 in (0, 1, 2):
                set_translated(
                    entry, "Übersetzt: " + entry.msgid.replace("The undersigned", "Die Unterzeichnenden"), by="seed"
                )
            if i % 5 == 0:
                set_approved(entry, by="seed-reviewer")


def make_accounts(settings, clients: int) -> tuple[list[str], str]:
    """Create the database schema, N translators of German and a coordinator; return their tokens."""
    from translate_app import accounts
    from translate_app.db import open_database

    sessions = open_database(settings)
    tokens = []
    with sessions() as session:
        for i in range(clients):
            user = accounts.create_user(
                session, name=f"bench{i:02d}", role="translator", languages=[LANG], password=PASSWORD
            )
            tokens.append(accounts.create_token(session, user))
        coord = accounts.create_user(session, name="benchcoord", role="coordinator", languages=[], password=PASSWORD)
        coord_token = accounts.create_token(session, coord)
        session.commit()
    sessions.kw["bind"].dispose()
    return tokens, coord_token


# -- PostgreSQL -----------------------------------------------------------------


def postgres_answers() -> bool:
    """Say whether PostgreSQL accepts a connection on 127.0.0.1:5432."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"PostgreSQL does not answer on 127.0.0.1:5432 ({type(exc).__name__}: {exc}); skipping it.")
        return False


def pg_schema(action: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if action == "create":
            conn.execute(f'CREATE SCHEMA "{schema}"')
        else:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# -- gunicorn -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving wsgi:app from the repository on a loopback port."""

    def __init__(self, root: Path, database_url: str, workers: int, log: Path, extra: list[str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            TRANSLATE_APP_ROOT=str(root),
            TRANSLATE_APP_SECRET_KEY=SECRET,
            TRANSLATE_APP_DATABASE_URL=database_url,
            TRANSLATE_APP_SECURE_COOKIES="0",
        )
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{self.port}", *extra, "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, token: str, timeout: float = 60.0) -> None:
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
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:g} s; see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# -- CPU accounting ---------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) a process has used, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def _machine_busy() -> float:
    """Return the CPU seconds all CPUs have been busy since boot."""
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / TICK


def cpu_snapshot(server_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of the server (master and workers), this process, and the whole machine."""
    server = 0.0
    if server_pid:
        server = _proc_cpu(server_pid) + sum(_proc_cpu(k) for k in _children(server_pid))
    t = os.times()
    return {"server": server, "client": t.user + t.system, "machine": _machine_busy()}


# -- the load -------------------------------------------------------------------


@dataclass
class Ack:
    """A save the server answered 200 to."""

    client: int
    segment: str
    based_on: str
    version: str
    text: str
    answered_text: str
    latency: float
    measured: bool


@dataclass
class Conflict:
    """A save the server answered 409 to."""

    client: int
    segment: str
    sent: str
    current_version: str | None
    current_text: str | None
    latency: float
    measured: bool


@dataclass
class Ledger:
    """Everything the clients saw, shared by the threads (list.append is atomic)."""

    acks: list[Ack] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    all_latencies: list[float] = field(default_factory=list)


def client_loop(
    ledger: Ledger,
    idx: int,
    base: str,
    token: str,
    initial: dict[str, str],
    segment_ids: list[str],
    until: float,
    measured: bool,
    shared: float,
    seq: list[int],
    known: dict[str, str],
    clients: int,
) -> None:
    """Save translations until the deadline, keeping the version last seen for each segment."""
    rng = random.Random(idx * 7919 + (1 if measured else 0))
    mine = segment_ids[idx::clients] or segment_ids
    client = ApiClient(base, token)
    path = f"/api/releases/{RELEASE}/{LANG}/segments/"
    for sid, v in initial.items():
        known.setdefault(sid, v)
    while time.monotonic() < until:
        sid = rng.choice(segment_ids) if rng.random() < shared else rng.choice(mine)
        for _attempt in range(2):  # the second attempt is the retry after a conflict
            seq[0] += 1
            text = f"Übersetzung {sid} von bench{idx:02d} Nr. {seq[0]} — **fett** und [Link](https://example.org)"
            sent = known[sid]
            t0 = time.perf_counter()
            try:
                status, body = client.put(path + sid, {"translation": text, "version": sent})
            except (OSError, http.client.HTTPException, ValueError) as exc:
                ledger.errors.append(f"client {idx}: {type(exc).__name__}: {exc}")
                break
            dt = time.perf_counter() - t0
            ledger.all_latencies.append(dt)
            if status == 200:
                ledger.acks.append(Ack(idx, sid, sent, body["version"], text, body["translation"], dt, measured))
                known[sid] = body["version"]
                break
            if status == 409:
                current = (body or {}).get("current") or {}
                ledger.conflicts.append(
                    Conflict(idx, sid, sent, current.get("version"), current.get("translation"), dt, measured)
                )
                if current.get("version"):
                    known[sid] = current["version"]
                    continue
                break
            ledger.errors.append(f"client {idx}: HTTP {status}: {str(body)[:200]}")
            break
    client.close()


class ApiClient:
    """A keep-alive HTTP/1.1 connection with a bearer token: what a browser tab or a script holds.

    http.client rather than requests: the clients share this 2-core machine
    with the server, and requests spends about three times the CPU per call.
    """

    def __init__(self, base: str, token: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def put(self, path: str, data: dict) -> tuple[int, dict | None]:
        body = json.dumps(data).encode()
        try:
            self.conn.request("PUT", path, body, self.headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
            self.conn.close()  # the server closed an idle keep-alive connection: reconnect once
            self.conn.request("PUT", path, body, self.headers)
            response = self.conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, {"raw": raw[:200].decode(errors="replace")}

    def close(self) -> None:
        self.conn.close()


def run_load(
    base: str,
    tokens: list[str],
    initial: dict[str, str],
    duration: float,
    warmup: float,
    shared: float,
    server_pid: int | None = None,
) -> tuple[Ledger, float, dict[str, float]]:
    """Warm up, then run the measured phase; return the ledger, the measured wall time and CPU seconds."""
    ledger = Ledger()
    clients = len(tokens)
    ids = sorted(initial)
    knowns = [dict() for _ in range(clients)]
    seqs = [[0] for _ in range(clients)]
    for measured, length in ((False, warmup), (True, duration)):
        if length <= 0:
            continue
        until = time.monotonic() + length
        threads = [
            threading.Thread(
                target=client_loop,
                args=(ledger, i, base, tokens[i], initial, ids, until, measured, shared, seqs[i], knowns[i], clients),
            )
            for i in range(clients)
        ]
        cpu0, t0 = cpu_snapshot(server_pid), time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall, cpu1 = time.perf_counter() - t0, cpu_snapshot(server_pid)
    cpu = {k: cpu1[k] - cpu0[k] for k in cpu0}
    cpu["other"] = max(0.0, cpu["machine"] - cpu["server"] - cpu["client"])
    return ledger, wall, cpu


# -- verification ---------------------------------------------------------------


@dataclass
class Verdict:
    lost_updates: int = 0
    lost_detail: list[str] = field(default_factory=list)
    acks_not_in_audit: int = 0
    audit_wrong_old_text: int = 0
    audit_without_ack: int = 0
    conflicts_correct: int = 0
    conflicts_wrong: int = 0
    conflict_detail: list[str] = field(default_factory=list)
    segments_touched: int = 0


def verify(ledger: Ledger, initial: dict[str, str], root: Path, database_url: str) -> Verdict:
    """Check every acknowledged save against the catalog and the audit log, and every 409."""
    from sqlalchemy import select

    from translate_app.core import catalog as cat
    from translate_app.db import make_engine, make_session_factory
    from translate_app.models import AuditLog
    from translate_app.project import Project

    v = Verdict()
    po = cat.load(Project(root).catalog_path(RELEASE, LANG))
    final = {cat.entry_id(e): (cat.entry_version(e), e.msgstr) for e in po if not e.obsolete and e.msgid}

    by_seg: dict[str, list[Ack]] = defaultdict(list)
    for a in ledger.acks:
        by_seg[a.segment].append(a)
        if a.answered_text != a.text:
            v.lost_updates += 1
            v.lost_detail.append(f"{a.segment}: answered text differs from the text sent")
    v.segments_touched = len(by_seg)
    prev_text: dict[tuple[str, str], str] = {}  # (segment, text) -> text it replaced
    states: dict[str, set[tuple[str, str]]] = {sid: {(ver, "")} for sid, ver in initial.items()}
    for sid in initial:
        acks = by_seg.get(sid, [])
        by_base: dict[str, list[Ack]] = defaultdict(list)
        for a in acks:
            by_base[a.based_on].append(a)
            states[sid].add((a.version, a.text))
        for base, same in by_base.items():
            if len(same) > 1:
                v.lost_updates += len(same) - 1
                v.lost_detail.append(f"{sid}: {len(same)} saves accepted on the same version {base}")
        # follow the chain of versions from the initial one
        version, text, on_chain = initial[sid], "", 0
        seen = set()
        while version in by_base and version not in seen:
            seen.add(version)
            nxt = by_base[version][0]
            prev_text[(sid, nxt.text)] = text
            version, text = nxt.version, nxt.text
            on_chain += 1
        if on_chain != len(acks):
            missing = len(acks) - on_chain
            v.lost_updates += max(0, missing - sum(len(s) - 1 for s in by_base.values()))
            v.lost_detail.append(f"{sid}: {missing} acknowledged saves not on the version chain")
        if final.get(sid) != (version, text):
            v.lost_updates += 1
            v.lost_detail.append(f"{sid}: catalog has {final.get(sid)!r}, last acknowledged save {(version, text)!r}")

    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(AuditLog.segment_id, AuditLog.old_text, AuditLog.new_text).where(
                AuditLog.release == RELEASE, AuditLog.language == LANG, AuditLog.action == "save"
            )
        ).all()
    engine.dispose()
    audit: dict[tuple[str, str], list[str]] = defaultdict(list)
    for sid, old, new in rows:
        audit[(sid, new)].append(old)
    acked = {(a.segment, a.text) for a in ledger.acks}
    for key in acked:
        olds = audit.get(key)
        if not olds or len(olds) != 1:
            v.acks_not_in_audit += 1
        elif key in prev_text and olds[0] != prev_text[key]:
            v.audit_wrong_old_text += 1
    v.audit_without_ack = sum(len(o) for k, o in audit.items() if k not in acked)

    for c in ledger.conflicts:
        ok = (
            c.current_version is not None
            and c.current_text is not None
            and c.current_version != c.sent
            and (c.current_version, c.current_text) in states.get(c.segment, set())
        )
        if ok:
            v.conflicts_correct += 1
        else:
            v.conflicts_wrong += 1
            if len(v.conflict_detail) < 5:
                v.conflict_detail.append(f"{c.segment}: sent {c.sent}, got {c.current_version} {c.current_text!r}")
    return v


# -- the editor -----------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def time_editor_in_process(root: Path, database_url: str, token: str, renders: int) -> dict[str, float]:
    """Time GET of the editor with the Flask test client, and its parts, in this process."""
    from translate_app import create_app
    from translate_app.config import Settings
    from translate_app.core import segments as seg
    from translate_app.project import Project

    settings = Settings(root=root, secret_key=SECRET, database_url=database_url, secure_cookies=False)
    app = create_app({"SETTINGS": settings, "AUTO_MIGRATE": False})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/releases/{BIG_RELEASE}/{LANG}"
    for _ in range(3):
        r = client.get(path, headers=headers)
        assert r.status_code == 200, (r.status_code, r.data[:300])
    size = len(r.data)
    rows = r.data.count(b"data-segment-id=") or r.data.count(b"data-id=")
    times = []
    for _ in range(renders):
        t0 = time.perf_counter()
        r = client.get(path, headers=headers)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200
    # the parts, to say where the time goes
    proj = Project(root)
    extra = proj.extra_checks(BIG_RELEASE) if hasattr(proj, "extra_checks") else ()
    parts: dict[str, list[float]] = defaultdict(list)
    for _ in range(max(5, renders // 4)):
        t0 = time.perf_counter()
        po = proj.load_catalog(BIG_RELEASE, LANG)
        t1 = time.perf_counter()
        views = seg.views(po, LANG, extra) if extra else seg.views(po, LANG)
        t2 = time.perf_counter()
        seg.counts(po)
        t3 = time.perf_counter()
        parts["load_catalog"].append(t1 - t0)
        parts["segments.views (incl. checks)"].append(t2 - t1)
        parts["segments.counts"].append(t3 - t2)
    assert len(views) == BIG_SEGMENTS
    with app.test_request_context(path, headers=headers):
        from flask import render_template
        from flask import request as flask_request
        from flask_login import login_user

        from translate_app.core.languages import get_language
        from translate_app.web.access import _load_user_from_token

        login_user(_load_user_from_token(flask_request))
        from translate_app.models import Release
        from translate_app.web.extensions import db

        # GET requests make no release row; the editor shows a release without one as registered
        rel = db.session.query(Release).filter_by(name=BIG_RELEASE).one_or_none() or Release(
            name=BIG_RELEASE, title=BIG_RELEASE, self_review=False
        )
        counts = seg.counts(po)
        for _ in range(max(5, renders // 4)):
            t0 = time.perf_counter()
            render_template(
                "editor.html", release=rel, lang=get_language(LANG), segments=views, counts=counts, can_review=False
            )
            parts["render_template(editor.html)"].append(time.perf_counter() - t0)
    result = {"median": statistics.median(times), "p90": pct(times, 90), "min": min(times), "size": size, "rows": rows}
    result.update({k: statistics.median(v) for k, v in parts.items()})
    app.extensions["translate_app.engine"].dispose()
    return result


def time_editor_http(base: str, token: str, renders: int) -> float:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    url = f"{base}/releases/{BIG_RELEASE}/{LANG}"
    times = []
    for i in range(renders + 4):
        t0 = time.perf_counter()
        r = session.get(url, timeout=60)
        dt = time.perf_counter() - t0
        assert r.status_code == 200, r.status_code
        if i >= 4:  # every worker renders once before timing
            times.append(dt)
    return statistics.median(times)


# -- one database -----------------------------------------------------------------


def run_one(kind: str, tmp: Path, args) -> dict:
    root = tmp / kind / "project"
    schema = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp / kind / 'bench.sqlite3'}"
    else:
        schema = "bench_" + uuid.uuid4().hex[:12]
        pg_schema("create", schema)
        url = f"{PG_ADMIN}?options=-csearch_path%3D{schema}"
    try:
        from translate_app.config import Settings

        make_project(root)
        settings = Settings(root=root, secret_key=SECRET, database_url=url, secure_cookies=False)
        tokens, coord_token = make_accounts(settings, args.clients)
        server = Server(root, url, args.workers, tmp / kind / "gunicorn.log", args.gunicorn_arg)
        try:
            server.wait_ready(coord_token)
            r = requests.get(
                f"{server.base}/api/releases/{RELEASE}/{LANG}/segments",
                headers={"Authorization": f"Bearer {coord_token}"},
                timeout=30,
            )
            r.raise_for_status()
            initial = {s["id"]: s["version"] for s in r.json()}
            for s in r.json():
                assert s["translation"] == "", "the sample catalog should start untranslated"
            print(
                f"[{kind}] gunicorn on {server.base}, {len(initial)} segments, {args.clients} clients, "
                f"{args.warmup:g} s warm-up + {args.duration:g} s measured ...",
                flush=True,
            )
            ledger, wall, cpu = run_load(
                server.base, tokens, initial, args.duration, args.warmup, args.shared, server.proc.pid
            )
            editor_http = time_editor_http(server.base, coord_token, max(10, args.renders // 5))
        finally:
            server.stop()
        verdict = verify(ledger, initial, root, url)
        editor = (
            time_editor_in_process(root, url, tokens[0], args.renders)
            if kind == args.editor_db or args.editor_db == "all"
            else None
        )
    finally:
        if schema:
            pg_schema("drop", schema)
    measured_acks = [a for a in ledger.acks if a.measured]
    measured_conf = [c for c in ledger.conflicts if c.measured]
    lat = [a.latency for a in measured_acks]
    conf_lat = [c.latency for c in measured_conf]
    return {
        "kind": kind,
        "wall": wall,
        "saves": len(measured_acks),
        "saves_per_s": len(measured_acks) / wall,
        "requests_per_s": (len(measured_acks) + len(measured_conf)) / wall,
        "p50": pct(lat, 50),
        "p90": pct(lat, 90),
        "p99": pct(lat, 99),
        "max": max(lat) if lat else float("nan"),
        "conflicts": len(measured_conf),
        "conflict_p50": pct(conf_lat, 50),
        "conflict_p99": pct(conf_lat, 99),
        "errors": ledger.errors,
        "all_acks": len(ledger.acks),
        "all_conflicts": len(ledger.conflicts),
        "verdict": verdict,
        "editor": editor,
        "editor_http": editor_http,
        "cpu": cpu,
    }


def print_table(results: list[dict], args) -> None:
    def ms(x: float) -> str:
        return f"{x * 1000:.1f}"

    cols = [r["kind"] for r in results]
    rows: list[tuple[str, list[str], str]] = []

    def row(label, values, target=""):
        rows.append((label, [str(x) for x in values], target))

    row("clients / gunicorn workers", [f"{args.clients} / {args.workers}" for _ in results])
    row("measured seconds", [f"{r['wall']:.1f}" for r in results])
    row("saves acknowledged (200)", [r["saves"] for r in results])
    row("saves/s", [f"{r['saves_per_s']:.1f}" for r in results], f">= {TARGET_SAVES:g}")
    row("requests/s (200 + 409)", [f"{r['requests_per_s']:.1f}" for r in results])
    row("save latency p50 ms", [ms(r["p50"]) for r in results])
    row("save latency p90 ms", [ms(r["p90"]) for r in results])
    row("save latency p99 ms", [ms(r["p99"]) for r in results], f"< {TARGET_P99_MS:g}")
    row("save latency max ms", [ms(r["max"]) for r in results])
    row("conflicts (409)", [r["conflicts"] for r in results])
    row("409 latency p50 / p99 ms", [f"{ms(r['conflict_p50'])} / {ms(r['conflict_p99'])}" for r in results])
    row(
        "conflicts correctly reported",
        [
            f"{r['verdict'].conflicts_correct}/{r['verdict'].conflicts_correct + r['verdict'].conflicts_wrong}"
            for r in results
        ],
        "all",
    )
    row("lost updates", [r["verdict"].lost_updates for r in results], "0")
    row("acked saves missing from audit_log", [r["verdict"].acks_not_in_audit for r in results], "0")
    row("audit rows with wrong old text", [r["verdict"].audit_wrong_old_text for r in results], "0")
    row("audit rows without a 200", [r["verdict"].audit_without_ack for r in results])
    row("other errors", [len(r["errors"]) for r in results], "0")
    row(
        "server CPU ms per request",
        [f"{1000 * r['cpu']['server'] / max(1, r['saves'] + r['conflicts']):.1f}" for r in results],
    )
    row(
        "CPU cores busy: server/clients/OTHER",
        [
            f"{r['cpu']['server'] / r['wall']:.2f}/{r['cpu']['client'] / r['wall']:.2f}/"
            f"{r['cpu']['other'] / r['wall']:.2f}"
            for r in results
        ],
        f"of {os.cpu_count()}",
    )
    row("editor 500 seg, HTTP median ms", [ms(r["editor_http"]) for r in results])
    for r in results:
        if r["editor"]:
            e = r["editor"]
            row(
                "editor 500 seg, server median ms",
                [ms(e["median"]) if x is r else "" for x in results],
                f"< {TARGET_EDITOR_MS:g}",
            )
            row("  p90 / min ms", [f"{ms(e['p90'])} / {ms(e['min'])}" if x is r else "" for x in results])
            for part in (
                "load_catalog",
                "segments.views (incl. checks)",
                "segments.counts",
                "render_template(editor.html)",
            ):
                row(f"  part: {part} ms", [ms(e[part]) if x is r else "" for x in results])
            row("  page size KiB", [f"{e['size'] / 1024:.0f}" if x is r else "" for x in results])
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(c), *(len(r[1][i]) for r in rows)) for i, c in enumerate(cols)]
    head = "  ".join([" " * w0] + [c.rjust(w) for c, w in zip(cols, widths, strict=True)] + ["target"])
    print()
    print(head)
    print("-" * len(head))
    for label, values, target in rows:
        print("  ".join([label.ljust(w0)] + [v.rjust(w) for v, w in zip(values, widths, strict=False)] + [target]))
    print()
    for r in results:
        for line in r["verdict"].lost_detail[:10]:
            print(f"[{r['kind']}] LOST: {line}")
        for line in r["verdict"].conflict_detail:
            print(f"[{r['kind']}] BAD 409: {line}")
        for line in r["errors"][:10]:
            print(f"[{r['kind']}] ERROR: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--shared",
        type=float,
        default=0.2,
        help="fraction of picks from the whole catalog rather than the client's own slice",
    )
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--editor-db", default="sqlite", help="database for the in-process editor timing, or all")
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--gunicorn-arg", action="append", default=[])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="review-load-"))
    results = []
    try:
        for kind in kinds:
            if kind == "postgresql" and not postgres_answers():
                continue
            results.append(run_one(kind, tmp, args))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if not results:
        return 1
    print_table(results, args)
    if args.json:
        args.json.write_text(
            json.dumps(
                [{k: (vars(v) if k == "verdict" else v) for k, v in r.items()} for r in results], indent=2, default=str
            )
        )
    bad = any(
        r["verdict"].lost_updates or r["verdict"].acks_not_in_audit or r["verdict"].conflicts_wrong for r in results
    )
    return 2 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
