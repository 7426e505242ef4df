"""Benchmark: the press kit of 20 published languages of the sample, built through the web job (cold, then warm).

Run with `.venv/bin/python bench/presskit_web.py [--languages 20]`. Not a test: it prints figures.

A temporary project holds the sample release in N languages (the codes of bench/presskit.py: right-to-left and
CJK ones included), each approved with the English text (the first segment in the language's own name, so the
pages differ); a coordinator publishes them through the release page, then starts the kit with
POST /api/releases/NAME/presskit and polls GET .../presskit/ID until it is done, as the page's script does.
Cold: build/presskit/ is empty. Warm: the same published texts again (documents come from the cache; the pages
and the zip are made anew).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.presskit import CODES  # noqa: E402
from tests.factory import PASSWORD, Person, make_app, make_project, sqlite_url  # noqa: E402
from translate_app.core.languages import get_language  # noqa: E402
from translate_app.core.states import set_approved, set_translated  # noqa: E402
from translate_app.project import Project  # noqa: E402
from translate_app.storage import edit as edit_catalog  # noqa: E402

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"


def _csrf(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, path
    return found.group(1)


def _build(client, token: str) -> tuple[float, dict, int]:
    started = time.perf_counter()
    r = client.post("/api/releases/kuzmin/presskit", json={}, headers={"X-CSRFToken": token})
    assert r.status_code == 202, r.get_json()
    job = r.get_json()["job"]
    while True:
        state = client.get(f"/api/releases/kuzmin/presskit/{job}").get_json()
        if state["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    assert state["status"] == "done", state
    size = len(client.get(state["download"]).get_data())
    return elapsed, state, size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", type=int, default=20)
    args = parser.parse_args()
    codes = CODES[: args.languages]
    with tempfile.TemporaryDirectory(prefix="presskit-web-") as tmp:
        root = make_project(Path(tmp) / "project", source=SAMPLE, name="kuzmin", languages=codes)
        project = Project(root)
        for code in codes:
            with edit_catalog(project.catalog_path("kuzmin", code)) as po:
                for entry in po:
                    if entry.msgid:
                        text = get_language(code).native_name if entry.msgid == "JOINT PRESS RELEASE" else entry.msgid
                        set_translated(entry, text, by="bench")
                        set_approved(entry, by="bench")
        app = make_app(root, sqlite_url(Path(tmp)), people=[Person("coord", "coordinator")])
        client = app.test_client()
        client.post("/login", data={"name": "coord", "password": PASSWORD, "csrf_token": _csrf(client, "/login")})
        token = _csrf(client, "/coordinate/releases/kuzmin")
        started = time.perf_counter()
        for code in codes:
            r = client.post(f"/coordinate/releases/kuzmin/{code}/publish", data={"csrf_token": token})
            assert r.status_code == 302
        print(f"published {len(codes)} languages in {time.perf_counter() - started:.1f} s")
        for label in ("cold", "warm"):
            elapsed, state, size = _build(client, token)
            print(
                f"{label}: press kit of {state['total']} languages through the web job in {elapsed:.1f} s "
                f"({elapsed / state['total']:.2f} s per language), zip {size / 1e6:.1f} MB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
