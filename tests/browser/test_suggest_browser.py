"""Suggestions, bulk review, claims, the glossary and offline work as people see them, on a desktop and a phone."""

from __future__ import annotations

import re

import polib
import pytest

from tests.browser.conftest import VIEWPORTS, choose_view, screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

TITLE, APPEAL, OBJECTORS, RULING, SIGNED = range(5)


@pytest.fixture
def open_editor(login, live_server, viewport):
    """Return a function that logs a person in and opens the German editor at the test's viewport."""

    def _open(name: str):
        page = login(name)
        page.set_viewport_size(VIEWPORTS[viewport])
        page.goto(f"{live_server}/releases/appeal/de")
        expect(page.locator("li.segment.current")).to_be_visible()
        choose_view(page, "list")  # phones start with one segment at a time; these flows look at the list
        return page

    return _open


def segment(page, i: int):
    return page.locator("li.segment").nth(i)


def translate_on_disk(live_project, texts: dict[int, str], by: str = "tr_de") -> None:
    """Store translations of some segments on disk, as if saved earlier by `by`."""
    from translate_app.core.states import set_translated
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    with edit_catalog(Project(live_project).catalog_path("appeal", "de")) as po:
        entries = [e for e in po if e.msgid and not e.obsolete]
        for index, text in texts.items():
            set_translated(entries[index], text, by=by)


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_suggest_then_vote_then_accept(open_editor, viewport):
    page = open_editor("tr_de")
    first = segment(page, TITLE)
    first.locator("textarea").fill("Stoppt die Abschiebung")
    first.locator(".suggest-mine").click()
    expect(first.locator(".suggest-status")).to_have_text("Suggested; a reviewer will accept or reject it.")
    expect(first.locator(".suggestion.open .text")).to_have_text("Stoppt die Abschiebung")
    expect(first.locator(".suggestion.open .who")).to_have_text("tr_de (you):")

    voter = open_editor("tr2_de")
    theirs = segment(voter, TITLE)
    theirs.locator("textarea").focus()
    expect(theirs.locator(".suggestion.open .votes")).to_have_text("+0")
    theirs.locator("button.vote").click()
    expect(theirs.locator(".suggestion.open .votes")).to_have_text("+1")
    expect(theirs.locator("button.vote")).to_have_text("Take back +1")

    reviewer = open_editor("rev_de")
    mine = segment(reviewer, TITLE)
    mine.locator("textarea").focus()
    expect(mine.locator(".suggestion.open .votes")).to_have_text("+1")
    screenshot(reviewer, f"suggest-before-accept-{viewport}")
    # The reviewer decides in the editor's proposals box; the suggestions panel follows.
    expect(mine.locator(".suggestion.open button.accept")).to_have_count(0)
    mine.locator(".proposals-box button", has_text="Accept").click()
    expect(mine.locator(".state.badge")).to_have_text("Approved")
    expect(mine.locator("textarea")).to_have_value("Stoppt die Abschiebung")
    expect(mine.locator(".proposals-box")).to_contain_text("accepted by rev_de")
    expect(mine.locator(".suggestion.open")).to_have_count(0)  # the panel followed the decision
    no_sideways_scrolling(reviewer)
    screenshot(reviewer, f"suggest-accepted-{viewport}")


def test_bulk_approve_lists_the_failing_check_and_skips_it(open_editor, live_project, viewport):
    translate_on_disk(
        live_project,
        {
            TITLE: "Stoppt die Abschiebung",
            APPEAL: "Die Unterzeichnenden rufen das **Gericht** auf, "
            "[Maksim Kuzmin](https://example.org/mk) zu schützen.",
            OBJECTORS: "Schützt Kriegsdienstverweigerer.",
            RULING: "Respektiert das Urteil von 2024.",
            SIGNED: "Unterzeichnet am 30. März 2026.",
        },
    )
    page = open_editor("rev_de")
    page.select_option("#filter-state", "translated")
    page.locator("#bulk-panel summary").click()
    page.locator("button.bulk-check").click()
    expect(page.locator(".bulk-summary")).to_have_text(
        "5 segments to approve: 4 pass their checks, 1 fail a check and will be skipped unless you override them below."
    )
    failing = page.locator(".bulk-failing li")
    expect(failing).to_have_count(1)
    expect(failing).to_contain_text("Respektiert das Urteil von 2024.")
    expect(failing.locator(".blocking")).to_contain_text("Blocks approval")
    screenshot(page, f"bulk-plan-{viewport}")
    no_sideways_scrolling(page)
    page.locator("button.bulk-run").click()
    expect(page.locator(".bulk-done")).to_have_text("4 approved, 1 skipped.")
    expect(segment(page, TITLE).locator(".state.badge")).to_have_text("Approved")
    expect(segment(page, RULING).locator(".state.badge")).to_have_text("Translated")
    page.locator("button", has_text="Reload the page").click()
    expect(segment(page, RULING).locator(".state.badge")).to_have_text("Translated")
    expect(segment(page, SIGNED).locator(".state.badge")).to_have_text("Approved")


