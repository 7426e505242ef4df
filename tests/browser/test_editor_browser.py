"""The segment editor as a person sees it: filters, drafts, undo, machine text, proposals, live preview."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import VIEWPORTS, choose_view, screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


# The small release's segments, in order (see tests/web/conftest.py SMALL_RELEASE).
TITLE, APPEAL, OBJECTORS, RULING, SIGNED = range(5)


@pytest.fixture
def open_editor(login, live_server, viewport):
    """Return a function that logs a person in and opens an editor page at the test's viewport."""

    def _open(name: str, language: str = "de", view: str = "list"):
        page = login(name)
        page.set_viewport_size(VIEWPORTS[viewport])
        page.goto(f"{live_server}/releases/appeal/{language}")
        expect(page.locator("li.segment.current")).to_be_visible()
        choose_view(page, view)  # phones start with one segment at a time; these flows look at the list
        return page

    return _open


def segment(page, i: int):
    return page.locator("li.segment").nth(i)


def approve_in_catalog(
    live_project, index: int, text: str, translator: str = "tr_de", reviewer: str = "rev_de", language: str = "de"
) -> None:
    """Make segment `index` approved on disk, as if done earlier by a translator and a reviewer."""
    from translate_app.core.states import set_approved, set_translated
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    with edit_catalog(Project(live_project).catalog_path("appeal", language)) as po:
        entry = [e for e in po if e.msgid and not e.obsolete][index]
        set_translated(entry, text, by=translator)
        set_approved(entry, by=reviewer)


