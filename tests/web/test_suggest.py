"""Suggestions with votes, bulk review, claims, the glossary in the browser and offline catalogs, through the API."""

from __future__ import annotations

import io

import polib
import pytest
from sqlalchemy import select

from translate_app.core.catalog import load
from translate_app.core.glossary import load_glossary
from translate_app.models import AuditLog

BASE = "/api/releases/appeal/de"
CATALOG = "locales/de/LC_MESSAGES/appeal.po"


def segments(auth):
    r = auth.api("GET", f"{BASE}/segments")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def by_source(auth, start):
    return next(s for s in segments(auth) if s["source"].startswith(start))


def save(auth, segment, text):
    r = auth.api("PUT", f"{BASE}/segments/{segment['id']}", {"translation": text, "version": segment["version"]})
    assert r.status_code in (200, 202), r.get_json()
    return r.get_json()


def audit_rows(app, action):
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


# -- suggestions --


def test_suggest_vote_accept_and_reject_with_a_reason(app, auth, web_project):
    auth.login("tr_de")
    first = segments(auth)[0]
    r = auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "Stoppt die Abschiebung"})
    assert r.status_code == 201, r.get_json()
    mine = r.get_json()["proposal"]
    assert mine["status"] == "open" and mine["votes"] == 0 and mine["mine"] is True
    assert r.get_json()["segment"]["state"] == "untranslated" and r.get_json()["segment"]["proposals"] == 1
    # The catalog is unchanged until a reviewer accepts.
    assert load(web_project / CATALOG).find(first["source"]).msgstr == ""
    # One's own suggestion gets no vote.
    assert auth.api("POST", f"{BASE}/proposals/{mine['id']}/vote", {}).status_code == 403
    auth.logout()

    auth.login("rev2_de")  # a second suggestion on the same segment, and a vote for the first
    other = auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "Stoppt die Ausweisung"})
    assert other.status_code == 201
    r = auth.api("POST", f"{BASE}/proposals/{mine['id']}/vote", {})
    assert r.get_json() == {"id": mine["id"], "votes": 1, "voted": True}
    r = auth.api("POST", f"{BASE}/proposals/{mine['id']}/vote", {})  # one vote per person
    assert r.get_json()["votes"] == 1
    listed = auth.api("GET", f"{BASE}/segments/{first['id']}/proposals").get_json()
    assert {p["text"]: p["votes"] for p in listed} == {"Stoppt die Abschiebung": 1, "Stoppt die Ausweisung": 0}
    assert [p["voted"] for p in listed if p["text"] == "Stoppt die Abschiebung"] == [True]
    auth.logout()

    auth.login("rev_de")
    r = auth.api("POST", f"{BASE}/proposals/{mine['id']}/accept", {"version": first["version"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["segment"]["state"] == "approved"
    assert r.get_json()["segment"]["translated_by"] == "tr_de"
    entry = load(web_project / CATALOG).find(first["source"])
    assert entry.msgstr == "Stoppt die Abschiebung"
    r = auth.api(
        "POST",
        f"{BASE}/proposals/{other.get_json()['proposal']['id']}/reject",
        {"reason": "Abschiebung is the legal term"},
    )
    assert r.status_code == 200 and r.get_json()["proposal"]["status"] == "rejected"
    history = auth.api("GET", f"{BASE}/segments/{first['id']}/history").get_json()
    assert any(
        c["action"] == "reject proposal" and c["note"] == "Abschiebung is the legal term" for c in history["changes"]
    )
    # A decided suggestion takes no more votes.
    assert auth.api("POST", f"{BASE}/proposals/{mine['id']}/vote", {}).status_code == 409


def test_suggestions_are_refused_without_the_language_the_csrf_token_or_a_new_text(auth, client):
    auth.login("tr_de")
    first = segments(auth)[0]
    save(auth, first, "Stoppt die Abschiebung")
    r = auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "Stoppt die Abschiebung"})
    assert r.status_code == 400 and "already" in r.get_json()["error"]
    assert auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "  "}).status_code == 400
    r = client.post(f"{BASE}/segments/{first['id']}/proposals", json={"text": "Stoppt"})
    assert r.status_code == 400 and "CSRF" in r.get_json()["error"]
    auth.logout()
    auth.login("tr_fr")
    r = auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "Arrêtez"})
    assert r.status_code == 403


