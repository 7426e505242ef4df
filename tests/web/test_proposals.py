"""A translator's change to approved text becomes a proposal that a reviewer accepts or rejects."""

from __future__ import annotations

from translate_app.core.catalog import load

BASE = "/api/releases/appeal/de"


def segments(auth):
    r = auth.api("GET", f"{BASE}/segments")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def approved_segment(auth, text="Stoppt die Abschiebung"):
    """Have tr_de translate the first segment and rev_de approve it; return it as approved."""
    auth.login("tr_de")
    first = segments(auth)[0]
    r = auth.api("PUT", f"{BASE}/segments/{first['id']}", {"translation": text, "version": first["version"]})
    assert r.status_code == 200, r.get_json()
    auth.logout()
    auth.login("rev_de")
    r = auth.api("POST", f"{BASE}/segments/{first['id']}/approve", {"version": r.get_json()["version"]})
    assert r.status_code == 200, r.get_json()
    auth.logout()
    return r.get_json()


def catalog_text(web_project, source):
    return load(web_project / "locales/de/LC_MESSAGES/appeal.po").find(source).msgstr


def test_translator_change_to_approved_text_becomes_a_proposal(auth, web_project):
    seg = approved_segment(auth)
    auth.login("tr_de")
    r = auth.api(
        "PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Stoppt die Ausweisung", "version": seg["version"]}
    )
    assert r.status_code == 202, r.get_json()
    body = r.get_json()
    assert body["proposal"]["text"] == "Stoppt die Ausweisung" and body["proposal"]["status"] == "open"
    assert body["proposal"]["by"] == "tr_de"
    # The approved text stays in the catalog, still approved and with the same version.
    assert body["segment"]["state"] == "approved" and body["segment"]["version"] == seg["version"]
    assert body["segment"]["proposals"] == 1
    assert catalog_text(web_project, seg["source"]) == "Stoppt die Abschiebung"
    listed = {s["id"]: s for s in segments(auth)}
    assert listed[seg["id"]]["state"] == "approved" and listed[seg["id"]]["proposals"] == 1
    # Proposing again replaces the person's open proposal rather than adding one.
    r = auth.api(
        "PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Stoppt die Ausweisung!", "version": seg["version"]}
    )
    assert r.status_code == 202
    r = auth.api("GET", f"{BASE}/segments/{seg['id']}/proposals")
    assert [p["text"] for p in r.get_json()] == ["Stoppt die Ausweisung!"]
    # Saving the unchanged approved text changes nothing and proposes nothing.
    r = auth.api(
        "PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Stoppt die Abschiebung", "version": seg["version"]}
    )
    assert r.status_code == 200 and r.get_json()["state"] == "approved"
    # Emptying approved text is refused, not proposed.
    r = auth.api("PUT", f"{BASE}/segments/{seg['id']}", {"translation": "", "version": seg["version"]})
    assert r.status_code == 400
    # A translator may neither accept nor reject.
    pid = body["proposal"]["id"]
    assert auth.api("POST", f"{BASE}/proposals/{pid}/accept", {"version": seg["version"]}).status_code == 403
    assert auth.api("POST", f"{BASE}/proposals/{pid}/reject", {"reason": "no"}).status_code == 403


def test_stale_version_is_a_conflict_not_a_proposal(auth):
    seg = approved_segment(auth)
    auth.login("tr_de")
    r = auth.api("PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Neu", "version": "stale"})
    assert r.status_code == 409 and r.get_json()["current"]["state"] == "approved"
    r = auth.api("GET", f"{BASE}/segments/{seg['id']}/proposals")
    assert r.get_json() == []


