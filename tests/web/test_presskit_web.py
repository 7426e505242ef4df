"""The press kit on the web: a job with progress, its zip read back, per-language documents, who may do it."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from tests.web.test_press_pages import approve_all, publish, web_project  # noqa: F401 - the fixture is used

docx_lib = pytest.importorskip("docx", reason="python-docx is in the test extra")
pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra")


@pytest.fixture
def database_url(tmp_path: Path):
    """SQLite only: these tests are about documents, which do not depend on the database."""
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def wait(auth, release: str, job_id: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = auth.api("GET", f"/api/releases/{release}/presskit/{job_id}").get_json()
        if state["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_kit_job_runs_and_its_zip_reads_back(client, auth, web_project):  # noqa: F811
    publish(client, auth, web_project, "de", "ar")
    auth.login("coord")
    page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert 'id="presskit"' in page and "Build the press kit" in page
    r = auth.api("POST", "/api/releases/appeal/presskit", {})
    assert r.status_code == 202, r.get_json()
    job = r.get_json()["job"]
    state = wait(auth, "appeal", job)
    assert state["status"] == "done", state
    assert (state["done"], state["total"], state["languages"]) == (2, 2, ["ar", "de"])
    data = client.get(state["download"])
    assert data.status_code == 200 and data.mimetype == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(data.get_data()))
    names = set(zf.namelist())
    for code in ("de", "ar"):
        for ending in ("docx", "odt", "pdf", "md"):
            assert f"{code}/appeal-{code}.{ending}" in names
        assert {f"{code}/index.html", f"{code}/email.html", f"{code}/email.txt"} <= names
    assert not any(name.startswith("fr/") for name in names)
    german = docx_lib.Document(io.BytesIO(zf.read("de/appeal-de.docx")))
    paragraphs = [p.text for p in german.paragraphs]
    assert "Stoppt die Abschiebung" in paragraphs
    assert "Die unterzeichnenden Organisationen rufen das Gericht auf, Maksim Kuzmin zu schützen." in paragraphs
    arabic = docx_lib.Document(io.BytesIO(zf.read("ar/appeal-ar.docx")))
    body = next(p for p in arabic.paragraphs if "مكسيم كوزمين" in p.text)
    assert body._p.pPr is not None and body._p.pPr.find(docx_lib.oxml.ns.qn("w:bidi")) is not None
    assert "Stoppt die Abschiebung" in pdf_text(zf.read("de/appeal-de.pdf"))
    assert "كوزمين" in pdf_text(zf.read("ar/appeal-ar.pdf"))
    # The kit's pages link to the public pages (hreflang wants absolute addresses).
    index = zf.read("de/index.html").decode()
    assert 'hreflang="ar" href="http://localhost/press/appeal/ar/"' in index
    assert "Stoppt die Abschiebung" in zf.read("de/email.txt").decode()
    # After a reload the page offers the zip of the last job.
    page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert f'"id": {job}' in page and '"status": "done"' in page


def test_kit_of_chosen_languages_and_refusals(client, auth, web_project):  # noqa: F811
    publish(client, auth, web_project, "de", "ar")
    auth.login("coord")
    r = auth.api("POST", "/api/releases/appeal/presskit", {"languages": ["de"]})
    state = wait(auth, "appeal", r.get_json()["job"])
    assert state["status"] == "done" and state["languages"] == ["de"]
    names = zipfile.ZipFile(io.BytesIO(client.get(state["download"]).get_data())).namelist()
    assert "de/appeal-de.docx" in names and not any(n.startswith("ar/") for n in names)
    r = auth.api("POST", "/api/releases/appeal/presskit", {"languages": ["fr"]})
    assert r.status_code == 400 and "not published" in r.get_json()["error"]
    r = auth.api("POST", "/api/releases/appeal/presskit", {"languages": "nonsense-!"})
    assert r.status_code == 404 and "malformed language code" in r.get_json()["error"]  # as everywhere in the API
    assert auth.api("POST", "/api/releases/appeal/presskit", {"languages": 3}).status_code == 400
    assert auth.api("POST", "/api/releases/nosuch/presskit", {}).status_code == 404
    assert client.get("/api/releases/appeal/presskit/999999").status_code == 404


def test_per_language_documents(client, auth, web_project):  # noqa: F811
    publish(client, auth, web_project, "de", "ar")
    auth.login("coord")
    r = client.get("/coordinate/releases/appeal/de/press/docx")
    assert r.status_code == 200 and 'filename="appeal-de.docx"' in r.headers["Content-Disposition"]
    assert "Stoppt die Abschiebung" in [p.text for p in docx_lib.Document(io.BytesIO(r.get_data())).paragraphs]
    r = client.get("/coordinate/releases/appeal/ar/press/pdf")
    assert r.mimetype == "application/pdf" and "كوزمين" in pdf_text(r.get_data())
    assert client.get("/coordinate/releases/appeal/ar/press/odt").data[:2] == b"PK"
    mail = client.get("/coordinate/releases/appeal/ar/press/email.html").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in mail and "<script>" not in mail
    text = client.get("/coordinate/releases/appeal/de/press/email.txt")
    assert text.mimetype == "text/plain" and "Stoppt die Abschiebung" in text.get_data(as_text=True)
    assert client.get("/coordinate/releases/appeal/fr/press/pdf").status_code == 404  # not published
    assert client.get("/coordinate/releases/appeal/de/press/exe").status_code == 404


def test_only_coordinators(client, auth, web_project):  # noqa: F811
    publish(client, auth, web_project, "de")
    auth.login("coord")
    job = wait(auth, "appeal", auth.api("POST", "/api/releases/appeal/presskit", {}).get_json()["job"])
    auth.logout()
    for name in ("rev_de", "tr_de"):
        auth.login(name)
        assert auth.api("POST", "/api/releases/appeal/presskit", {}).status_code == 403
        assert client.get(f"/api/releases/appeal/presskit/{job['id']}").status_code == 403
        assert client.get(f"/api/releases/appeal/presskit/{job['id']}/kit.zip").status_code == 403
        assert client.get("/coordinate/releases/appeal/de/press/docx").status_code == 403
        auth.logout()
    assert client.post("/api/releases/appeal/presskit", json={}).status_code == 401
    assert client.get(f"/api/releases/appeal/presskit/{job['id']}/kit.zip").status_code == 401
    assert client.get("/coordinate/releases/appeal/de/press/docx").status_code == 302  # to the login page
    # A coordinator's session without the CSRF token is refused.
    auth.login("coord")
    r = client.post("/api/releases/appeal/presskit", json={})
    assert r.status_code == 400 and "CSRF" in r.get_json()["error"]


def test_a_job_cut_off_shows_as_failed_and_old_zips_go(app, client, auth, web_project):  # noqa: F811
    from datetime import timedelta

    from translate_app.models import Job, utcnow
    from translate_app.presskit import jobs
    from translate_app.project import Project
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        hour_ago = utcnow() - timedelta(hours=1)
        job = Job(kind="presskit", release="appeal", languages="de", provider="presskit", status="running")
        job.total, job.created_at, job.updated_at = 1, hour_ago, hour_ago
        session.add(job)
        session.commit()
        job_id = job.id
    auth.login("coord")
    state = client.get(f"/api/releases/appeal/presskit/{job_id}").get_json()
    assert state["status"] == "failed" and "interrupted" in state["error"]
    assert client.get(f"/api/releases/appeal/presskit/{job_id}/kit.zip").status_code == 404
    folder = jobs.kit_path(Project(web_project), "appeal", 1).parent
    folder.mkdir(parents=True)
    for n in range(1, 9):
        (folder / f"{n}.zip").write_bytes(b"PK")
    jobs._prune(folder)
    assert sorted(int(p.stem) for p in folder.glob("*.zip")) == [4, 5, 6, 7, 8]
