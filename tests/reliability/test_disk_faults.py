"""A full disk and a read-only folder: saves are refused at once with a clear 5xx, nothing is lost, and the
service recovers as soon as the disk has room again (also after a restart).

The project (catalogs, the SQLite database in instance/, as on the embedded defaults) lives on a small tmpfs
mounted by the test; where mounting is not allowed the tests skip with the reason.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, SMALL_RELEASE
from translate_app.config import Settings


@pytest.fixture
def small_disk(tmp_path: Path):
    """Mount a 32 MB tmpfs and yield its path; unmount afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _app(root: Path):
    from translate_app import accounts, create_app
    from translate_app.web.extensions import Database

    settings = Settings(root=root, secret_key="k", secure_cookies=False)  # SQLite in root/instance
    app = create_app({"SETTINGS": settings, "TESTING": True})
    with Database.factory(app)() as session:
        from sqlalchemy import select

        from translate_app.models import User

        if session.scalar(select(User).where(User.name == "tr_de")) is None:
            accounts.create_user(session, name="tr_de", role="translator", languages=["de"], password=PASSWORD)
            session.commit()
        user = session.scalar(select(User).where(User.name == "tr_de"))
        token = accounts.create_token(session, user)
        session.commit()
    return app, {"Authorization": f"Bearer {token}"}


def _project(disk: Path) -> Path:
    from translate_app.project import Project

    root = disk / "project"
    (root / "source").mkdir(parents=True)
    (root / "source" / "appeal.md").write_text(SMALL_RELEASE, encoding="utf-8")
    Project(root).add_release(root / "source" / "appeal.md", ["de"])
    return root


def _fill(disk: Path, leave: int) -> Path:
    """Fill the disk until `leave` bytes are free; return the filler file."""
    filler = disk / f"filler-{uuid.uuid4().hex}"
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def _save(client, headers, text):
    seg = client.get("/api/releases/appeal/de/segments", headers=headers).get_json()[0]
    return client.put(
        f"/api/releases/appeal/de/segments/{seg['id']}",
        headers=headers,
        json={"translation": text, "version": seg["version"]},
    )


def test_full_disk_refuses_with_507_then_recovers(small_disk):
    from translate_app.core.catalog import load
    from translate_app.web.extensions import Database

    root = _project(small_disk)
    app, headers = _app(root)
    client = app.test_client()
    assert _save(client, headers, "Stoppt die Abschiebung").status_code == 200
    catalog_path = root / "locales" / "de" / "LC_MESSAGES" / "appeal.po"
    before = catalog_path.read_bytes()

    filler = _fill(small_disk, leave=2 * 1024 * 1024)
    start = time.monotonic()
    refused = _save(client, headers, "Beendet die Abschiebung")
    assert time.monotonic() - start < 5
    assert refused.status_code == 507, refused.get_json()
    message = refused.get_json()["error"]
    assert "disk is full" in message and "nothing was changed" in message
    assert str(small_disk) not in message and "/" not in message.split(":")[0]
    assert catalog_path.read_bytes() == before
    load(catalog_path)  # still a valid catalog
    assert not list(catalog_path.parent.glob(".*.tmp"))

    filler.unlink()
    assert _save(client, headers, "Beendet die Abschiebung").status_code == 200
    Database.dispose(app)
    app2, headers2 = _app(root)  # a restart on the same database and folder
    client2 = app2.test_client()
    assert _save(client2, headers2, "Stoppt sofort die Abschiebung").status_code == 200
    assert "Stoppt sofort die Abschiebung" in catalog_path.read_text(encoding="utf-8")
    Database.dispose(app2)


def test_read_only_folder_refuses_at_once_with_503(small_disk):
    from translate_app.web.extensions import Database

    root = _project(small_disk)
    (root / "instance").mkdir()
    app, headers = _app(root)
    client = app.test_client()
    assert _save(client, headers, "Stoppt die Abschiebung").status_code == 200
    catalog_path = root / "locales" / "de" / "LC_MESSAGES" / "appeal.po"
    for lock in catalog_path.parent.glob(".*.lock"):
        lock.unlink()  # "a read-only folder without a lock file"
    before = catalog_path.read_bytes()
    locales = root / "locales"
    # The catalogs' folder read-only (a read-only bind mount), the database beside it still writable.
    bind = subprocess.run(["mount", "--bind", str(locales), str(locales)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount: {bind.stderr.decode().strip()}")
    remount = subprocess.run(["mount", "-o", "remount,ro,bind", str(locales)], capture_output=True)
    try:
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.decode().strip()}")
        start = time.monotonic()
        refused = _save(client, headers, "Beendet die Abschiebung")
        elapsed = time.monotonic() - start
    finally:
        subprocess.run(["umount", str(locales)], check=True)
    assert refused.status_code == 503, refused.get_json()
    assert elapsed < 5, f"a read-only folder made a save wait {elapsed:.1f} s"
    assert "nothing was changed" in refused.get_json()["error"]
    assert str(small_disk) not in refused.get_json()["error"]
    assert catalog_path.read_bytes() == before
    assert _save(client, headers, "Beendet die Abschiebung").status_code == 200
    Database.dispose(app)
