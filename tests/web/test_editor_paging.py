"""A big release does not make a big editor page, and costs nothing to those who do not work on it (issue 11.5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from translate_app import storage
from translate_app.core import segments as seg

PAGE = 10  # the page size in these tests (seg.PAGE_SIZE is 200)


def _big_release(root: Path, name: str, n: int, languages: list[str]) -> None:
    """Add a release of n segments (a heading and n - 1 paragraphs); every third one translated in German."""
    from translate_app.core.states import set_translated
    from translate_app.project import Project

    lines = ["# Big release", ""] + [line for i in range(1, n) for line in (f"Item {i}: the court must act.", "")]
    (root / "source" / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
    project = Project(root)
    project.add_release(root / "source" / f"{name}.md", languages)
    if "de" in languages:
        with storage.edit(project.catalog_path(name, "de")) as po:
            for i, entry in enumerate(e for e in po if e.msgid and not e.obsolete):
                if i % 3 == 0:
                    set_translated(entry, "Übersetzt: " + entry.msgid, by="seed")


@pytest.fixture
def big(app, web_project, monkeypatch):
    """A 25-segment release in German, paged by 10."""
    monkeypatch.setattr(seg, "PAGE_SIZE", PAGE)
    _big_release(web_project, "big", 25, ["de"])
    return app


def _rows(html: str) -> list[str]:
    """Return the numbers shown on the page's segment rows."""
    return re.findall(r'<div class="where">(\d+) ·', html)


def test_a_small_release_is_one_page_filtered_in_the_browser(client, auth):
    auth.login("tr_de")
    html = client.get("/releases/appeal/de").get_data(as_text=True)
    assert 'data-paged="false"' in html and 'class="pager"' not in html
    assert _rows(html) == [str(i) for i in range(1, len(_rows(html)) + 1)] and len(_rows(html)) >= 5


def test_a_big_release_is_shown_a_page_at_a_time(big, client, auth):
    auth.login("tr_de")
    first = client.get("/releases/big/de").get_data(as_text=True)
    assert 'data-paged="true"' in first
    assert _rows(first) == [str(i) for i in range(1, 11)]
    assert "25 of 25 segments, page 1 of 3" in first
    assert 'href="/releases/big/de?page=2" rel="next"' in first
    last = client.get("/releases/big/de?page=3").get_data(as_text=True)
    assert _rows(last) == [str(i) for i in range(21, 26)]
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert _rows(client.get("/releases/big/de?page=99").get_data(as_text=True)) == _rows(last)  # past the end
    assert _rows(client.get("/releases/big/de?page=x").get_data(as_text=True)) == _rows(first)
    # the progress bar counts the whole release, not the page
    counts = re.search(r'id="progress" data-counts="([^"]+)"', first).group(1).replace("&#34;", '"')
    assert sum(int(n) for n in re.findall(r":\s*(\d+)", counts)) == 25


def test_filters_of_a_big_release_are_applied_on_the_server_and_kept_across_pages(big, client, auth):
    auth.login("tr_de")
    open_ = client.get("/releases/big/de?state=open").get_data(as_text=True)
    # segments 1, 4, 7, ... are translated; the other 16 are open
    assert _rows(open_) == ["2", "3", "5", "6", "8", "9", "11", "12", "14", "15"]
    assert "16 of 25 segments, page 1 of 2" in open_
    assert 'href="/releases/big/de?state=open&amp;page=2" rel="next"' in open_
    assert '<option value="open" selected>' in open_
    found = client.get("/releases/big/de?q=item+2").get_data(as_text=True)  # source text, any case
    assert _rows(found) == ["3"] + [str(i) for i in range(21, 26)]
    translated = client.get("/releases/big/de?q=%C3%BCbersetzt").get_data(as_text=True)  # translation text
    assert len(_rows(translated)) == 9
    failing = client.get("/releases/big/de?check=failing&state=translated").get_data(as_text=True)
    assert "page 1 of the segments that match" in failing  # checks are not run on every segment to count
    nothing = client.get("/releases/big/de?q=no+such+text").get_data(as_text=True)
    assert _rows(nothing) == [] and "No segments match the filters." in nothing


