"""Benchmark: bulk review in one batch against one approval per request, and an offline upload, by size.

Run with `.venv/bin/python bench/bulk_review.py [--sizes 70,500]`. Not a test: it prints one line per
size. For each size a temporary project gets a release in German with every segment translated by
someone else, and a reviewer with an API token (Flask test client: server time, no network):

- bulk: POST .../bulk/plan then POST .../bulk with every item (one catalog write, one audit transaction);
- one by one: POST .../segments/ID/approve for every segment, on a fresh copy;
- upload: GET .../catalog.po, every entry's text changed, POST .../upload (one batch).

The 70-segment release is the real one from source/.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from editor_size import SAMPLE, release_text  # noqa: E402


def _setup(size: int):
    """Return (folder, release name, test client, headers) of a fresh project with every segment translated."""
    from translate_app import accounts, create_app, storage
    from translate_app.config import Settings
    from translate_app.core.states import set_translated
    from translate_app.db import open_database
    from translate_app.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="bulk-review-"))
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
        for entry in po:
            if entry.msgid and not entry.obsolete:
                set_translated(entry, entry.msgid, by="seed")  # the same text: every check passes
    settings = Settings(
        root=tmp, secret_key="bench", database_url=f"sqlite:///{tmp / 'b.sqlite3'}", secure_cookies=False
    )
    sessions = open_database(settings)
    with sessions() as session:
        user = accounts.create_user(
            session, name="bench", role="reviewer", languages=["de"], password="bench password 123"
        )
        token = accounts.create_token(session, user)
        session.commit()
    sessions.kw["bind"].dispose()
    app = create_app({"SETTINGS": settings})
    return tmp, name, app.test_client(), {"Authorization": f"Bearer {token}"}


def _bulk(client, base: str, headers: dict) -> int:
    plan = client.post(base + "/bulk/plan", json={"action": "approve", "state": "translated"}, headers=headers)
    items = [{"id": i["id"], "version": i["version"]} for i in plan.get_json()["items"]]
    done = client.post(base + "/bulk", json={"action": "approve", "items": items}, headers=headers).get_json()
    assert done["done"] == len(items), done
    return len(items)


def _one_by_one(client, base: str, headers: dict) -> int:
    segments = client.get(base + "/segments", headers=headers).get_json()
    for s in segments:
        r = client.post(f"{base}/segments/{s['id']}/approve", json={"version": s["version"]}, headers=headers)
        assert r.status_code == 200, r.get_json()
    return len(segments)


def _upload(client, base: str, headers: dict) -> int:
    import io

    import polib

    po = polib.pofile(client.get(base + "/catalog.po", headers=headers).get_data(as_text=True))
    for entry in po:
        if entry.msgid:
            entry.msgstr = "Neu: " + entry.msgid
    report = client.post(
        base + "/upload",
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(str(po).encode()), "x.po")},
    ).get_json()
    assert report["saved"] == len([e for e in po if e.msgid]), report
    return report["saved"]


def measure(size: int) -> dict[str, float]:
    """Return the seconds of a bulk approval, of one approval per request, and of an upload, for one size."""
    result: dict[str, float] = {}
    for key, run in (("bulk", _bulk), ("single", _one_by_one), ("upload", _upload)):
        tmp, name, client, headers = _setup(size)
        try:
            t0 = time.perf_counter()
            result["segments"] = run(client, f"/api/releases/{name}/de", headers)
            result[key] = time.perf_counter() - t0
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="70,500")
    args = parser.parse_args()
    print(f"{'segments':>9} {'bulk s':>8} {'one by one s':>13} {'upload s':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        m = measure(size)
        print(f"{m['segments']:>9} {m['bulk']:>8.2f} {m['single']:>13.2f} {m['upload']:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
