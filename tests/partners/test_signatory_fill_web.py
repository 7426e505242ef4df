"""The editor and the API say what the signatory fill wrote: its provenance, and a description left in English."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import SAMPLE
from tests.factory import make_app, make_project
from tests.web.conftest import Auth
from translate_app import storage
from translate_app.core.states import set_translated
from translate_app.web.extensions import Database

RELEASE = SAMPLE.stem


@pytest.fixture
def sample_app(tmp_path: Path, database_url: str):
    app = make_app(make_project(tmp_path / "project", source=SAMPLE, languages=["de", "ar"]), database_url)
    yield app
    Database.dispose(app)


def test_the_editor_shows_filled_signatories_and_the_description_to_translate(sample_app) -> None:
    client = sample_app.test_client()
    auth = Auth(client)
    auth.login("tr_de")
    page = html.unescape(client.get(f"/releases/{RELEASE}/de?view=list").get_data(as_text=True))
    assert page.count("signatory list: name kept, countries filled in from CLDR; needs review") == 39
    assert "The description “Indian branch of IFOR” is still in English: translate it." in page
    assert page.count("is still in English: translate it.") == 6
    assert "machine suggestion by" not in page
    answer = auth.api("GET", f"/api/releases/{RELEASE}/de/segments")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    segments = body["segments"] if isinstance(body, dict) else body
    india = next(s for s in segments if s["source"] == "FOR India (Indian branch of IFOR) – India")
    assert (india["state"], india["translation"]) == ("needs_review", "FOR India (Indian branch of IFOR) – Indien")
    assert india["signatories"] == {"description": "Indian branch of IFOR"}
    plain = next(s for s in segments if s["source"] == "Kerk en Vrede – Netherlands")
    assert plain["signatories"] == {"description": ""} and plain["translation"] == "Kerk en Vrede – Niederlande"
    other = next(s for s in segments if s["source"] == "Background")
    assert other["signatories"] is None and other["state"] == "untranslated"


def test_filled_signatories_are_not_a_corrected_source(sample_app) -> None:
    from translate_app import notifications
    from translate_app.models import NotificationEvent, User
    from translate_app.project import Project

    project = Project(sample_app.config["SETTINGS"].root)
    sessions = Database.factory(sample_app)
    engine = sessions.kw["bind"]
    with sessions() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        notifications.save_preferences(
            session, user=user, email="tr@example.org", webhook_url=None, choices={"source_corrected": "email"}
        )
    changes = project.update(RELEASE)  # the source as it was: nothing to tell anybody
    assert changes["de"]["signatories"] == changes["de"]["needs_review"] == 39
    assert notifications.source_corrected(engine, project, RELEASE, changes) == 0
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        set_translated(next(e for e in po if e.msgid == "Background"), "Hintergrund", by="tr_de")
    source = project.source_path(RELEASE)  # a translated heading corrected: that one is told
    source.write_text(source.read_text().replace("Background", "Background and context", 1), encoding="utf-8")
    changes = project.update(RELEASE)
    assert notifications.source_corrected(engine, project, RELEASE, changes) > 0
    with sessions() as session:
        details = {n.detail for n in session.query(NotificationEvent).filter_by(event="source_corrected")}
    assert "de: 1 segment(s) need review" in details
