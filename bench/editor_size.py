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
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from translate_app import storage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"


def release_text(n: int) -> str:
    """Return Markdown of n one-line paragraphs (each one segment) under one heading: n + 1 segments."""
    parts = ["# A generated release for the editor size benchmark", ""]
    for i in range(1, n):
        parts += [f"Item {i}: the **court** must [act](#a{i}).", ""]  # short: 100,000 stay under 5 MB
    return "\n".join(parts) + "\n"


def measure(size: int, renders: int) -> dict[str, float]:
    """Return the page's bytes, segment rows and server seconds (first and best later) for one size."""
    from translate_app import accounts, create_app
    from translate_app.config import Settings
    from translate_app.core import catalog as cat
    from translate_app.project import Project
    from translate_app.core.states import set_translated
    from translate_app.db import open_database

    tmp = Path(tempfile.mkdtemp(prefix="editor-size-"))
    try:
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
        settings = Settings(root=tmp, secret_key="bench", database_url=f"sqlite:///{tmp / 'b.sqlite3'}",
                            secure_cookies=False)
        sessions = open_database(settings)
        with sessions() as session:
            user = accounts.create_user(session, name="bench", role="reviewer", languages=["de"],
                                        password="bench password 123")
            token = accounts.create_token(session, user)
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
        return {"segments": len([e for e in project.load_catalog(name, "de") if e.msgid and not e.obsolete]),
                "bytes": len(r.data), "rows": r.data.count(b'<li class="segment'), "first": first,
                "best": min(later) if later else first}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="70,500,10000,100000")
    parser.add_argument("--renders", type=int, default=3)
    args = parser.parse_args()
    print(f"{'segments':>9} {'page bytes':>12} {'rows':>6} {'first s':>8} {'later s':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        m = measure(size, args.renders)
        print(f"{m['segments']:>9} {m['bytes']:>12,} {m['rows']:>6} {m['first']:>8.3f} {m['best']:>8.3f}", flush=True)


if __name__ == "__main__":
    main()
