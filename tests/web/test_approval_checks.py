"""Approving through the API while checks fail; text refused at the door; POST /api/checks bounded."""

from __future__ import annotations

import time

import pytest

from translate_app import storage
from translate_app.core.catalog import load
from translate_app.web.ratelimit import CHECKS as CHECKS_LIMIT

RULING = "Respect the ruling of 2023."
REASON = "The ruling was published in 2022; the source will be corrected tomorrow."


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    CHECKS_LIMIT.reset()
    yield
    CHECKS_LIMIT.reset()


def segment(auth, source: str, lang: str = "de") -> dict:
    r = auth.api("GET", f"/api/releases/appeal/{lang}/segments")
    assert r.status_code == 200
    [found] = [s for s in r.get_json() if s["source"] == source]
    return found


def translate(auth, source: str, text: str) -> dict:
    seg = segment(auth, source)
    r = auth.api(
        "PUT", f"/api/releases/appeal/de/segments/{seg['id']}", {"translation": text, "version": seg["version"]}
    )
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def approve(auth, seg: dict, **extra):
    return auth.api(
        "POST", f"/api/releases/appeal/de/segments/{seg['id']}/approve", {"version": seg["version"], **extra}
    )


def test_a_wrong_figure_is_refused_with_422_and_the_blocking_checks(auth, web_project) -> None:
    auth.login("tr_de")
    saved = translate(auth, RULING, "Respektiert das Urteil von 2022.")
    assert {c["id"]: c["blocking"] for c in saved["checks"]} == {"numbers": True}
    auth.logout()
    auth.login("rev_de")
    r = approve(auth, saved)
    assert r.status_code == 422
    body = r.get_json()
    assert "override" in body["error"]
    assert [(c["id"], c["blocking"]) for c in body["blocking"]] == [("numbers", True)]
    assert segment(auth, RULING)["state"] == "translated"

    # A reason too short to say anything is refused, and changes nothing.
    r = approve(auth, saved, override="ok")
    assert r.status_code == 400 and "at least 10 characters" in r.get_json()["error"]
    assert segment(auth, RULING)["state"] == "translated"


def test_an_override_approves_and_is_recorded_in_catalog_and_history(auth, web_project) -> None:
    auth.login("tr_de")
    saved = translate(auth, RULING, "Respektiert das Urteil von 2022.")
    auth.logout()
    auth.login("rev_de")
    r = approve(auth, saved, override=REASON)
    assert r.status_code == 200, r.get_json()
    after = r.get_json()
    assert after["state"] == "approved"
    assert after["override"] == {"checks": ["numbers"], "by": "rev_de", "reason": REASON}
    assert segment(auth, RULING)["override"] == after["override"]
    entry = load(web_project / "locales/de/LC_MESSAGES/appeal.po").find(RULING)
    assert "override: checks=numbers by=rev_de" in entry.tcomment
    assert "override-reason: The ruling was published in 2022;" in entry.tcomment
    r = auth.api("GET", f"/api/releases/appeal/de/segments/{after['id']}/history")
    [change] = [c for c in r.get_json()["changes"] if c["action"] == "approve"]
    assert change["note"] == f"override of numbers: {REASON}"


def test_an_error_that_is_not_blocking_cannot_be_overridden(auth) -> None:
    auth.login("tr_de")
    saved = translate(auth, RULING, "<b>Respektiert</b> das Urteil von 2023.")
    auth.logout()
    auth.login("rev_de")
    r = approve(auth, saved, override=REASON)
    assert r.status_code == 422
    assert [(c["id"], c["blocking"]) for c in r.get_json()["blocking"]] == [("html", False)]
    assert "cannot be overridden" in r.get_json()["error"]


