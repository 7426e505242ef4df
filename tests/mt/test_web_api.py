"""The pre-translation parts of the JSON API: suggestions with their source and diff, jobs and who sees them."""

from __future__ import annotations

import pytest

from translate_app import storage
from translate_app.core.states import set_approved, set_translated
from translate_app.mt.jobs import wait_for_job
from translate_app.project import Project
from translate_app.web.extensions import Database

EARLIER = "Vilnius, 30 November 2026\n\nThe coalition demanded to suspend three permits.\n"
LATER = "Vilnius, 4 December 2026\n\nThe coalition welcomed the decision to suspend two permits.\n"


@pytest.fixture
def memory(web_project):
    """Add an approved earlier release and a later one with near, not identical, sentences."""
    project = Project(web_project)
    for name, text in (("earlier", EARLIER), ("later", LATER)):
        (web_project / "source" / f"{name}.md").write_text(text, encoding="utf-8")
        project.add_release(web_project / "source" / f"{name}.md", ["de"])
    translations = {
        "Vilnius, 30 November 2026": "Vilnius, 30. November 2026",
        "The coalition demanded to suspend three permits.": "Die Koalition forderte, drei Genehmigungen auszusetzen.",
    }
    with storage.edit(project.catalog_path("earlier", "de")) as po:
        for entry in po:
            set_translated(entry, translations[entry.msgid], by="tr_de")
            set_approved(entry, by="rev_de")
    return project


def test_suggestions_show_the_source_they_were_made_for_and_the_difference(client, auth, memory) -> None:
    auth.login("tr_de")
    segments = {s["source"]: s for s in client.get("/api/releases/later/de/segments").get_json()}
    date = segments["Vilnius, 4 December 2026"]
    found = client.get(f"/api/releases/later/de/segments/{date['id']}/suggestions").get_json()
    assert found == [
        {
            "text": "Vilnius, 30. November 2026",
            "score": found[0]["score"],
            "origin": "earlier",
            "source": "Vilnius, 30 November 2026",
            "diff": [
                {"op": "equal", "text": "Vilnius, "},
                {"op": "delete", "text": "30 November"},
                {"op": "insert", "text": "4 December"},
                {"op": "equal", "text": " 2026"},
            ],
        }
    ]
    assert 60 <= found[0]["score"] < 100
    permits = segments["The coalition welcomed the decision to suspend two permits."]
    found = client.get(f"/api/releases/later/de/segments/{permits['id']}/suggestions").get_json()
    assert found[0]["source"] == "The coalition demanded to suspend three permits." and found[0]["score"] < 100
    changed = [(d["op"], d["text"]) for d in found[0]["diff"] if d["op"] != "equal"]
    assert changed == [
        ("delete", "demanded"),
        ("insert", "welcomed the decision"),
        ("delete", "three"),
        ("insert", "two"),
    ]


def test_memory_pretranslation_leaves_near_matches_untranslated(app, client, auth, memory) -> None:
    auth.login("coord")
    response = auth.api("POST", "/api/releases/later/pretranslate", {"languages": ["de"], "provider": "memory"})
    assert response.status_code == 202
    state = wait_for_job(Database.factory(app), response.get_json()["job"], timeout=30)
    assert (state["status"], state["done"], state["no_match"], state["total"]) == ("done", 0, 2, 2)
    segments = client.get("/api/releases/later/de/segments").get_json()
    assert [(s["state"], s["translation"]) for s in segments] == [("untranslated", "")] * 2


def test_a_job_is_shown_only_to_coordinators_and_its_creator(app, client, auth, memory) -> None:
    from sqlalchemy import select

    from translate_app.models import Job, User

    auth.login("coord")
    job_id = auth.api(
        "POST", "/api/releases/later/pretranslate", {"languages": ["de"], "provider": "memory"}
    ).get_json()["job"]
    wait_for_job(Database.factory(app), job_id, timeout=30)
    assert client.get(f"/api/jobs/{job_id}").status_code == 200
    assert client.get("/api/jobs/999").status_code == 404
    auth.logout()
    auth.login("tr_de")
    response = client.get(f"/api/jobs/{job_id}")
    assert response.status_code == 403 and "only coordinators" in response.get_json()["error"]
    with Database.factory(app)() as session:  # a job this translator started (say, before a role change)
        job = session.get(Job, job_id)
        job.created_by_id = session.scalar(select(User.id).where(User.name == "tr_de"))
        session.commit()
    state = client.get(f"/api/jobs/{job_id}").get_json()
    assert state["no_match"] == 2 and state["status"] == "done"


def test_an_unconfigured_or_unreachable_provider_is_refused_with_a_readable_error(app, client, auth, memory) -> None:
    auth.login("coord")
    response = auth.api("POST", "/api/releases/later/pretranslate", {"languages": ["de"], "provider": "google"})
    assert response.status_code == 400
    assert "public web service" in response.get_json()["error"]
    app.config["SETTINGS"].options["LIBRETRANSLATE_URL"] = "http://127.0.0.1:1/"
    response = auth.api("POST", "/api/releases/later/pretranslate", {"languages": ["de"], "provider": "libretranslate"})
    assert response.status_code == 400
    assert response.get_json() == {"error": "LibreTranslate at http://127.0.0.1:1 is unreachable (connection refused)"}