# -- bulk review --


def test_bulk_approve_lists_a_failing_check_and_skips_it_unless_overridden(app, auth, web_project):
    auth.login("tr_de")
    save(auth, by_source(auth, "Protect"), "Schützt Kriegsdienstverweigerer.")
    save(auth, by_source(auth, "Respect"), "Respektiert das Urteil von 2024.")  # the year is wrong: blocking
    save(auth, by_source(auth, "Signed"), "Unterzeichnet am 30. März 2026.")
    assert auth.api("POST", f"{BASE}/bulk/plan", {"action": "approve"}).status_code == 403
    auth.logout()

    auth.login("rev_de")
    plan = auth.api("POST", f"{BASE}/bulk/plan", {"action": "approve", "state": "translated"})
    assert plan.status_code == 200, plan.get_json()
    plan = plan.get_json()
    assert len(plan["items"]) == 3 and plan["ready"] == 2 and plan["blocked"] == 1
    blocked = next(i for i in plan["items"] if i["blocking"])
    assert blocked["text"] == "Respektiert das Urteil von 2024."
    # The search filter narrows the plan as it narrows the editor.
    narrow = auth.api("POST", f"{BASE}/bulk/plan", {"action": "approve", "state": "translated", "q": "urteil"})
    assert [i["id"] for i in narrow.get_json()["items"]] == [blocked["id"]]

    items = [{"id": i["id"], "version": i["version"]} for i in plan["items"]]
    r = auth.api("POST", f"{BASE}/bulk", {"action": "approve", "items": items})
    assert r.status_code == 200, r.get_json()
    outcomes = {x["id"]: x["outcome"] for x in r.get_json()["results"]}
    assert r.get_json()["done"] == 2 and outcomes[blocked["id"]] == "refused"
    po = load(web_project / CATALOG)
    assert po.find("Respect the ruling of 2023.").msgstr == "Respektiert das Urteil von 2024."
    assert "fuzzy" not in po.find("Protect conscientious objectors.").flags
    # Overridden one by one, with a reason.
    r = auth.api(
        "POST",
        f"{BASE}/bulk",
        {
            "action": "approve",
            "items": [
                {
                    "id": blocked["id"],
                    "version": blocked["version"],
                    "override": "the court ruled in 2024, source is wrong",
                }
            ],
        },
    )
    assert r.get_json()["results"][0]["outcome"] == "approved"
    states = {s["source"]: s["state"] for s in segments(auth)}
    assert states["Respect the ruling of 2023."] == states["Signed on March 30th 2026."] == "approved"
    rows = [row for row in audit_rows(app, "approve") if "bulk review" in row.note]
    assert len(rows) == 3 and any("override of" in row.note for row in rows)
    # A stale version is reported as a conflict, not approved.
    first = segments(auth)[0]
    r = auth.api("POST", f"{BASE}/bulk", {"action": "approve", "items": [{"id": first["id"], "version": "old"}]})
    assert r.get_json()["results"][0]["outcome"] == "conflict"


