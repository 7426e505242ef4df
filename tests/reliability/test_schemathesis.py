"""schemathesis against the OpenAPI description, in-process on the Flask app: no 5xx, answers as described.

Every operation is tried with data that fits the description and with data that does not, as a coordinator
and as a translator (bearer tokens), on SQLite and on PostgreSQL where it answers. Path parameters are drawn
freely and also fixed to a real release, language and segment, so that the handlers are reached past the 404s.
Bounded and derandomized, so that CI is quick and reproducible.
"""

from __future__ import annotations

import time

import pytest

from tests.web.conftest import app, database_url, web_project  # noqa: F401 (fixtures)

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 15  # per operation, mode, user and way of drawing path parameters
CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _token(flask_app, name: str) -> str:
    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(flask_app)() as session:
        token = accounts.create_token(session, session.query(User).filter_by(name=name).one())
        session.commit()
    return token


def _real_parameters(flask_app) -> dict[str, object]:
    """Make and return path parameters that exist: the release, a language, a segment, an open proposal, a job."""
    client = flask_app.test_client()
    tr, rev, coord = ({"Authorization": f"Bearer {_token(flask_app, name)}"} for name in ("tr_de", "rev_de", "coord"))
    segment = client.get("/api/releases/appeal/de/segments", headers=tr).get_json()[0]
    path = f"/api/releases/appeal/de/segments/{segment['id']}"
    saved = client.put(path, json={"translation": "Stoppt", "version": segment["version"]}, headers=tr).get_json()
    approved = client.post(path + "/approve", json={"version": saved["version"]}, headers=rev).get_json()
    proposed = client.put(path, json={"translation": "Halt", "version": approved["version"]}, headers=tr)
    assert proposed.status_code == 202, proposed.get_json()
    job = client.post("/api/releases/appeal/pretranslate", json={"languages": ["fr"]}, headers=coord)
    assert job.status_code == 202, job.get_json()
    claim = client.post(
        "/api/releases/appeal/de/claims", json={"first": segment["id"], "last": segment["id"]}, headers=tr
    )
    assert claim.status_code == 201, claim.get_json()
    return {
        "release": "appeal",
        "language": "de",
        "segment_id": segment["id"],
        "proposal_id": proposed.get_json()["proposal"]["id"],
        "job_id": job.get_json()["job"],
        "claim_id": claim.get_json()["id"],
    }


def _run(case_strategy, headers: dict[str, str], checks: list) -> int:
    """Run one bounded, derandomized series of cases; return how many were sent."""
    sent = []

    @given(case=case_strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )
    def series(case):
        response = case.call(headers=headers)
        sent.append(response.status_code)
        case.validate_response(response, checks=checks, headers=headers)

    series()
    return len(sent)


@pytest.mark.parametrize("user", ["coord", "tr_de"])
def test_no_server_error_and_answers_as_described(app, user):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    headers = {
        "Authorization": f"Bearer {_token(app, user)}",
        "Accept-Encoding": "identity",
    }  # the WSGI client does not unzip
    real = _real_parameters(app)
    started, sent, operations = time.monotonic(), 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = {p.name for p in operation.path_parameters}
        fixed = {name: real[name] for name in names}
        for mode, checks in (
            (GenerationMode.POSITIVE, CONFORMANCE),
            (GenerationMode.NEGATIVE, CONFORMANCE + [negative_data_rejection]),
        ):
            sent += _run(operation.as_strategy(generation_mode=mode), headers, checks)
            if fixed:
                sent += _run(operation.as_strategy(generation_mode=mode, path_parameters=fixed), headers, checks)
    assert operations >= 14 and sent >= operations * MAX_EXAMPLES  # the description itself may be left out
    print(f"{user}: {sent} requests on {operations} operations in {time.monotonic() - started:.1f} s")


def test_the_description_is_valid_openapi_3_1():
    """The document validates against the OpenAPI 3.1 schema (as schemathesis ships it), and a broken one not."""
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    from translate_app.web.openapi import openapi_document

    document = openapi_document()
    assert [str(error) for error in OPENAPI_31_VALIDATOR.iter_errors(document)] == []
    document["paths"]["/api/checks"]["post"]["responses"]["200"]["content"] = "text"
    assert list(OPENAPI_31_VALIDATOR.iter_errors(document))
