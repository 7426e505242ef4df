"""A correction after publication, as the coordinator does it: at desktop width and on a 390x844 phone.

Two languages of the sample release are published; a typo and a figure are corrected in the source; the
coordinator re-reads it, sees the banner, decides the typo "wording only" (by keyboard) and the figure
"meaning changed", the German volunteers are told and correct the figure, and the coordinator republishes
the ready language with an errata note. The published page has the note and the new text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.browser.conftest import VIEWPORTS, screenshot
from tests.conftest import SAMPLE
from tests.factory import make_project, sqlite_url
from tests.partners.correcting import approve_everything

RELEASE = SAMPLE.stem
TYPO = ("as he is approaching a yet another", "as he is approaching yet another")
FIGURE = ("From 1995 to 2000 he studied", "From 1995 to 2001 he studied")
NOTE = "Korrektur: Kuzmin studierte von 1995 bis 2001, nicht bis 2000."


@pytest.fixture
def live_project(tmp_path: Path) -> Path:
    """The sample release in German and Hebrew, every segment translated and approved (not yet published)."""
    from translate_app.project import Project

    root = make_project(tmp_path / "project", source=SAMPLE, languages=["de", "he"])
    for code in ("de", "he"):
        approve_everything(Project(root), RELEASE, code, by="tr_de", reviewer="rev_de")
    return root


@pytest.fixture
def database(live_server, tmp_path: Path):
    """Return a session factory on the live server's database (for what volunteers do and what they are told)."""
    from translate_app.db import make_engine

    engine = make_engine(sqlite_url(tmp_path, "live"))
    yield lambda: Session(engine)
    engine.dispose()


def _correct_the_source(root: Path) -> None:
    path = root / "source" / SAMPLE.name
    text = path.read_text(encoding="utf-8")
    for old, new in (TYPO, FIGURE):
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _volunteer_corrects_the_figure(sessions, root: Path, segment: str) -> None:
    """The German translator saves the corrected figure, a German reviewer approves it (as in the editor)."""
    from translate_app import workflow
    from translate_app.core.catalog import entry_version
    from translate_app.core.segments import require_entry
    from translate_app.models import User
    from translate_app.project import Project

    project = Project(root)
    with sessions() as session:
        tr, rev = (session.scalar(select(User).where(User.name == n)) for n in ("tr_de", "rev_de"))
        entry = require_entry(project.load_catalog(RELEASE, "de"), segment)
        text = entry.msgstr.replace("2000", "2001")
        saved = workflow.save_segment(
            session=session,
            project=project,
            user=tr,
            release=RELEASE,
            language="de",
            segment_id=segment,
            text=text,
            version=entry_version(entry),
        )
        workflow.approve_segment(
            session=session,
            project=project,
            user=rev,
            release=RELEASE,
            language="de",
            segment_id=segment,
            version=saved.version,
        )