def test_a_right_translation_is_approved_without_an_override(auth) -> None:
    auth.login("tr_de")
    saved = translate(auth, RULING, "Respektiert das Urteil von 2023.")
    auth.logout()
    auth.login("rev_de")
    r = approve(auth, saved)
    assert r.status_code == 200 and r.get_json()["override"] is None


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "PUT",
            "/api/releases/appeal/de/segments/{id}",
            {"translation": "Respekt \ud800 2023.", "version": "{version}"},
        ),
        ("POST", "/api/releases/appeal/de/segments/{id}/comments", {"text": "Ein Kommentar \udc00"}),
        ("POST", "/api/checks", {"source": RULING, "translation": "Respekt \ud800 2023."}),
        (
            "POST",
            "/api/releases/appeal/de/segments/{id}/approve",
            {"version": "{version}", "override": "weil \ud83d ja"},
        ),
    ],
)
def test_a_lone_surrogate_is_refused_at_the_door(auth, web_project, method: str, path: str, body: dict) -> None:
    auth.login("rev_de")
    seg = segment(auth, RULING)
    catalog = web_project / "locales/de/LC_MESSAGES/appeal.po"
    before = catalog.read_bytes()
    body = {k: v.format(**seg) if v in ("{version}",) else v for k, v in body.items()}
    r = auth.api(method, path.format(**seg), body)
    assert r.status_code == 400
    assert "lone surrogate" in r.get_json()["error"]
    assert catalog.read_bytes() == before
    assert segment(auth, RULING)["version"] == seg["version"]
    # The same person's next honest save goes through.
    r = auth.api(
        "PUT",
        f"/api/releases/appeal/de/segments/{seg['id']}",
        {"translation": "Respektiert das Urteil von 2023.", "version": seg["version"]},
    )
    assert r.status_code == 200


def test_checks_refuse_texts_over_the_translation_limit(auth) -> None:
    from translate_app.core.segments import MAX_TRANSLATION_CHARS

    auth.login("tr_de")
    for field in ("source", "translation", "language", "release"):
        body = {"source": RULING, "translation": "Respekt 2023.", "language": "de", "release": "appeal"}
        body[field] = "x" * (MAX_TRANSLATION_CHARS + 1)
        r = auth.api("POST", "/api/checks", body)
        assert r.status_code == 400, field
        assert f"'{field}' is longer than {MAX_TRANSLATION_CHARS}" in r.get_json()["error"]
    r = auth.api("POST", "/api/checks", {"source": RULING, "translation": "x" * MAX_TRANSLATION_CHARS})
    assert r.status_code == 200


def test_checks_answer_adversarial_drafts_at_the_limit_fast(auth) -> None:
    auth.login("tr_de")
    token = auth.csrf("/")
    for text in ("<a " * 6666, "[" * 20000, "`" * 20000, "[^" * 10000, "1 " * 10000):
        started = time.perf_counter()
        r = auth.client.post(
            "/api/checks", json={"source": RULING, "translation": text}, headers={"X-CSRFToken": token}
        )
        assert r.status_code == 200
        assert time.perf_counter() - started < 2.0, text[:10]


def test_checks_are_rate_limited_per_person_but_not_for_typing(auth, client, app) -> None:
    auth.login("tr_de")
    token = auth.csrf("/")

    def ask():
        return client.post(
            "/api/checks", json={"source": RULING, "translation": "Respekt 2023."}, headers={"X-CSRFToken": token}
        )

    # Typing: the editor asks after each 250 ms pause; four a second for a while is fine.
    for _ in range(3):
        assert [ask().status_code for _ in range(4)] == [200] * 4
        time.sleep(1.05)
    # A burst beyond ten in a second is refused with 429 and a message.
    codes = [ask().status_code for _ in range(30)]
    assert codes.count(429) >= 15 and codes[:5] == [200] * 5
    r = ask()
    assert r.status_code == 429 and "too many checks" in r.get_json()["error"]
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    # Another person is not affected.
    other = app.test_client()
    from tests.web.conftest import Auth

    other_auth = Auth(other)
    other_auth.login("tr_fr")
    r = other_auth.api("POST", "/api/checks", {"source": RULING, "translation": "Respect 2023."})
    assert r.status_code == 200


def test_a_language_approved_elsewhere_with_a_wrong_figure_is_not_published(auth, web_project) -> None:
    from translate_app.core.states import set_approved, set_translated

    with storage.edit(web_project / "locales/de/LC_MESSAGES/appeal.po") as po:
        for entry in po:
            text = "Respektiert das Urteil von 2022." if entry.msgid == RULING else entry.msgid
            set_translated(entry, text, by="alice")
            set_approved(entry, by="bob")  # by hand, or by an older version of the service
    auth.login("coord")
    r = auth.api("POST", "/api/releases/appeal/de/publish")
    assert r.status_code == 409
    assert "blocking check without an override" in r.get_json()["error"] and "2023" in r.get_json()["error"]
    r = approve(auth, segment(auth, RULING), override=REASON)
    assert r.status_code == 200, r.get_json()
    r = auth.api("POST", "/api/releases/appeal/de/publish")
    assert r.status_code == 200, r.get_json()