def test_bulk_accept_takes_the_best_voted_suggestion_of_each_segment(auth, web_project):
    auth.login("tr_de")
    first = segments(auth)[0]
    low = auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "Stoppt die Ausweisung"}).get_json()
    auth.logout()
    auth.login("rev2_de")
    high = auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "Stoppt die Abschiebung"})
    auth.logout()
    auth.login("tr_de")
    auth.api("POST", f"{BASE}/proposals/{high.get_json()['proposal']['id']}/vote", {})
    auth.logout()
    auth.login("rev_de")
    plan = auth.api("POST", f"{BASE}/bulk/plan", {"action": "accept", "state": "proposals"}).get_json()
    assert [(i["text"], i["proposal"]) for i in plan["items"]] == [
        ("Stoppt die Abschiebung", high.get_json()["proposal"]["id"])
    ]
    r = auth.api(
        "POST",
        f"{BASE}/bulk",
        {
            "action": "accept",
            "items": [{"id": i["id"], "version": i["version"], "proposal": i["proposal"]} for i in plan["items"]],
        },
    )
    assert r.get_json()["results"][0]["outcome"] == "accepted"
    assert load(web_project / CATALOG).find(first["source"]).msgstr == "Stoppt die Abschiebung"
    listed = auth.api("GET", f"{BASE}/segments/{first['id']}/proposals").get_json()
    assert {p["id"]: p["status"] for p in listed}[high.get_json()["proposal"]["id"]] == "accepted"
    assert {p["id"]: p["status"] for p in listed}[low["proposal"]["id"]] == "open"


# -- claims --


def test_a_claim_is_seen_by_others_warns_their_saves_expires_and_is_released_by_a_coordinator(auth):
    auth.login("tr_de")
    claims = auth.api("GET", f"{BASE}/claims").get_json()
    heading = claims["sections"][0]
    assert heading["label"] == "Stop the deportation" and heading["size"] >= 4
    r = auth.api("POST", f"{BASE}/claims", {"first": heading["first"]})
    assert r.status_code == 201, r.get_json()
    claim = r.get_json()
    assert claim["by"] == "tr_de" and claim["mine"] and len(claim["segments"]) == heading["size"]
    auth.logout()

    auth.login("rev_de")
    seen = auth.api("GET", f"{BASE}/claims").get_json()["claims"]
    assert [(c["by"], c["mine"], c["until"]) for c in seen] == [("tr_de", False, claim["until"])]
    # Saving a claimed segment goes through, with a warning.
    target = next(s for s in segments(auth) if s["id"] == claim["segments"][1])
    saved = save(auth, target, "Die Unterzeichnenden")
    assert saved["translation"] == "Die Unterzeichnenden" and saved["claim"]["by"] == "tr_de"
    # Claiming the same segments is refused; renewing another's claim too.
    r = auth.api("POST", f"{BASE}/claims", {"first": claim["segments"][1], "last": claim["segments"][2]})
    assert r.status_code == 400 and "claimed by tr_de" in r.get_json()["error"]
    assert auth.api("POST", f"{BASE}/claims/{claim['id']}/renew", {}).status_code == 403
    assert auth.api("POST", f"{BASE}/claims/{claim['id']}/release", {}).status_code == 403
    assert auth.api("GET", "/api/releases/appeal/claims").status_code == 403
    auth.logout()

    auth.login("coord")
    every = auth.api("GET", "/api/releases/appeal/claims").get_json()
    assert [c["id"] for c in every] == [claim["id"]]
    assert auth.api("POST", f"{BASE}/claims/{claim['id']}/release", {}).status_code == 200
    assert auth.api("GET", "/api/releases/appeal/claims").get_json() == []
    assert auth.api("POST", f"{BASE}/claims/{claim['id']}/release", {}).status_code == 404


def test_claims_expire_and_their_holder_renews_them(app):
    from datetime import timedelta

    from translate_app import claims
    from translate_app.models import User, utcnow
    from translate_app.web.extensions import Database

    with app.app_context(), Database.factory(app)() as session:
        proj = app.config["SETTINGS"].project()
        po = proj.load_catalog("appeal", "de")
        user = session.scalar(select(User).where(User.name == "tr_de"))
        ids = claims.live_ids(po)
        now = utcnow()
        row = claims.claim(
            session, user=user, release="appeal", language="de", po=po, first=ids[3], last=ids[1], now=now
        )
        assert row.ids == ids[1:4]  # a range given backwards is the same range
        assert claims.holder_of(session, "appeal", "de", ids[2], now=now + timedelta(hours=1.9)) is not None
        assert claims.holder_of(session, "appeal", "de", ids[2], now=now + timedelta(hours=2.1)) is None
        claims.renew(
            session, user=user, release="appeal", language="de", claim_id=row.id, hours=3, now=now + timedelta(hours=1)
        )
        assert claims.holder_of(session, "appeal", "de", ids[2], now=now + timedelta(hours=3.9)) is not None
        with pytest.raises(claims.ClaimError):
            claims.claim(
                session, user=user, release="appeal", language="de", po=po, first=ids[4], last=ids[4], hours=13
            )