def test_correct_decide_and_republish_with_an_errata_note(person, live_server, live_project, database, viewport):
    from playwright.sync_api import expect

    from translate_app import notifications
    from translate_app.models import NotificationEvent, User

    with database() as session:  # the German and Hebrew translator wants to hear of source corrections
        tr = session.scalar(select(User).where(User.name == "tr_de"))
        notifications.save_preferences(
            session, user=tr, email="tr@example.org", webhook_url=None, choices={"source_corrected": "email"}
        )
        tr_id = tr.id

    page = person("coord")
    release_page = f"{live_server}/coordinate/releases/{RELEASE}"
    page.goto(release_page)
    for code, name in (("de", "German"), ("he", "Hebrew")):
        page.locator(f'tr[data-language="{code}"]').get_by_role("button", name="Publish").click()
        expect(page.get_by_role("status").filter(has_text=f"{name} published.")).to_be_visible()
    expect(page.locator(".corrections-banner")).to_have_count(0)

    _correct_the_source(live_project)
    page.get_by_role("button", name="Re-read the source").click()
    banner = page.get_by_role("link", name="2 source changes since publication need a decision")
    expect(banner).to_be_visible()
    screenshot(page, f"corrections-banner-{viewport}")
    banner.click()

    expect(page.get_by_role("heading", name="2 source changes need a decision")).to_be_visible()
    changes = page.locator("li.change")
    expect(changes).to_have_count(2)
    typo, figure = changes.nth(0), changes.nth(1)
    expect(typo.locator("legend")).to_have_text("Change 1 · 2 languages, 2 published")
    expect(typo.locator(".source-diff del")).to_have_text("a")
    expect(figure.locator(".source-diff del")).to_have_text("2000")
    expect(figure.locator(".source-diff ins")).to_have_text("2001")
    expect(figure.locator(".source-diff")).to_contain_text("From 1995 to 20002001 he studied")
    screenshot(page, f"corrections-page-{viewport}")
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]

    # By keyboard: Tab to the typo's first choice and take it with Space; the figure by a click on its label.
    wording = typo.get_by_label("Wording only: keep the translations")
    wording.focus()
    page.keyboard.press("Space")
    expect(wording).to_be_checked()
    figure.get_by_text("Meaning changed: needs review").click()
    expect(figure.get_by_label("Meaning changed: needs review")).to_be_checked()
    page.get_by_role("button", name="Apply decisions").click()

    expect(page.get_by_role("status").filter(has_text="2 changes decided in 2 languages")).to_be_visible()
    expect(page.get_by_role("heading", name="No source change waits for a decision")).to_be_visible()
    expect(page.get_by_role("heading", name="Republish")).to_be_visible()
    expect(page.get_by_text("No published language is ready to go out again.")).to_be_visible()
    expect(page.locator(".not-ready li")).to_have_count(2)
    expect(page.locator('.not-ready li[data-language="he"]')).to_contain_text("1 of")

    with database() as session:  # the volunteer of both languages is told which segment to look at again
        told = session.scalars(
            select(NotificationEvent).where(NotificationEvent.user_id == tr_id).order_by(NotificationEvent.language)
        ).all()
        about = [(e.language, e.event) for e in told if "meaning changed" in e.detail]
        assert about == [("de", "source_corrected"), ("he", "source_corrected")]
        assert all("From 1995 to 2001 he studied" in e.detail for e in told if "meaning changed" in e.detail)
        segment = next(e.segment_id for e in told if e.language == "de" and e.segment_id)

    _volunteer_corrects_the_figure(database, live_project, segment)
    page.reload()
    republish = page.get_by_role("button", name="Republish 1 ready language")
    expect(republish).to_be_visible()
    note = page.get_by_label("Errata note in German")
    note.fill(NOTE)
    expect(page.locator('.not-ready li[data-language="he"]')).to_contain_text("not approved yet")
    screenshot(page, f"corrections-republish-{viewport}")
    republish.click()

    result = "Republished 1 language: German (with an errata note: German)."
    expect(page.get_by_role("status").filter(has_text=result)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Hebrew not republished")).to_be_visible()
    screenshot(page, f"corrections-result-{viewport}")

    published = page.request.get(f"{release_page}/de/published.html").text()
    assert NOTE in published and "<strong>Correction (" in published
    assert "From 1995 to 2001 he studied" in published  # the stand-in German keeps the English words
    assert "From 1995 to 2000 he studied" not in published
    assert "as he is approaching a yet another" in published  # wording only: the translation was kept
    page.goto(release_page)
    expect(page.locator('tr[data-language="de"]').get_by_text("published", exact=True)).to_be_visible()
    # No decision waits; Hebrew's publication is stale until its reviewers approve the figure.
    expect(page.get_by_text("need a decision")).to_have_count(0)
    expect(page.get_by_role("link", name="Republish corrected languages")).to_be_visible()

    page.set_content(published)  # the page as readers get it: the note last, marked, with its date
    note = page.locator("main blockquote").last
    expect(note).to_contain_text("Correction (")
    expect(note).to_contain_text(NOTE)
    expect(page.locator("main hr").last).to_be_visible()
    screenshot(page, f"corrections-published-{viewport}")
