"""GET requests never write to the database: every GET page and API call, as every kind of caller.

The SQL each request sends is recorded (SQLAlchemy's before_cursor_execute on
both of the app's engines) and no INSERT, UPDATE or DELETE may be among it.
Release rows in particular are made when a release is added (serve's prepare,
the new-release form, its settings form), never lazily by a page that shows one.

One write is allowed, and said here rather than hidden: a request with an API
token records when the token was last used (accounts.user_for_token), at most
once per TOKEN_USE_PRECISION, so that people can see and revoke tokens nobody
uses. It is one UPDATE of api_tokens.last_used_at, and a second GET within the
precision writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from translate_app import accounts
from translate_app.core import segments as seg
from translate_app.models import Job, Publication, Release, User
from translate_app.project import Project
from translate_app.web.extensions import Database

RELEASE = "appeal"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE|ALTER|CREATE|DROP)\b", re.IGNORECASE)


@contextmanager
def recorded_writes(app) -> Iterator[list[str]]:
    """Collect every writing SQL statement the app's engines send while the block runs."""
    writes: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        if _WRITE.match(statement):
            writes.append(" ".join(statement.split())[:160])

    engines = list(
        {
            id(e): e for e in (app.extensions["translate_app.engine"], app.extensions["translate_app.lookup_engine"])
        }.values()
    )  # one on SQLite
    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        yield writes
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)


def _values(app, web_project) -> dict[str, str]:
    """Make one of each thing a GET URL can name (a job, a publication, an invitation) and return the URL values."""
    segment = seg.views(Project(web_project).load_catalog(RELEASE, "de"), "de")[0].id
    with Database.factory(app)() as session:
        coord = session.scalar(select(User).where(User.name == "coord"))
        job = Job(
            kind="pretranslate",
            release=RELEASE,
            languages="de",
            provider="memory",
            status="done",
            created_by_id=coord.id,
        )
        session.add(job)
        session.add(
            Publication(
                user_id=coord.id,
                release=RELEASE,
                language="de",
                content_hash="0" * 64,
                source_hash="0" * 64,
                markdown="# Text",
                html="<h1>Text</h1>",
            )
        )
        invitation = accounts.create_invitation(
            session, name="newcomer", role="translator", languages=["de"], created_by=coord
        )
        session.commit()
        return {
            "release": RELEASE,
            "language": "de",
            "segment_id": segment,
            "job_id": str(job.id),
            "fmt": "md",
            "kind": "email.html",
            "token": invitation,
        }


def get_urls(app, values: dict[str, str]) -> list[str]:
    """Return a URL for every GET rule of the app (static files aside); a rule naming an unknown value fails."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"{rule.rule}: give this test a value for {unknown} so the page is covered"
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return sorted(set(urls))


@pytest.mark.parametrize("who", [None, "coord", "rev_de", "tr_de", "tr_fr"])
def test_no_get_request_writes_to_the_database(app, client, auth, web_project, who: str | None) -> None:
    values = _values(app, web_project)
    urls = get_urls(app, values)
    assert {
        "/",
        f"/releases/{RELEASE}/de",
        "/api/releases",
        "/coordinate/",
        f"/coordinate/releases/{RELEASE}",
        f"/invite/{values['token']}",
    } <= set(urls)
    if who is not None:
        assert auth.login(who).status_code == 302
    answered = {}
    with recorded_writes(app) as writes:
        for url in urls:
            answered[url] = client.get(url).status_code
            assert not writes, f"GET {url} as {who or 'nobody'} wrote: {writes}"
    assert all(status < 500 for status in answered.values()), answered
    if who == "coord":  # the pages really ran (not all refused): the coordinator sees every one of them
        assert answered["/coordinate/"] == answered[f"/coordinate/releases/{RELEASE}"] == 200
        assert answered["/api/releases"] == answered[f"/releases/{RELEASE}/de"] == 200
    with Database.factory(app)() as session:  # and the release shown on all those pages still has no row
        assert session.scalar(select(Release).where(Release.name == RELEASE)) is None


def test_with_an_api_token_only_its_last_use_is_written_and_only_once(app, client, web_project) -> None:
    values = _values(app, web_project)
    with Database.factory(app)() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.name == "rev_de")))
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    api_urls = [url for url in get_urls(app, values) if url.startswith("/api/")]
    with recorded_writes(app) as writes:
        assert client.get("/api/releases", headers=headers).status_code == 200
    assert len(writes) == 1 and writes[0].startswith("UPDATE api_tokens SET last_used_at"), writes
    with recorded_writes(app) as writes:
        for url in api_urls:
            assert client.get(url, headers=headers).status_code < 500
    assert writes == [], writes


def test_release_rows_are_made_when_a_release_is_added(app, client, auth, web_project) -> None:
    """The new-release form makes the row (serve's prepare is covered in test_flow); no page view does."""
    (web_project / "source" / "statement.md").write_text("# A statement\n\nWe stand together.\n", encoding="utf-8")
    auth.login("coord")
    assert client.get("/coordinate/releases/new").status_code == 200
    token = auth.csrf("/coordinate/releases/new")
    response = client.post(
        "/coordinate/releases/new",
        data={"csrf_token": token, "existing": "statement", "languages": "de,fr", "title": "", "deadline": ""},
    )
    assert response.status_code == 302
    with Database.factory(app)() as session:
        row = session.scalar(select(Release).where(Release.name == "statement"))
        assert row is not None and row.title == "A statement"
