"""Bad input to the JSON API answers 400/404 with {"error"}, never 500; CSRF binds every session request;
the OpenAPI description lists exactly the API's routes."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import app, auth, client, database_url, web_project  # noqa: F401 (fixtures)


def _token(app, name: str) -> str:  # noqa: F811
    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        user = session.query(User).filter_by(name=name).one()
        token = accounts.create_token(session, user)
        session.commit()
    return token


def _bearer(app, name: str) -> dict[str, str]:  # noqa: F811
    return {"Authorization": f"Bearer {_token(app, name)}"}


def _is_error(response, *codes: int) -> None:
    assert response.status_code in codes, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], body


# -- the description and the routes -------------------------------------------------------------------------


def api_routes(flask_app) -> set[tuple[str, str]]:
    """Return (OpenAPI path, method) of every route of the API blueprint."""
    found = set()
    for rule in flask_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def described_routes(document: dict) -> set[tuple[str, str]]:
    """Return (path, method) of every operation of an OpenAPI document."""
    methods = {"get", "put", "post", "delete", "patch"}
    return {(path, method) for path, item in document["paths"].items() for method in item if method in methods}


def test_the_description_lists_exactly_the_api_routes(app):  # noqa: F811
    from translate_app.web.openapi import openapi_document

    routes, described = api_routes(app), described_routes(openapi_document())
    assert len(routes) >= 15
    assert routes - described == set(), "routes missing from translate_app/web/openapi.py"
    assert described - routes == set(), "operations described that the API does not have"


def test_the_comparison_notices_a_missing_or_extra_route(app):  # noqa: F811
    """The check above is not vacuous: one route more or less on either side is seen."""
    from translate_app.web.openapi import openapi_document

    document = openapi_document()
    del document["paths"]["/api/jobs/{job_id}"]
    assert api_routes(app) - described_routes(document) == {("/api/jobs/{job_id}", "get")}
    document["paths"]["/api/nothing"] = {"get": {}}
    assert described_routes(document) - api_routes(app) == {("/api/nothing", "get")}


def test_the_description_is_served_without_login_and_every_error_is_the_error_schema(client):  # noqa: F811
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    for item in document["paths"].values():
        for op in item.values():
            for code, answer in op["responses"].items():
                if int(code) >= 400:
                    assert answer == {"$ref": f"#/components/responses/E{code}"}
    assert client.get("/api/releases").status_code == 401  # the rest still needs a login


# -- bad input -------------------------------------------------------------------------------------------------


def test_deeply_nested_json_is_refused_with_400(app, client):  # noqa: F811
    headers = dict(_bearer(app, "tr_de"), **{"Content-Type": "application/json"})
    body = "[" * 100_000 + "]" * 100_000
    for method, path in (("PUT", "/api/releases/appeal/de/segments/x"), ("POST", "/api/checks")):
        _is_error(client.open(path, method=method, data=body, headers=headers), 400)
    nested = '{"translation": "x", "version": ' + "[" * 100_000 + "]" * 100_000 + "}"
    _is_error(client.put("/api/releases/appeal/de/segments/x", data=nested, headers=headers), 400)


def test_huge_ids_answer_404(app, client):  # noqa: F811
    coord = _bearer(app, "coord")
    _is_error(client.get("/api/jobs/99999999999999999999", headers=coord), 404)
    _is_error(client.get(f"/api/jobs/{2**31}", headers=coord), 404)
    _is_error(client.get(f"/api/jobs/{2**31 - 1}", headers=coord), 404)  # the largest possible id: none yet
    for action in ("accept", "reject"):
        _is_error(
            client.post(f"/api/releases/appeal/de/proposals/99999999999999999999/{action}", json={}, headers=coord), 404
        )


@pytest.mark.parametrize(
    "body",
    [
        {"languages": 5},
        {"languages": [5]},
        {"languages": {"de": 1}},
        {"languages": [["de"]]},
        {"languages": ["de", None]},
        {"languages": ["de"], "provider": 5},
        {"provider": ["memory"]},
        {"provider": {"x": 1}},
    ],
)
def test_pretranslate_refuses_non_string_languages_and_provider(app, client, body):  # noqa: F811
    _is_error(client.post("/api/releases/appeal/pretranslate", json=body, headers=_bearer(app, "coord")), 400)


def test_non_string_fields_are_refused_with_400(app, client):  # noqa: F811
    from translate_app.project import Project

    rev = _bearer(app, "rev_de")
    segment = Project(app.config["SETTINGS"].root).load_catalog("appeal", "de")
    from translate_app.core.segments import entry_id

    sid = entry_id(next(iter(segment)))
    base = f"/api/releases/appeal/de/segments/{sid}"
    cases = [
        ("PUT", base, {"translation": 5}),
        ("PUT", base, {"translation": ["x"]}),
        ("PUT", base, {}),
        ("PUT", base, {"translation": "x", "version": 5}),
        ("PUT", base, {"translation": "x", "version": ["v"]}),
        ("POST", base + "/approve", {"version": {"v": 1}}),
        ("POST", base + "/comments", {"text": 5}),
        ("POST", base + "/comments", {}),
        ("POST", base + "/comments", {"text": ["a"]}),
        ("POST", "/api/checks", {"source": "a", "translation": "b", "language": ["de"]}),
        ("POST", "/api/checks", {"source": "a", "translation": "b", "language": 7}),
        ("POST", "/api/checks", {"source": 1, "translation": "b"}),
        ("POST", base, {"translation": "x"}),
    ]
    for method, path, body in cases:
        response = client.open(path, method=method, json=body, headers=rev)
        if method == "POST" and path == base:
            assert response.status_code == 405
            continue
        _is_error(response, 400)
    for body in ({"version": 3}, {"version": [1]}):
        _is_error(client.post("/api/releases/appeal/de/proposals/1/accept", json=body, headers=rev), 400, 404)
    for body in ({"reason": 3}, {"reason": None}):
        _is_error(client.post("/api/releases/appeal/de/proposals/1/reject", json=body, headers=rev), 400, 404)
    # Nothing was written: the catalog still has no translation for the segment.
    after = Project(app.config["SETTINGS"].root).load_catalog("appeal", "de")
    assert next(iter(after)).msgstr == ""


@pytest.mark.parametrize("bad", ["a\ud800b", "\udfff", "a\x00b"])
def test_text_that_is_not_valid_unicode_or_holds_nul_is_refused_with_400(app, client, bad):  # noqa: F811
    """A lone surrogate (a broken paste) or a NUL in a comment or reason is refused by name, not a 500."""
    rev = _bearer(app, "rev_de")
    segments = client.get("/api/releases/appeal/de/segments", headers=rev).get_json()
    base = f"/api/releases/appeal/de/segments/{segments[0]['id']}"
    _is_error(client.post(base + "/comments", json={"text": bad}, headers=rev), 400)
    _is_error(client.post("/api/releases/appeal/de/proposals/1/reject", json={"reason": bad}, headers=rev), 400)
    assert client.get(base + "/history", headers=rev).get_json()["comments"] == []
    if "\x00" not in bad:
        response = client.put(base, json={"translation": bad, "version": segments[0]["version"]}, headers=rev)
        _is_error(response, 400)
        assert "surrogate" in response.get_json()["error"]
        _is_error(client.post("/api/checks", json={"source": "a", "translation": bad}, headers=rev), 400)
    assert client.get("/api/releases/appeal/de/segments", headers=rev).get_json()[0]["translation"] == ""


def test_the_refusals_do_not_hide_the_working_calls(app, client):  # noqa: F811
    """The same calls with good input still work: the validation refuses only what it should."""
    rev = _bearer(app, "rev_de")
    segments = client.get("/api/releases/appeal/de/segments", headers=rev).get_json()
    first = segments[0]
    base = f"/api/releases/appeal/de/segments/{first['id']}"
    saved = client.put(base, json={"translation": "Stoppt", "version": first["version"]}, headers=rev)
    assert saved.status_code == 200, saved.get_json()
    assert client.post(base + "/comments", json={"text": "ok"}, headers=rev).status_code == 201
    approved = client.post(
        base + "/approve", json={"version": saved.get_json()["version"]}, headers=_bearer(app, "rev2_de")
    )  # not one's own translation
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved", approved.get_json()
    checks = client.post("/api/checks", json={"source": "a", "translation": "b", "language": "de"}, headers=rev)
    assert checks.status_code == 200
    job = client.post(
        "/api/releases/appeal/pretranslate",
        json={"languages": "fr", "provider": "memory"},
        headers=_bearer(app, "coord"),
    )
    assert job.status_code == 202, job.get_json()


# -- CSRF ------------------------------------------------------------------------------------------------------


def test_a_made_up_bearer_header_does_not_skip_csrf_for_a_session(app, client, auth):  # noqa: F811
    auth.login("rev_de")
    segments = client.get("/api/releases/appeal/de/segments").get_json()
    path = f"/api/releases/appeal/de/segments/{segments[0]['id']}"
    response = client.put(path, json={"translation": "forged"}, headers={"Authorization": "Bearer x"})
    _is_error(response, 400)
    assert "CSRF" in response.get_json()["error"]
    # Even a real token of someone else does not turn the session request into a token request.
    response = client.put(path, json={"translation": "forged"}, headers=_bearer(app, "coord"))
    _is_error(response, 400)
    assert client.get("/api/releases/appeal/de/segments").get_json()[0]["translation"] == ""
    # With the CSRF token the session request works.
    response = auth.api("PUT", path, json={"translation": "echt", "version": segments[0]["version"]})
    assert response.status_code == 200 and response.get_json()["translation"] == "echt"


def test_a_valid_token_alone_needs_no_csrf(app):  # noqa: F811
    fresh = app.test_client()  # no session cookie at all
    headers = _bearer(app, "rev_de")
    segments = fresh.get("/api/releases/appeal/de/segments", headers=headers).get_json()
    response = fresh.put(
        f"/api/releases/appeal/de/segments/{segments[0]['id']}",
        json={"translation": "per Skript", "version": segments[0]["version"]},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    _is_error(
        fresh.put(
            f"/api/releases/appeal/de/segments/{segments[0]['id']}",
            json={"translation": "y"},
            headers={"Authorization": "Bearer not-a-token"},
        ),
        401,
    )


# -- the published HTML ------------------------------------------------------------------------------------------


def test_published_html_names_its_charset_once(app, client, auth):  # noqa: F811
    rev, rev2, coord = _bearer(app, "rev_de"), _bearer(app, "rev2_de"), _bearer(app, "coord")
    for segment in client.get("/api/releases/appeal/de/segments", headers=rev).get_json():
        base = f"/api/releases/appeal/de/segments/{segment['id']}"
        saved = client.put(
            base, json={"translation": "T " + segment["source"], "version": segment["version"]}, headers=rev
        )
        assert saved.status_code == 200, saved.get_json()
        approve = client.post(base + "/approve", json={"version": saved.get_json()["version"]}, headers=rev2)
        assert approve.status_code == 200, approve.get_json()
    assert client.post("/api/releases/appeal/de/publish", headers=coord).status_code == 200
    auth.login("coord")
    for fmt, mimetype in (("html", "text/html"), ("md", "text/markdown")):
        response = client.get(f"/coordinate/releases/appeal/de/published.{fmt}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{mimetype}; charset=utf-8"


def test_the_readme_table_lists_exactly_the_described_operations():
    """README.md's API table and the OpenAPI description name the same operations."""
    from pathlib import Path

    from translate_app.web.openapi import openapi_document

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON API", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `(GET|PUT|POST|DELETE|PATCH) (/api/\S+?)`", section, re.MULTILINE))
    names = {
        "release": "NAME",
        "language": "LANG",
        "segment_id": "ID",
        "proposal_id": "PID",
        "job_id": "ID",
        "claim_id": "CID",
    }
    described = {
        (method.upper(), re.sub(r"\{(\w+)\}", lambda m: names[m.group(1)], path))
        for path, method in described_routes(openapi_document())
    }
    assert listed == described