# -- glossary --


def test_glossary_is_edited_by_reviewers_atomically_with_versions_and_audited(app, auth, web_project):
    path = web_project / "source" / "appeal.glossary.yml"
    auth.login("tr_de")
    empty = auth.api("GET", f"{BASE}/glossary").get_json()
    assert empty == {"version": "", "language": "de", "terms": []}
    r = auth.api("PUT", f"{BASE}/glossary", {"source": "Court", "target": "Gericht", "version": ""})
    assert r.status_code == 403
    auth.logout()

    auth.login("rev_de")
    r = auth.api("PUT", f"{BASE}/glossary", {"source": "Court", "target": "Gericht", "version": ""})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["terms"] == [{"source": "Court", "target": "Gericht", "kept": False, "other_languages": []}]
    assert load_glossary(path).terms[0].translations == {"de": "Gericht"}
    # A change on the old version is refused and loses nothing.
    r = auth.api("PUT", f"{BASE}/glossary", {"source": "Maksim Kuzmin", "target": None, "version": ""})
    assert r.status_code == 409
    r = auth.api("PUT", f"{BASE}/glossary", {"source": "Maksim Kuzmin", "target": None, "version": body["version"]})
    assert [t["source"] for t in r.get_json()["terms"]] == ["Court", "Maksim Kuzmin"]
    assert r.get_json()["terms"][1]["kept"] is True
    # The check of the release uses the new term at once.
    court = by_source(auth, "The undersigned")
    saved = save(auth, court, "Die Unterzeichnenden rufen das Tribunal auf, Maksim Kuzmin zu schützen.")
    assert any(c["id"] == "glossary" and "Gericht" in c["message"] for c in saved["checks"])
    version = r.get_json()["version"]
    auth.logout()

    auth.login("coord")  # French uses the term too: the German reviewer may no longer delete it
    r = auth.api("PUT", "/api/releases/appeal/fr/glossary", {"source": "Court", "target": "Cour", "version": version})
    version = r.get_json()["version"]
    auth.logout()
    auth.login("rev_de")
    r = auth.api("POST", f"{BASE}/glossary/delete", {"source": "Court", "version": version})
    assert r.status_code == 403
    r = auth.api("POST", f"{BASE}/glossary/delete", {"source": "Maksim Kuzmin", "version": version})
    assert r.status_code == 200 and [t["source"] for t in r.get_json()["terms"]] == ["Court"]
    assert load_glossary(path).terms[0].translations == {"de": "Gericht", "fr": "Cour"}
    assert len(audit_rows(app, "glossary")) == 4
    assert not list(path.parent.glob(".appeal.glossary.yml.*.tmp"))


# -- offline --


def _upload(auth, data: bytes, name="appeal.de.po"):
    token = auth.csrf("/")
    return auth.client.post(
        f"{BASE}/upload",
        data={"file": (io.BytesIO(data), name)},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )


def test_download_and_upload_merge_per_entry_with_conflicts_suggestions_and_fuzzy(auth, web_project):
    auth.login("rev_de")  # an approved segment, whose change must become a suggestion
    signed = by_source(auth, "Signed")
    approved = save(auth, signed, "Unterzeichnet am 30. März 2026.")
    auth.logout()
    auth.login("rev2_de")
    assert (
        auth.api("POST", f"{BASE}/segments/{signed['id']}/approve", {"version": approved["version"]}).status_code == 200
    )
    auth.logout()

    auth.login("tr_de")
    r = auth.client.get(f"{BASE}/catalog.po")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    po = polib.pofile(r.get_data(as_text=True))
    assert po.metadata["X-Translate-App-Download"].startswith("appeal/de ")
    texts = {
        "Stop the deportation": "Stoppt die Abschiebung",
        "Protect conscientious objectors.": "Schützt Verweigerer.",
        "Respect the ruling of 2023.": "Respektiert das Urteil von 2023.",
        "Signed on March 30th 2026.": "Unterschrieben am 30. März 2026.",
    }
    for entry in po:
        if entry.msgid in texts:
            entry.msgstr = texts[entry.msgid]
    po.find("Respect the ruling of 2023.").flags.append("fuzzy")
    upload = str(po).encode("utf-8")
    auth.logout()

    auth.login("rev_de")  # meanwhile on the server
    save(auth, by_source(auth, "Protect"), "Schützt Kriegsdienstverweigerer.")
    auth.logout()

    auth.login("tr_de")
    r = _upload(auth, upload)
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert report["saved"] == 1 and report["suggested"] == 1
    assert [(c["yours"], c["current"]["translation"]) for c in report["conflicts"]] == [
        ("Schützt Verweigerer.", "Schützt Kriegsdienstverweigerer.")
    ]
    assert [s["source"] for s in report["skipped"]] == ["Respect the ruling of 2023."]
    now = load(web_project / CATALOG)
    assert now.find("Stop the deportation").msgstr == "Stoppt die Abschiebung"
    assert now.find("Protect conscientious objectors.").msgstr == "Schützt Kriegsdienstverweigerer."
    assert now.find("Signed on March 30th 2026.").msgstr == "Unterzeichnet am 30. März 2026."
    assert now.find("Respect the ruling of 2023.").msgstr == ""
    listed = auth.api("GET", f"{BASE}/segments/{signed['id']}/proposals").get_json()
    assert [p["text"] for p in listed] == ["Unterschrieben am 30. März 2026."]
    # The same file again: the saved entry is unchanged now, the others are where they were.
    again = _upload(auth, upload).get_json()
    assert again["saved"] == 0 and again["unchanged"] >= 1


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b'msgid "a"\nmsgstr "b\n', "not a readable catalog"),
        (b'msgid ""\nmsgstr "Language: de\\n"\n\nmsgid "a"\nmsgstr "b"\n', "not downloaded from here"),
    ],
)
def test_a_malformed_or_foreign_upload_is_refused_whole_and_changes_nothing(auth, web_project, data, message):
    before = (web_project / CATALOG).read_bytes()
    auth.login("tr_de")
    r = _upload(auth, data)
    assert r.status_code == 400 and message in r.get_json()["error"]
    assert (web_project / CATALOG).read_bytes() == before


def test_an_upload_for_another_language_is_refused(auth, web_project):
    auth.login("coord")
    french = auth.client.get("/api/releases/appeal/fr/catalog.po").get_data()
    r = _upload(auth, french)
    assert r.status_code == 400 and "appeal/fr" in r.get_json()["error"]
    auth.logout()
    auth.login("tr_fr")
    assert auth.client.get(f"{BASE}/catalog.po").status_code == 403


def _approved_file(auth, path: str, texts: dict[str, str], approver: str) -> bytes:
    """Download a catalog and approve some texts in the file, as a reviewer's own tool would."""
    from translate_app.core.states import set_approved, set_translated

    po = polib.pofile(auth.client.get(path).get_data(as_text=True))
    for entry in po:
        if entry.msgid in texts:
            set_translated(entry, texts[entry.msgid], by=approver)
            set_approved(entry, by=approver)
    return str(po).encode("utf-8")


