"""History with word diffs (of the translation and of a changed source), comment counts and @mentions."""

from __future__ import annotations

from translate_app import workflow
from translate_app.models import User
from translate_app.project import Project
from translate_app.storage import edit as edit_catalog
from translate_app.web.extensions import Database

BASE = "/api/releases/appeal/de/segments"


def _segments(auth):
    return auth.api("GET", BASE).get_json()


def test_history_gives_each_change_its_word_diff(client, auth):
    auth.login("tr_de")
    seg = _segments(auth)[1]
    r = auth.api("PUT", f"{BASE}/{seg['id']}", {"translation": "Wir rufen das Gericht an.", "version": seg["version"]})
    after = r.get_json()
    auth.api(
        "PUT", f"{BASE}/{seg['id']}", {"translation": "Wir rufen den Gerichtshof an.", "version": after["version"]}
    )
    changes = auth.api("GET", f"{BASE}/{seg['id']}/history").get_json()["changes"]
    assert changes[0]["diff"] == [
        {"op": "equal", "text": "Wir rufen "},
        {"op": "delete", "text": "das Gericht"},
        {"op": "insert", "text": "den Gerichtshof"},
        {"op": "equal", "text": " an."},
    ]
    assert changes[1]["diff"] == [{"op": "insert", "text": "Wir rufen das Gericht an."}]
    assert "source" not in auth.api("GET", f"{BASE}/{seg['id']}/history").get_json()


def test_history_shows_how_the_source_changed(client, auth, web_project):
    auth.login("tr_de")
    seg = _segments(auth)[3]  # "Respect the ruling of 2023."
    with edit_catalog(Project(web_project).catalog_path("appeal", "de")) as po:
        entry = next(e for e in po if e.msgid == seg["source"])
        entry.previous_msgid = "Respect the ruling of 2022."
    source = auth.api("GET", f"{BASE}/{seg['id']}/history").get_json()["source"]
    assert source["old"] == "Respect the ruling of 2022." and source["new"] == seg["source"]
    assert {"op": "delete", "text": "2022"} in source["diff"] and {"op": "insert", "text": "2023"} in source["diff"]


def test_history_of_an_unknown_segment_is_404(client, auth):
    auth.login("tr_de")
    assert auth.api("GET", f"{BASE}/0123456789abcdef/history").status_code == 404


def test_mentioned_users_are_the_active_people_of_the_language(app):
    with Database.factory(app)() as session:
        rev = session.query(User).filter_by(name="rev_de").one()
        rev.display_name = "Anna Berg"
        gone = session.query(User).filter_by(name="rev2_de").one()
        gone.active = False
        session.commit()
        text = (
            "@tr_de and @AnnaBerg, please look; @tr_fr is not in German, @rev2_de left, mail@example.org is no mention"
        )
        assert [u.name for u in workflow.mentioned_users(session, text, "de")] == ["tr_de", "rev_de"]
        assert [u.name for u in workflow.mentioned_users(session, "thanks @REV_DE.", "de")] == ["rev_de"]
        assert [u.name for u in workflow.mentioned_users(session, "@tr_fr", "fr")] == ["tr_fr"]
        assert workflow.mentioned_users(session, "no one here", "de") == []


def test_comments_carry_their_mentions_and_segments_their_comment_count(app, client, auth):
    with Database.factory(app)() as session:
        session.query(User).filter_by(name="rev_de").one().display_name = "Anna Berg"
        session.commit()
    auth.login("tr_de")
    seg = _segments(auth)[0]
    for text in ("@rev_de is 'Gericht' right?", "and @nobody"):
        assert auth.api("POST", f"{BASE}/{seg['id']}/comments", {"text": text}).status_code == 201
    comments = auth.api("GET", f"{BASE}/{seg['id']}/history").get_json()["comments"]
    assert comments[0]["mentions"] == []
    assert comments[1]["mentions"] == [{"name": "rev_de", "shown": "Anna Berg"}]
    with Database.factory(app)() as session:
        assert workflow.comment_counts(session, "appeal", "de") == {seg["id"]: 2}
        assert workflow.comment_counts(session, "appeal", "fr") == {}
    page = client.get("/releases/appeal/de").get_data(as_text=True)
    assert 'data-comments="2"' in page and "💬 2 comments" in page
