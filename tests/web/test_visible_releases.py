"""One list of the releases a person sees: the dashboard, GET /api/releases and the coordinators' overview agree."""

from __future__ import annotations

import re

import pytest

from translate_app import workflow
from translate_app.project import Project
from translate_app.web.extensions import Database

ANOTHER = "# Vilnius, 4 December\n\nThe hearing is postponed.\n"


@pytest.fixture
def project_with_more(web_project) -> Project:
    """The small release in de, fr, he; a second one in fr and lt; a source with no catalog yet."""
    proj = Project(web_project)
    (web_project / "source" / "hearing.md").write_text(ANOTHER, encoding="utf-8")
    proj.add_release(web_project / "source" / "hearing.md", ["fr", "lt"])
    (web_project / "source" / "draft.md").write_text("# Not yet a release\n", encoding="utf-8")
    return proj


def _dashboard(client) -> dict[str, set[str]]:
    """Read the dashboard as a person sees it: each release's editor links, by release."""
    html = client.get("/").get_data(as_text=True)
    found: dict[str, set[str]] = {}
    for release, language in re.findall(r'href="/releases/([\w-]+)/([\w-]+)"', html):
        found.setdefault(release, set()).add(language)
    return found


def _overview(client) -> dict[str, set[str]]:
    """Read the overview: each release card's name and the languages it links to (none for an empty card)."""
    html = client.get("/coordinate/").get_data(as_text=True)
    found: dict[str, set[str]] = {}
    for card in html.split('<section class="card release">')[1:]:
        name = re.search(r'href="/coordinate/releases/([\w-]+)"', card).group(1)
        found[name] = {
            language for release, language in re.findall(r'href="/releases/([\w-]+)/([\w-]+)"', card) if release == name
        }
    return found


def _api(client) -> dict[str, set[str]]:
    return {r["name"]: set(r["languages"]) for r in client.get("/api/releases").get_json()}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coord", {"appeal": {"de", "fr", "he"}, "hearing": {"fr", "lt"}}),
        ("tr_fr", {"appeal": {"fr"}, "hearing": {"fr"}}),
        ("tr_de", {"appeal": {"de"}}),
    ],
)
def test_dashboard_api_and_overview_show_the_same_releases(app, client, auth, project_with_more, who, expected):
    auth.login(who)
    with app.app_context():
        from sqlalchemy import select

        from translate_app.models import User

        with Database.factory(app)() as session:
            person = session.scalar(select(User).where(User.name == who))
            listed = workflow.visible_releases(session, project_with_more, person)
            domain = {r.name: {p.language for p in r.languages} for r in listed}
    assert domain == expected  # the source without a catalog is nobody's release yet
    assert _dashboard(client) == domain
    assert _api(client) == domain
    if who == "coord":
        assert _overview(client) == domain
    else:
        assert client.get("/coordinate/").status_code == 403


def test_a_source_without_catalogs_is_offered_as_a_new_release_not_listed(app, client, auth, project_with_more):
    assert workflow.registered_releases(project_with_more) == ["appeal", "hearing"]
    assert workflow.unregistered_sources(project_with_more) == ["draft"]
    auth.login("coord")
    page = client.get("/coordinate/releases/new").get_data(as_text=True)
    assert "source/draft.md" in page and "source/hearing.md" not in page
    assert "draft" not in _overview(client)
