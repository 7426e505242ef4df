"""Benchmark: the editor page's weight and server time for releases of 70 to 100,000 segments.

Run with `.venv/bin/python bench/editor_size.py [--sizes 70,500,10000,100000] [--renders 3]`.
Not a test: it prints one line per size. For each size a temporary project
gets a generated release in German (a third of the segments translated), a
translator with an API token, and the editor (GET /releases/NAME/de) is
fetched with the Flask test client (server time, no network): the first
request (catalog parsed) and the best of the later ones (catalog cached).
The sample release (70 segments) is the real one from source/.

Measured on the shared 2-core machine (issue 11.5), before and after paging
(200 segments a page, filters on the server); seconds are server time, the
first request including the catalog's parse:

    segments   before: bytes   first s  later s    after: bytes  first s  later s
          70         133,814     0.14     0.013          134,109    0.10    0.010
         500         881,926     0.86     0.082          355,164    0.46    0.051
      10,000      17,655,313    11.3      5.9            355,201    2.8     0.14
     100,000     177,255,324    75        60             355,224   17       0.44

With --browser, chromium loads the editor at 390x844 in the one-segment view
and in the list view (a fresh context each time: nothing cached) and the
bytes sent (compressed, headers included: the page, CSS, JS, icons and the
first suggestions call) and the time to DOM-interactive and to editor-ready
are printed, best of --renders, with the time editor.js takes to set the
page up (from its start to editor-ready, a steadier figure). Issue 14, before
(main: no one-segment view, no tokens) and after; on the shared 2-core
machine with a load average of 16 to 20, so times vary by ±50% between runs:

    segments  view    rows   before: bytes  interactive s    after: bytes  interactive s  ready s  script ms
          70  single    70         20,762       0.44              25,513       0.26          0.26        14
          70  list      70         20,761       0.29              25,514       0.24          0.22        40
         500  single   200         21,692       0.53              29,111       0.36          0.33        31
         500  list     200         21,689       1.22              28,483       0.39          0.33        82

(before, "single" is the list too: main has no one-segment view.)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
PASSWORD = "bench password 123"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def release_text(n: int) -> str:
    """Return Markdown of n one-line paragraphs (each one segment) under one heading: n + 1 segments."""
    parts = ["# A generated release for the editor size benchmark", ""]
    for i in range(1, n):
        parts += [f"Item {i}: the **court** must [act](#a{i}).", ""]  # short: 100,000 stay under 5 MB
    return "\n".join(parts) + "\n"


def _project(tmp: Path, size: int) -> tuple[str, object]:
    """Make a project in tmp with a release of `size` segments in German, a third translated.

    Return its name and settings.
    """
    from translate_app import accounts, storage
    from translate_app.config import Settings
    from translate_app.core.states import set_translated
    from translate_app.db import open_database
    from translate_app.project import Project

    (tmp / "source").mkdir()
    if size == 70:
        name = SAMPLE.stem
        shutil.copyfile(SAMPLE, tmp / "source" / SAMPLE.name)
    else:
        name = f"size-{size}"
        (tmp / "source" / f"{name}.md").write_text(release_text(size), encoding="utf-8")
    project = Project(tmp)
    project.add_release(tmp / "source" / f"{name}.md", ["de"])
    with storage.edit(project.catalog_path(name, "de")) as po:
        for i, entry in enumerate(e for e in po if not e.obsolete and e.msgid):
            if i % 3 == 0:
                set_translated(entry, "Übersetzt: " + entry.msgid, by="seed")
    settings = Settings(
        root=tmp, secret_key="bench", database_url=f"sqlite:///{tmp / 'b.sqlite3'}", secure_cookies=False
    )
    sessions = open_database(settings)
    with sessions() as session:
        accounts.create_user(session, name="bench", role="reviewer", languages=["de"], password=PASSWORD)
        session.commit()
    sessions.kw["bind"].dispose()
    return name, settings


def measure(size: int, renders: int) -> dict[str, float]:
    """Return the page's bytes, segment rows and server seconds (first and best later) for one size."""
    from translate_app import accounts, create_app
    from translate_app.db import open_database
    from translate_app.models import User
    from translate_app.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="editor-size-"))
    try:
        name, settings = _project(tmp, size)
        sessions = open_database(settings)
        with sessions() as session:
            token = accounts.create_token(session, session.query(User).filter_by(name="bench").one())
            session.commit()
        sessions.kw["bind"].dispose()
        app = create_app({"SETTINGS": settings})
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        t0 = time.perf_counter()
        r = client.get(f"/releases/{name}/de", headers=headers)
        first = time.perf_counter() - t0
        assert r.status_code == 200, (r.status_code, r.data[:300])
        later = []
        for _ in range(renders):
            t0 = time.perf_counter()
            r = client.get(f"/releases/{name}/de", headers=headers)
            later.append(time.perf_counter() - t0)
        return {
            "segments": len([e for e in Project(tmp).load_catalog(name, "de") if e.msgid and not e.obsolete]),
            "bytes": len(r.data),
            "rows": r.data.count(b'<li class="segment'),
            "first": first,
            "best": min(later) if later else first,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure_in_browser(size: int, loads: int, width: int = 390, height: int = 844) -> list[dict]:
    """Load the editor in chromium at phone size, in the one-segment view and the list view.

    For each view: the bytes transferred for the page and what it loads
    (compressed, as the server sends them, headers included; a fresh browser
    context each time, so nothing is cached) and, best of `loads`, the time
    from navigation to the DOM being interactive and to the editor being ready
    (editor.js marks "editor-ready" once every segment is wired up and the
    first open one has the focus).
    """
    import logging
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from translate_app import create_app

    tmp = Path(tempfile.mkdtemp(prefix="editor-size-"))
    server = None
    try:
        name, settings = _project(tmp, size)
        app = create_app({"SETTINGS": settings})
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        results = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            for view in ("single", "list"):
                runs = []
                for _ in range(loads):
                    context = browser.new_context(viewport={"width": width, "height": height})
                    context.add_init_script(
                        f"try {{ localStorage.setItem('translate-app:view', '{view}') }} catch (e) {{}}"
                    )
                    page = context.new_page()
                    page.goto(base + "/login")
                    page.fill("input[name=name]", "bench")
                    page.fill("input[name=password]", PASSWORD)
                    page.press("input[name=password]", "Enter")
                    page.wait_for_url(base + "/")
                    responses = []
                    page.on("requestfinished", responses.append)
                    page.goto(f"{base}/releases/{name}/de", wait_until="load")
                    # An editor.js without the mark (an older one, for comparison): the focused segment says it.
                    ready = page.wait_for_function(
                        """() => performance.getEntriesByName('editor-ready').length ?
                        performance.getEntriesByName('editor-ready')[0].startTime :
                        (document.querySelector('li.segment.current') ? performance.now() : 0)""",
                        polling=10,
                    ).json_value()
                    timing = page.evaluate("""() => {
                        const nav = performance.getEntriesByType('navigation')[0];
                        const marks = ['editor-start', 'editor-ready'].map(n => performance.getEntriesByName(n)[0]);
                        return {interactive: nav.domInteractive, loaded: nav.loadEventEnd,
                                script: marks[0] && marks[1] ? marks[1].startTime - marks[0].startTime : null,
                                shown: document.querySelectorAll('li.segment:not([hidden])').length,
                                on_screen: [...document.querySelectorAll('li.segment')]
                                    .filter(li => li.getClientRects().length).length};
                    }""")
                    page.wait_for_load_state("networkidle")
                    transferred = 0
                    for request in responses:
                        sizes = request.sizes()
                        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    runs.append({**timing, "ready": ready, "bytes": transferred, "requests": len(responses)})
                    context.close()
                best = min(runs, key=lambda r: r["ready"])
                results.append(
                    {
                        "view": view,
                        "bytes": best["bytes"],
                        "requests": best["requests"],
                        "interactive": best["interactive"] / 1000,
                        "ready": best["ready"] / 1000,
                        "rows": best["shown"],
                        "on_screen": best["on_screen"],
                        "script": min((r["script"] for r in runs if r["script"] is not None), default=None),
                    }
                )
            browser.close()
        return results
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="70,500,10000,100000")
    parser.add_argument("--renders", type=int, default=3)
    parser.add_argument(
        "--browser",
        action="store_true",
        help="load the editor in chromium at 390x844 instead: bytes transferred and time to ready",
    )
    args = parser.parse_args()
    if args.browser:
        print(
            f"{'segments':>9} {'view':>7} {'rows':>5} {'requests':>8} {'bytes sent':>11} {'interactive s':>13} "
            f"{'ready s':>8} {'script ms':>9}"
        )
        for size in (int(s) for s in args.sizes.split(",")):
            for m in measure_in_browser(size, args.renders):
                script = "" if m["script"] is None else f"{m['script']:.0f}"
                print(
                    f"{size:>9} {m['view']:>7} {m['rows']:>5} {m['requests']:>8} {m['bytes']:>11,} "
                    f"{m['interactive']:>13.3f} {m['ready']:>8.3f} {script:>9}",
                    flush=True,
                )
        return
    print(f"{'segments':>9} {'page bytes':>12} {'rows':>6} {'first s':>8} {'later s':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        m = measure(size, args.renders)
        print(f"{m['segments']:>9} {m['bytes']:>12,} {m['rows']:>6} {m['first']:>8.3f} {m['best']:>8.3f}", flush=True)


if __name__ == "__main__":
    main()
