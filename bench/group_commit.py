"""Benchmark of the save mechanism alone: P processes x T threads, each thread saving its own segment of one catalog.

Run with `.venv/bin/python bench/group_commit.py PROCESSES THREADS SAVES` from the checkout to measure,
or with PYTHONPATH=OTHER_CHECKOUT from that checkout (it works with storage.apply and with the former
core.groupcommit.submit). No HTTP, no database: it prints saves per second. Not a test.
"""

import multiprocessing as mp
import shutil
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path


def project(d):
    try:
        from translate_app.project import Project
    except ImportError:
        from translate_app.core.project import Project
    (d / "source").mkdir(parents=True)
    shutil.copy(Path.cwd() / "source/kuzmin-2026-03-30.md", d / "source")
    p = Project(d)
    p.add_release(d / "source/kuzmin-2026-03-30.md", ["de"])
    return p.catalog_path("kuzmin-2026-03-30", "de")


def saver(path, sids, n, start, q):
    from translate_app.core import catalog as cat
    from translate_app.core import segments as seg

    change = partial(seg.apply_edit, language="de")
    try:
        from translate_app import storage
        from translate_app.core.edits import Edit

        def do(sid, ver, text):
            [o] = storage.apply(path, [Edit(kind="save", segment=sid, version=ver, text=text, by="x")], change)
            return o.after.version
    except ImportError:
        from translate_app.core import groupcommit as gc

        def do(sid, ver, text):
            o = gc.submit(path, {"kind": "save", "segment": sid, "version": ver, "text": text, "by": "x"}, change)
            return o["after"]["version"]

    po = cat.load(path)
    vers = {s: cat.entry_version(cat.find_entry(po, s)) for s in sids}

    def run(sid):
        v = vers[sid]
        for i in range(n):
            v = do(sid, v, f"T {sid} {i}")

    start.wait()
    t0 = time.perf_counter()
    ts = [threading.Thread(target=run, args=(s,)) for s in sids]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    q.put(time.perf_counter() - t0)


if __name__ == "__main__":
    P, T, N = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    d = Path(tempfile.mkdtemp())
    path = project(d)
    from translate_app.core import catalog as cat

    ids = [cat.entry_id(e) for e in cat.load(path) if e.msgid][: P * T]
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(P)
    q = ctx.Queue()
    procs = [ctx.Process(target=saver, args=(path, ids[i * T : (i + 1) * T], N, start, q)) for i in range(P)]
    for p in procs:
        p.start()
    times = [q.get() for _ in procs]
    for p in procs:
        p.join()
    print(f"{P} proc x {T} threads x {N} saves: {P * T * N / max(times):.0f} saves/s")