def test_a_claim_is_seen_by_a_second_person_and_released_by_the_coordinator(open_editor, login, live_server, viewport):
    page = open_editor("tr_de")
    page.locator("#claims-panel summary").click()
    page.locator("button.claim-section-button").click()
    expect(segment(page, TITLE).locator(".claim-note")).to_contain_text("Claimed by you until")
    expect(page.locator("#claims-panel summary")).to_have_text("Claims (1)")

    other = open_editor("tr2_de")
    note = segment(other, APPEAL).locator(".claim-note")
    expect(note).to_have_text(re.compile(r"^Claimed by tr_de until \d\d:\d\d$"))
    segment(other, APPEAL).locator("textarea").fill("Die Unterzeichnenden")
    expect(note).to_contain_text("You can still save")
    expect(note).to_have_attribute("role", "alert")
    no_sideways_scrolling(other)
    screenshot(other, f"claim-seen-{viewport}")

    coordinator = login("coord")
    coordinator.set_viewport_size(VIEWPORTS[viewport])
    coordinator.goto(f"{live_server}/coordinate/releases/appeal")
    claims = coordinator.locator("#release-claims")
    expect(claims).to_contain_text("de: Stop the deportation")
    expect(claims).to_contain_text("tr_de until")
    screenshot(coordinator, f"claims-release-page-{viewport}")
    claims.locator("button", has_text="Release").click()
    expect(claims).to_contain_text("No claims.")


def test_glossary_edit_then_highlight_with_the_target_term(open_editor, live_project, viewport):
    page = open_editor("rev_de")
    page.locator("#glossary-panel summary").click()
    page.fill(".glossary-source", "Court")
    page.fill(".glossary-target", "Gericht")
    page.locator("button.glossary-save").click()
    expect(page.locator(".glossary-status")).to_have_text("Saved in the glossary.")
    expect(page.locator(".glossary-table")).to_contain_text("Gericht")
    mark = segment(page, APPEAL).locator(".source .rendered mark.glossary-term")
    expect(mark).to_have_text("Court")
    expect(mark).to_have_attribute("title", "Court → Gericht")
    mark.focus()
    screenshot(page, f"glossary-highlight-{viewport}")
    assert "Gericht" in (live_project / "source" / "appeal.glossary.yml").read_text(encoding="utf-8")

    translator = open_editor("tr_de")  # sees the highlight, cannot edit
    expect(segment(translator, APPEAL).locator(".source .rendered mark.glossary-term")).to_have_attribute(
        "title", "Court → Gericht"
    )
    translator.locator("#glossary-panel summary").click()
    expect(translator.locator(".glossary-table")).to_contain_text("Gericht")
    expect(translator.locator("button.glossary-save")).to_have_count(0)


def test_download_then_upload_shows_the_conflict_to_resolve(open_editor, live_project, viewport, tmp_path):
    page = open_editor("tr_de")
    page.locator("#offline-panel summary").click()
    with page.expect_download() as download:
        page.locator("a.offline-download").click()
    path = tmp_path / "download.po"
    download.value.save_as(path)
    po = polib.pofile(str(path))
    edits = {
        "Stop the deportation": "Stoppt die Abschiebung",
        "Protect conscientious objectors.": "Schützt Verweigerer.",
    }
    for entry in po:
        if entry.msgid in edits:  # as Poedit does: a person's edit clears the fuzzy mark
            entry.msgstr = edits[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    translate_on_disk(live_project, {OBJECTORS: "Schützt Kriegsdienstverweigerer."}, by="rev_de")  # meanwhile

    page.locator("input.offline-file").set_input_files(
        {"name": "appeal.de.po", "mimeType": "text/x-gettext-translation", "buffer": str(po).encode("utf-8")}
    )
    page.locator("button.offline-upload").click()
    expect(page.locator(".offline-summary")).to_have_text(
        "1 saved, 0 approved, 0 suggested, 0 unchanged, 1 changed here since your download."
    )
    conflict = page.locator(".offline-conflict")
    expect(conflict.locator(".theirs")).to_have_text("Schützt Kriegsdienstverweigerer.")
    expect(conflict.locator(".yours")).to_have_text("Schützt Verweigerer.")
    expect(conflict).to_contain_text("by rev_de")
    no_sideways_scrolling(page)
    screenshot(page, f"offline-conflict-{viewport}")
    conflict.locator("button", has_text="Save mine over it").click()
    expect(page.locator(".offline-report")).to_contain_text("Yours is saved.")
    page.reload()
    expect(segment(page, OBJECTORS).locator("textarea")).to_have_value("Schützt Verweigerer.")
    expect(segment(page, TITLE).locator("textarea")).to_have_value("Stoppt die Abschiebung")

    page.locator("#offline-panel summary").click()  # a broken file is refused whole
    page.locator("input.offline-file").set_input_files(
        {"name": "broken.po", "mimeType": "text/plain", "buffer": b'msgid "a"\nmsgstr "b\n'}
    )
    page.locator("button.offline-upload").click()
    expect(page.locator(".offline-report .error")).to_contain_text(
        "Nothing was changed: the file is not a readable catalog"
    )