def test_search_and_filters_hide_what_they_do_not_match(open_editor, viewport):
    page = open_editor("tr_de")
    segments = page.locator("li.segment")
    expect(page.locator("#filter-count")).to_have_text("5 of 5 segments")
    page.fill("#filter-text", "the")  # title, appeal ("The") and ruling; not the objectors, not the signature
    expect(page.locator("#filter-count")).to_have_text("3 of 5 segments")
    for i in (TITLE, APPEAL, RULING):
        expect(segments.nth(i)).to_be_visible()
    for i in (OBJECTORS, SIGNED):
        expect(segments.nth(i)).to_be_hidden()
    assert sum(segments.nth(i).is_visible() for i in range(5)) == 3  # "N of M" says what is on screen
    screenshot(page, f"editor-search-{viewport}")

    # Alt+Down and Ctrl+Enter only move among the visible segments.
    segment(page, APPEAL).locator("textarea").click()
    page.keyboard.press("Alt+ArrowDown")
    expect(segment(page, RULING).locator("textarea")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    expect(segment(page, APPEAL).locator("textarea")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type(
        "Die Organisationen rufen das **Gericht** auf, [Maksim Kuzmin](https://example.org/mk) zu schützen."
    )
    page.keyboard.press("Control+Enter")
    expect(segment(page, APPEAL).locator(".state")).to_have_text("Translated")
    expect(segment(page, RULING).locator("textarea")).to_be_focused()
    expect(segment(page, OBJECTORS)).to_be_hidden()

    # The keyboard never lands on a hidden segment: with the current one filtered out, it goes to a shown one.
    page.fill("#filter-text", "conscientious")
    expect(page.locator("#filter-count")).to_have_text("1 of 5 segments")
    expect(segment(page, RULING)).to_be_hidden()
    page.keyboard.press("Alt+ArrowDown")
    expect(segment(page, OBJECTORS).locator("textarea")).to_be_focused()

    page.fill("#filter-text", "")
    page.select_option("#filter-state", "translated")
    expect(page.locator("#filter-count")).to_have_text("1 of 5 segments")
    expect(segment(page, APPEAL)).to_be_visible()
    for i in (TITLE, OBJECTORS, RULING, SIGNED):
        expect(segments.nth(i)).to_be_hidden()
    page.select_option("#filter-state", "")
    expect(page.locator("#filter-count")).to_have_text("5 of 5 segments")
    for i in range(5):
        expect(segments.nth(i)).to_be_visible()


def test_unsaved_text_is_marked_kept_after_reload_and_cleared_on_save(open_editor, live_server, viewport):
    page = open_editor("tr_de")
    first = segment(page, TITLE)
    expect(first.locator(".unsaved-mark")).to_be_hidden()
    first.locator("textarea").fill("Stoppt die Abschiebung")
    page.keyboard.press("Alt+ArrowDown")  # move away without saving
    expect(first.locator(".unsaved-mark")).to_be_visible()
    expect(first.locator(".unsaved-mark")).to_have_text("unsaved")
    screenshot(page, f"editor-unsaved-{viewport}")

    # Leaving the page asks first.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"] and not page.is_closed()

    # A reload brings the draft back, still marked as not saved.
    page.once("dialog", lambda d: d.accept())
    page.reload()
    first = segment(page, TITLE)
    expect(first.locator("textarea")).to_have_value("Stoppt die Abschiebung")
    expect(first.locator(".unsaved-mark")).to_be_visible()
    expect(first.locator(".status")).to_contain_text("draft is back")
    expect(first.locator(".state")).to_have_text("Machine")

    first.locator("textarea").click()
    page.keyboard.press("Control+Enter")
    expect(first.locator(".state")).to_have_text("Translated")
    expect(first.locator(".unsaved-mark")).to_be_hidden()
    page.reload()
    first = segment(page, TITLE)
    expect(first.locator("textarea")).to_have_value("Stoppt die Abschiebung")
    expect(first.locator(".unsaved-mark")).to_be_hidden()
    expect(first.locator(".status")).to_have_text("")


def test_copy_source_and_take_suggestion_can_be_undone(open_editor, viewport):
    page = open_editor("tr_de")
    area = segment(page, OBJECTORS).locator("textarea")
    area.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Schützt Verweigerer")
    page.keyboard.press("Alt+c")
    expect(area).to_have_value("Protect conscientious objectors.")
    page.keyboard.press("Control+z")
    expect(area).to_have_value("Schützt Verweigerer")
    page.keyboard.press("Alt+m")  # no memory match: back to the machine text
    expect(area).to_have_value("Protect conscientious objectors.".replace("the", "die"))
    page.keyboard.press("Control+z")
    expect(area).to_have_value("Schützt Verweigerer")
    expect(segment(page, OBJECTORS).locator(".unsaved-mark")).to_be_visible()


def test_unchanged_machine_text_is_not_saved_without_a_look(open_editor, viewport):
    page = open_editor("tr_de")
    title = segment(page, TITLE)
    title.locator("textarea").click()
    page.keyboard.press("Control+Enter")
    confirm = title.locator(".confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("no person has checked it yet")
    expect(title.locator(".state")).to_have_text("Machine")
    expect(title.locator("textarea")).to_be_focused()
    screenshot(page, f"editor-machine-confirm-{viewport}")
    page.keyboard.press("Control+Enter")  # pressing again accepts it, having seen it
    expect(title.locator(".state")).to_have_text("Translated")
    expect(confirm).to_be_hidden()
    expect(segment(page, APPEAL).locator("textarea")).to_be_focused()

    page.keyboard.press("Control+Enter")
    appeal = segment(page, APPEAL)
    expect(appeal.locator(".confirm")).to_be_visible()
    appeal.locator(".confirm button", has_text="Accept machine text").click()
    expect(appeal.locator(".state")).to_have_text("Translated")


def test_exact_memory_match_is_saved_at_once(open_editor, live_project, viewport):
    from translate_app.core.states import set_machine
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    with edit_catalog(Project(live_project).catalog_path("appeal", "de")) as po:
        entry = [e for e in po if e.msgid][SIGNED]
        set_machine(entry, "Unterzeichnet am 30. März 2026.", provider="memory", score=100)
    page = open_editor("tr_de")
    signed = segment(page, SIGNED)
    expect(signed.locator(".provenance")).to_contain_text("100% memory match")
    signed.locator("textarea").click()
    page.keyboard.press("Control+Enter")
    expect(signed.locator(".state")).to_have_text("Translated")
    expect(signed.locator(".confirm")).to_be_hidden()


def test_memory_suggestions_show_score_source_and_differences(open_editor, viewport):
    page = open_editor("tr_de")
    suggestion = [
        {
            "text": "Schützt Kriegsdienstverweigerer.",
            "score": 81,
            "origin": "earlier-release",
            "source": "Protect conscientious objectors now.",
            "diff": [
                {"op": "equal", "text": "Protect conscientious objectors"},
                {"op": "delete", "text": " now"},
                {"op": "equal", "text": "."},
            ],
        },
        {"text": "Alte Antwort", "score": 70, "origin": "older"},
    ]  # today's server: no source, no diff

    def fake(route):
        route.fulfill(status=200, content_type="application/json", body=json.dumps(suggestion))

    page.route(re.compile(r".*/segments/[^/]+/suggestions$"), fake)
    segment(page, OBJECTORS).locator("textarea").click()
    box = segment(page, OBJECTORS).locator(".suggestions")
    expect(box).to_be_visible()
    first = box.locator(".match").first
    expect(first.locator(".score")).to_have_text("81%")
    expect(first.locator(".made-for")).to_contain_text("Protect conscientious objectors now.")
    expect(first.locator("del")).to_have_text(" now")
    expect(box.locator(".match").nth(1).locator(".score")).to_have_text("70%")
    screenshot(page, f"editor-suggestions-{viewport}")


def test_translator_proposes_and_reviewer_accepts(open_editor, live_project, viewport):
    approve_in_catalog(live_project, TITLE, "Stoppt die Abschiebung")
    page = open_editor("tr_de")
    title = segment(page, TITLE)
    expect(title.locator(".state")).to_have_text("Approved")
    expect(title.locator("button[data-action=save]")).to_have_text("Propose change")
    title.locator("textarea").fill("Stoppt die Ausweisung")
    title.locator("button[data-action=save]").click()
    expect(title.locator(".status")).to_contain_text("waiting for a reviewer")
    expect(title.locator("textarea")).to_have_value("Stoppt die Abschiebung")  # the approved text stays
    expect(title.locator(".state")).to_have_text("Approved")
    expect(title.locator(".proposals-count")).to_have_text("1 proposal waiting")
    expect(title.locator(".proposals-box")).to_contain_text("Stoppt die Ausweisung")
    expect(title.locator(".proposals-box button", has_text="Accept")).to_have_count(0)
    screenshot(page, f"editor-proposal-translator-{viewport}")
    page.context.close()

    page = open_editor("rev_de")
    title = segment(page, TITLE)
    expect(title.locator(".proposals-count")).to_have_text("1 proposal waiting")
    page.select_option("#filter-state", "proposals")
    expect(page.locator("#filter-count")).to_have_text("1 of 5 segments")
    expect(segment(page, APPEAL)).to_be_hidden()
    title.locator("textarea").click()
    proposals = title.locator(".proposals-box")
    expect(proposals).to_contain_text("tr_de proposes")
    expect(proposals).to_contain_text("Stoppt die Ausweisung")
    screenshot(page, f"editor-proposal-reviewer-{viewport}")
    proposals.locator("button", has_text="Accept").click()
    expect(title.locator("textarea")).to_have_value("Stoppt die Ausweisung")
    expect(title.locator(".state")).to_have_text("Approved")
    expect(title.locator(".by")).to_have_text("approved by rev_de")
    expect(title.locator(".proposals-count")).to_be_hidden()


def test_reviewer_rejects_a_proposal(open_editor, live_project, viewport):
    approve_in_catalog(live_project, TITLE, "Stoppt die Abschiebung")
    page = open_editor("tr_de")
    segment(page, TITLE).locator("textarea").fill("Schlecht")
    page.keyboard.press("Control+Enter")
    expect(segment(page, TITLE).locator(".proposals-count")).to_be_visible()
    page.context.close()
    page = open_editor("rev_de")
    title = segment(page, TITLE)
    title.locator("textarea").click()
    title.locator(".proposals-box input").fill("Abschiebung is the usual word")
    title.locator(".proposals-box button", has_text="Reject").click()
    expect(title.locator(".proposals-box")).to_contain_text("rejected by rev_de: Abschiebung is the usual word")
    expect(title.locator(".proposals-count")).to_be_hidden()
    expect(title.locator("textarea")).to_have_value("Stoppt die Abschiebung")


def test_reviewer_confirms_before_changing_approved_text(open_editor, live_project, viewport):
    approve_in_catalog(live_project, TITLE, "Stoppt die Abschiebung", reviewer="rev2")
    page = open_editor("rev_de")
    title = segment(page, TITLE)
    title.locator("textarea").fill("Stoppt die Ausweisung")
    page.keyboard.press("Control+Enter")
    confirm = title.locator(".confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("This segment is approved")
    expect(title.locator(".state")).to_have_text("Approved")
    screenshot(page, f"editor-approved-confirm-{viewport}")
    confirm.locator("button", has_text="Cancel").click()
    expect(confirm).to_be_hidden()
    expect(title.locator(".state")).to_have_text("Approved")
    page.keyboard.press("Control+Enter")
    confirm.locator("button", has_text="Change approved text").click()
    expect(title.locator(".state")).to_have_text("Translated")


def test_blocking_checks_offer_approve_anyway_with_a_reason(open_editor, live_project, viewport):
    """A wrong year blocks approval (the real server's 422); approving anyway needs a reason, which is recorded."""
    page = open_editor("coord")  # a coordinator may approve their own translation
    sent = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/approve") else None)
    ruling = segment(page, RULING)
    ruling.locator("textarea").fill("Respektiert das Urteil von 2022.")
    page.keyboard.press("Alt+a")
    override = ruling.locator(".override")
    expect(override).to_be_visible()
    expect(override).to_contain_text("2023")
    expect(override).to_contain_text("2022")
    expect(ruling.locator(".state")).to_have_text("Translated")
    screenshot(page, f"editor-blocking-{viewport}")
    override.locator("button", has_text="Approve anyway").click()  # the reason is required
    expect(override).to_be_visible()
    assert all("override" not in b for b in sent)
    override.locator("input[name=reason]").fill("The court corrected the year")
    override.locator("button", has_text="Approve anyway").click()
    expect(override).to_be_hidden()
    expect(ruling.locator(".state")).to_have_text("Approved")
    assert sent[-1]["override"] == "The court corrected the year"
    reason = ruling.locator(".override-reason")  # the overridden segment shows why, also after a reload
    expect(reason).to_have_text("Approved by coord despite failing checks (numbers): The court corrected the year")
    page.reload()
    expect(segment(page, RULING).locator(".override-reason")).to_have_text(
        "Approved by coord despite failing checks (numbers): The court corrected the year"
    )
    from translate_app.project import Project

    catalog = Project(live_project).catalog_path("appeal", "de").read_text(encoding="utf-8")
    assert "override" in catalog and "The court corrected the year" in catalog.replace("\n#. ", " ")


def test_conflict_badge_shows_their_state(login, live_server, viewport):
    first, second = login("tr_de"), login("tr2_de")
    for page in (first, second):
        page.set_viewport_size(VIEWPORTS[viewport])
        page.goto(live_server + "/releases/appeal/de")
        expect(page.locator("li.segment.current")).to_be_visible()
    segment(first, TITLE).locator("textarea").fill("Fassung eins")
    first.keyboard.press("Control+Enter")
    expect(segment(first, TITLE).locator(".state")).to_have_text("Translated")
    expect(segment(second, TITLE).locator(".state")).to_have_text("Machine")
    segment(second, TITLE).locator("textarea").fill("Fassung zwei")
    second.keyboard.press("Control+Enter")
    conflict = segment(second, TITLE).locator(".conflict")
    expect(conflict).to_be_visible()
    expect(segment(second, TITLE).locator(".state")).to_have_text("Translated")  # theirs, not the old "Machine"
    expect(conflict.locator("pre.theirs")).to_have_text("Fassung eins")
    expect(segment(second, TITLE).locator("textarea")).to_have_value("Fassung zwei")
    expect(segment(second, TITLE).locator(".unsaved-mark")).to_be_visible()
    screenshot(second, f"editor-conflict-{viewport}")


def test_live_preview_follows_saves_and_marks_english_in_hebrew(open_editor, live_server, viewport):
    page = open_editor("tr_de", "he")
    preview = page.context.new_page()
    preview.set_viewport_size(VIEWPORTS[viewport])
    preview.goto(live_server + "/releases/appeal/he/preview")
    assert preview.locator("html").get_attribute("dir") == "rtl"
    marked = preview.locator("main .untranslated")
    expect(marked).to_have_count(5)
    expect(marked.first).to_have_attribute("dir", "ltr")
    expect(marked.first).to_have_attribute("lang", "en")
    assert marked.first.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert marked.first.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    expect(preview.locator("main h1")).to_have_text("Stop the deportation")

    segment(page, TITLE).locator("textarea").fill("עצרו את הגירוש")
    page.keyboard.press("Control+Enter")
    expect(segment(page, TITLE).locator(".state")).to_have_text("Translated")
    # Without a reload: the preview shows the saved Hebrew and one fewer English part.
    expect(preview.locator("main h1")).to_have_text("עצרו את הגירוש", timeout=8000)
    expect(marked).to_have_count(4)
    expect(preview.locator("main h1 .untranslated")).to_have_count(0)
    screenshot(preview, f"preview-hebrew-{viewport}")
    screenshot(page, f"editor-hebrew-{viewport}")


SAMPLE = (
    __import__("pathlib").Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "kuzmin-2026-03-30.md"
)


def test_real_release_search_in_hebrew_shows_only_matches(open_editor, live_project, live_server, viewport):
    if not SAMPLE.is_file():
        pytest.skip(f"the sample release is not at {SAMPLE}")
    from translate_app.project import Project

    target = live_project / "source" / SAMPLE.name
    target.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    Project(live_project).add_release(target, ["he"])
    page = open_editor("tr_de", "he")
    page.goto(f"{live_server}/releases/{SAMPLE.stem}/he")
    segments = page.locator("li.segment")
    total = segments.count()
    page.fill("#filter-text", "IFOR")
    count = page.locator("#filter-count")
    expect(count).to_have_text(re.compile(rf"^\d+ of {total} segments$"))
    shown = int(count.inner_text().split()[0])
    assert 0 < shown < total
    visible = [i for i in range(total) if segments.nth(i).is_visible()]
    assert len(visible) == shown
    assert all("ifor" in segments.nth(i).get_attribute("data-source").lower() for i in visible)
    # Ctrl+Enter on the first match goes to the next match, not to a segment far down the page.
    first, second = segments.nth(visible[0]), segments.nth(visible[1])
    first.locator("textarea").fill("IFOR — תרגום")
    page.keyboard.press("Control+Enter")
    expect(first.locator(".state")).to_have_text("Translated")
    expect(second.locator("textarea")).to_be_focused()
    expect(second).to_be_in_viewport()
    screenshot(page, f"editor-real-hebrew-search-{viewport}")

    preview = page.context.new_page()
    preview.set_viewport_size(VIEWPORTS[viewport])
    preview.goto(f"{live_server}/releases/{SAMPLE.stem}/he/preview")
    expect(preview.locator("main .untranslated").first).to_be_visible()
    assert "\ue000" not in preview.content()
    expect(preview.locator("main", has_text="IFOR — תרגום")).to_be_visible()
    screenshot(preview, f"preview-real-hebrew-{viewport}")
    preview.locator("main li", has_text="IFOR — תרגום").scroll_into_view_if_needed()
    preview.screenshot(
        path=str(
            screenshot(preview, f"preview-real-hebrew-{viewport}-top").parent
            / f"preview-real-hebrew-{viewport}-ifor.png"
        )
    )