def test_next_open_segment_past_the_end_of_a_page_is_found_on_the_server(big, client, auth):
    auth.login("tr_de")
    ids = re.findall(r'id="seg-([0-9a-f]+)"', client.get("/releases/big/de").get_data(as_text=True))
    answer = client.get(f"/releases/big/de?next_open_after={ids[-1]}")  # segment 10: the next open is 11
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/releases/big/de?page=2#seg-")
    page2 = client.get("/releases/big/de?page=2").get_data(as_text=True)
    assert answer.headers["Location"].endswith("#seg-" + re.findall(r'id="seg-([0-9a-f]+)"', page2)[0])
    # filters stay; past the last open segment it wraps to the first (segment 2)
    last_ids = re.findall(r'id="seg-([0-9a-f]+)"', client.get("/releases/big/de?page=3").get_data(as_text=True))
    wrapped = client.get(f"/releases/big/de?state=open&next_open_after={last_ids[-1]}")
    assert wrapped.headers["Location"] == f"/releases/big/de?state=open#seg-{ids[1]}"


def test_next_open_segment_when_none_is_left_says_so(big, client, auth, web_project):
    from translate_app.core.states import set_translated
    from translate_app.project import Project

    with storage.edit(Project(web_project).catalog_path("big", "de")) as po:
        for entry in po:
            if entry.msgid and not entry.msgstr:
                set_translated(entry, "Fertig", by="seed")
    auth.login("tr_de")
    ids = re.findall(r'id="seg-([0-9a-f]+)"', client.get("/releases/big/de").get_data(as_text=True))
    answer = client.get(f"/releases/big/de?next_open_after={ids[3]}", follow_redirects=True)
    assert "No more open segments in this release." in answer.get_data(as_text=True)


def test_the_page_weight_is_bounded_by_the_page_not_the_release(app, client, auth, web_project, monkeypatch):
    """Ten times the segments, about the same page: only PAGE_SIZE rows are rendered."""
    monkeypatch.setattr(seg, "PAGE_SIZE", PAGE)
    _big_release(web_project, "big", 30, ["de"])
    _big_release(web_project, "bigger", 300, ["de"])
    auth.login("tr_de")
    small = client.get("/releases/big/de").get_data()
    large = client.get("/releases/bigger/de").get_data()
    assert len(_rows(large.decode())) == PAGE
    assert len(large) < 1.2 * len(small)


# -- workflow.progress and /api/releases read only what the caller works on --------------


@pytest.fixture
def counted(monkeypatch):
    """Count source documents segmented and catalogs parsed."""
    import translate_app.core.catalog as catalog_module
    import translate_app.core.segmenter as segmenter_module  # Project.document imports segment from here

    seen = {"documents": [], "catalogs": []}
    segment, load = segmenter_module.segment, catalog_module.load

    def counting_segment(text, name, **kw):
        seen["documents"].append(name)
        return segment(text, name, **kw)

    def counting_load(path):
        seen["catalogs"].append(Path(path).name + ":" + Path(path).parent.parent.name)
        return load(path)

    monkeypatch.setattr(segmenter_module, "segment", counting_segment)
    monkeypatch.setattr(catalog_module, "load", counting_load)
    return seen


def test_api_releases_parses_nothing_of_a_release_the_translator_does_not_work_on(
    app, client, auth, web_project, counted
):
    from translate_app import workflow
    from translate_app.project import Project
    from translate_app.web.extensions import Database

    _big_release(web_project, "huge", 40, ["it", "nl"])
    with Database.factory(app)() as session:
        workflow.register_release(session, Project(web_project), "huge")
        session.commit()
    counted["documents"].clear()
    counted["catalogs"].clear()
    auth.login("tr_fr")
    answer = client.get("/api/releases", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert [r["name"] for r in answer.get_json()] == ["appeal"]
    assert not any("huge" in name for name in counted["documents"] + counted["catalogs"]), counted
    assert all(name.endswith(":fr") for name in counted["catalogs"]), counted  # only the caller's language


def test_progress_computes_only_the_languages_asked_for(app, web_project, counted):
    from translate_app import workflow
    from translate_app.project import Project
    from translate_app.web.extensions import Database

    _big_release(web_project, "huge", 40, ["de", "it", "nl"])
    with Database.factory(app)() as session:
        workflow.register_release(session, Project(web_project), "huge")
        session.commit()
        project = Project(web_project)  # nothing kept in memory yet
        counted["documents"].clear()
        counted["catalogs"].clear()
        assert workflow.progress(session, project, "huge", []) == []
        assert counted == {"documents": [], "catalogs": []}  # not even the source is segmented
        result = workflow.progress(session, project, "huge", ["it"])
    assert [p.language for p in result] == ["it"] and result[0].total == 40
    assert counted["catalogs"] == ["huge.po:it"] and counted["documents"] == []