def test_reviewer_accepts_a_proposal(auth, web_project):
    seg = approved_segment(auth)
    auth.login("tr_de")
    r = auth.api(
        "PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Stoppt die Ausweisung", "version": seg["version"]}
    )
    pid = r.get_json()["proposal"]["id"]
    auth.logout()
    auth.login("rev2_de")
    r = auth.api("GET", f"{BASE}/segments/{seg['id']}/proposals")
    [p] = r.get_json()
    assert p["id"] == pid and p["current"] is True and p["checks"] == []
    # Based on an old version of the segment: a conflict.
    r = auth.api("POST", f"{BASE}/proposals/{pid}/accept", {"version": "old"})
    assert r.status_code == 409
    r = auth.api("POST", f"{BASE}/proposals/{pid}/accept", {"version": seg["version"]})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["proposal"]["status"] == "accepted" and body["proposal"]["decided_by"] == "rev2_de"
    assert body["segment"]["state"] == "approved" and body["segment"]["approved_by"] == "rev2_de"
    assert body["segment"]["translated_by"] == "tr_de" and body["segment"]["proposals"] == 0
    assert catalog_text(web_project, seg["source"]) == "Stoppt die Ausweisung"
    # Decided once.
    r = auth.api("POST", f"{BASE}/proposals/{pid}/reject", {"reason": "late"})
    assert r.status_code == 409
    history = auth.api("GET", f"{BASE}/segments/{seg['id']}/history").get_json()["changes"]
    assert [c["action"] for c in history][:2] == ["accept", "propose"]


def test_accepting_is_subject_to_the_checks_of_approving(auth, web_project):
    auth.login("tr_de")
    second = segments(auth)[1]  # has a link and bold text
    text = "Die Organisationen rufen das **Gericht** auf, [Maksim Kuzmin](https://example.org/mk) zu schützen."
    r = auth.api("PUT", f"{BASE}/segments/{second['id']}", {"translation": text, "version": second["version"]})
    auth.logout()
    auth.login("rev_de")
    r = auth.api("POST", f"{BASE}/segments/{second['id']}/approve", {"version": r.get_json()["version"]})
    assert r.status_code == 200, r.get_json()
    seg = r.get_json()
    auth.logout()
    auth.login("tr_de")
    broken = "Die Organisationen rufen das Gericht auf, Maksim Kuzmin zu schützen."  # the link is lost
    r = auth.api("PUT", f"{BASE}/segments/{seg['id']}", {"translation": broken, "version": seg["version"]})
    assert r.status_code == 202
    pid = r.get_json()["proposal"]["id"]
    assert any(c["severity"] == "error" for c in r.get_json()["proposal"]["checks"])
    auth.logout()
    auth.login("rev2_de")
    r = auth.api("POST", f"{BASE}/proposals/{pid}/accept", {"version": seg["version"]})
    assert r.status_code in (400, 422), r.get_json()
    # Nothing changed: the approved text and its state are intact, the proposal still open.
    assert catalog_text(web_project, seg["source"]) == text
    listed = {s["id"]: s for s in segments(auth)}
    assert listed[seg["id"]]["state"] == "approved" and listed[seg["id"]]["version"] == seg["version"]
    assert listed[seg["id"]]["proposals"] == 1


def test_reviewer_rejects_a_proposal_with_a_reason(auth, web_project):
    seg = approved_segment(auth)
    auth.login("tr_de")
    pid = auth.api(
        "PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Schlecht", "version": seg["version"]}
    ).get_json()["proposal"]["id"]
    auth.logout()
    auth.login("rev2_de")
    r = auth.api("POST", f"{BASE}/proposals/{pid}/reject", {"reason": "Abschiebung is the usual term"})
    assert r.status_code == 200
    assert r.get_json()["proposal"]["status"] == "rejected"
    assert r.get_json()["proposal"]["reason"] == "Abschiebung is the usual term"
    assert catalog_text(web_project, seg["source"]) == "Stoppt die Abschiebung"
    assert {s["id"]: s for s in segments(auth)}[seg["id"]]["proposals"] == 0
    assert auth.api("POST", f"{BASE}/proposals/99999/reject", {}).status_code == 404
    assert auth.api("POST", f"/api/releases/appeal/fr/proposals/{pid}/reject", {}).status_code in (403, 404)


def test_reviewers_and_coordinators_change_approved_text_directly(auth, web_project):
    seg = approved_segment(auth)
    auth.login("rev2_de")
    r = auth.api(
        "PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Stoppt die Ausweisung", "version": seg["version"]}
    )
    assert r.status_code == 200 and r.get_json()["state"] == "translated"
    assert catalog_text(web_project, seg["source"]) == "Stoppt die Ausweisung"


def test_editor_page_shows_open_proposal_count(auth, client):
    seg = approved_segment(auth)
    auth.login("tr_de")
    auth.api("PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Neu", "version": seg["version"]})
    page = client.get("/releases/appeal/de").get_data(as_text=True)
    assert 'data-proposals="1"' in page and "1 proposal waiting" in page
