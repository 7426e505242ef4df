"""The live preview: today's translations, untranslated parts marked left-to-right, a version to follow saves."""

from __future__ import annotations

import re

from translate_app.core.states import set_translated
from translate_app.project import Project
from translate_app.storage import edit as edit_catalog

PREVIEW = "/releases/appeal/he/preview"


def translate(web_project, language, source, text):
    with edit_catalog(Project(web_project).catalog_path("appeal", language)) as po:
        set_translated(po.find(source), text, by="tr_de")


def test_preview_marks_untranslated_segments_and_escapes(client, auth, web_project):
    auth.login("coord")
    translate(web_project, "he", "Stop the deportation", "עצרו <script>alert(1)</script>")
    page = client.get(PREVIEW).get_data(as_text=True)
    assert '<html lang="he" dir="rtl">' in page
    # The translated heading is Hebrew, escaped, and not marked.
    assert "<h1>עצרו &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    # Every other segment is still English, isolated left-to-right.
    marked = re.findall(r'<span class="untranslated" lang="en" dir="ltr">(.*?)</span>', page)
    assert "Signed on March 30th 2026." in marked
    assert any("<strong>Court</strong>" in m and 'href="https://example.org/mk"' in m for m in marked)
    assert len([m for m in marked if m != "Marked text"]) == 4  # the note at the top explains the marking
    assert "\ue000" not in page and "\ue001" not in page


def test_preview_sentinels_never_reach_attributes_or_the_title(client, auth, web_project):
    source = web_project / "source" / "appeal.md"
    source.write_text("# Title\n\n![A photo of the court](court.jpg)\n", encoding="utf-8")
    Project(web_project).update("appeal")
    auth.login("coord")
    page = client.get(PREVIEW).get_data(as_text=True)
    assert "\ue000" not in page and "\ue001" not in page
    assert "<title>Title</title>" in page
    assert 'alt="A photo of the court"' in page


def test_preview_answers_not_modified_until_a_save(client, auth, web_project):
    auth.login("coord")
    first = client.get(PREVIEW)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert client.get(PREVIEW, headers={"If-None-Match": etag}).status_code == 304
    translate(web_project, "he", "Stop the deportation", "עצרו את הגירוש")
    again = client.get(PREVIEW, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert "עצרו את הגירוש" in again.get_data(as_text=True)


def test_preview_needs_the_language(client, auth):
    auth.login("tr_fr")
    assert client.get(PREVIEW).status_code == 403