def test_an_upload_approves_only_for_a_reviewer_allowed_to_approve_exactly_that_text(auth, web_project):
    texts = {"Stop the deportation": "Stoppt die Abschiebung"}
    auth.login("tr_de")  # a translator's file that says approved: saved, not approved
    r = _upload(auth, _approved_file(auth, f"{BASE}/catalog.po", texts, "tr_de")).get_json()
    assert (r["saved"], r["approved"]) == (1, 0)
    auth.logout()
    auth.login("rev_de")  # a reviewer approving tr_de's text (now on the server) in the file: approved
    r = _upload(auth, _approved_file(auth, f"{BASE}/catalog.po", texts, "rev_de")).get_json()
    assert (r["saved"], r["approved"]) == (0, 1)
    entry = load(web_project / CATALOG).find("Stop the deportation")
    assert entry.msgstr == "Stoppt die Abschiebung" and "approved" in entry.tcomment
    # An approval whose hash does not match the text (edited after approving) approves nothing.
    po = polib.pofile(auth.client.get(f"{BASE}/catalog.po").get_data(as_text=True))
    from translate_app.core.states import set_approved, set_translated

    signed = po.find("Signed on March 30th 2026.")
    set_translated(signed, "Unterzeichnet am 30. März 2026.", by="rev_de")
    set_approved(signed, by="rev_de")
    signed.msgstr = "Unterzeichnet am 31. März 2026."
    r = _upload(auth, str(po).encode("utf-8")).get_json()
    assert (r["saved"], r["approved"]) == (1, 0)
    assert load(web_project / CATALOG).find("Signed on March 30th 2026.").msgstr == "Unterzeichnet am 31. März 2026."


# -- who may do what: the new routes for every kind of person --

ROLES = ["anonymous", "tr_fr", "tr_de", "rev_de", "coord"]
EXPECTED = {
    "suggest": [401, 403, 201, 201, 201],
    "bulk_plan": [401, 403, 403, 200, 200],
    "claim": [401, 403, 201, 201, 201],
    "claims_of_release": [401, 403, 403, 403, 200],
    "glossary_read": [401, 403, 200, 200, 200],
    "glossary_edit": [401, 403, 403, 200, 200],
    "download": [401, 403, 200, 200, 200],
}


def _new_route(name, auth, role, first):
    if role == "anonymous":  # no session: the CSRF token of the login page, and 401 all the same
        token = auth.csrf("/login")
        auth.api = lambda method, path, json=None: auth.client.open(
            path, method=method, json=json, headers={"X-CSRFToken": token}
        )
    if name == "suggest":
        return auth.api("POST", f"{BASE}/segments/{first['id']}/proposals", {"text": "Halt"})
    if name == "bulk_plan":
        return auth.api("POST", f"{BASE}/bulk/plan", {"action": "approve"})
    if name == "claim":
        return auth.api("POST", f"{BASE}/claims", {"first": first["id"], "last": first["id"]})
    if name == "claims_of_release":
        return auth.api("GET", "/api/releases/appeal/claims")
    if name == "glossary_read":
        return auth.api("GET", f"{BASE}/glossary")
    if name == "glossary_edit":
        current = auth.api("GET", f"{BASE}/glossary")
        version = current.get_json()["version"] if current.status_code == 200 else ""
        return auth.api("PUT", f"{BASE}/glossary", {"source": "Court", "target": "Gericht", "version": version})
    return auth.client.get(f"{BASE}/catalog.po")


@pytest.mark.parametrize("name", list(EXPECTED))
def test_who_may_use_the_new_routes(auth, web_project, name):
    from translate_app.core import segments as seg

    ids = [v.id for v in seg.views(load(web_project / CATALOG), "de")]
    got = []
    for role in ROLES:
        first = {"id": ids[ROLES.index(role)]}  # a segment each: a claim on one stops another's
        if role != "anonymous":
            auth.login(role)
        got.append(_new_route(name, auth, role, first).status_code)
        auth.__dict__.pop("api", None)
        if role != "anonymous":
            auth.logout()
    assert got == EXPECTED[name]
