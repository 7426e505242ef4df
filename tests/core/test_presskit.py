"""Press outputs, each read back: pages and their links, DOCX paragraphs, ODT text, PDF text and direction, e-mail."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
docx_lib = pytest.importorskip("docx", reason="python-docx is in the test extra")
pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra")

from translate_app.presskit import documents  # noqa: E402
from translate_app.presskit.kit import press_kit  # noqa: E402
from translate_app.presskit.mailbody import email_bodies  # noqa: E402
from translate_app.presskit.page import language_page  # noqa: E402

ENGLISH = (ROOT / "source" / "kuzmin-2026-03-30.md").read_text(encoding="utf-8")
GERMAN = (ROOT / "tests" / "data" / "partners" / "kuzmin.de.md").read_text(encoding="utf-8")
ARABIC = """بيان صحفي مشترك

تعرب المنظمات الموقعة أدناه عن قلقها البالغ إزاء الخطر الوشيك لترحيل مكسيم كوزمين إلى روسيا، قبل جلسة **2 نيسان/أبريل 2026** في [محكمة كاوناس](https://example.org/kaunas).

- أولاً: دراسة جميع ظروف القضية بعناية؛
- ثانياً: مراعاة أحكام المحاكم السابقة.
"""  # noqa: E501 - a paragraph is one line of Markdown here
JAPANESE = (
    "共同プレスリリース\n\n"
    "人権団体は、マクシム・クズミンのロシアへの強制送還の差し迫った危険について深い懸念を表明します。\n"
)
LANGS = {
    "en": ("Joint press release", ENGLISH),
    "de": ("Gemeinsame Pressemitteilung", GERMAN),
    "ar": ("بيان صحفي مشترك", ARABIC),
    "ja": ("共同プレスリリース", JAPANESE),
}


def _url(code: str) -> str:
    return f"https://press.example.org/kuzmin/{code}/"


def test_page_links_every_published_language_both_ways_with_x_default():
    published = sorted(LANGS)
    pages = {
        code: language_page(md, code, published=published, url_for=_url, default="en", title=title)
        for code, (title, md) in LANGS.items()
    }
    for code, page in pages.items():
        assert re.search(rf'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">', page)
        for other in published:
            assert f'<link rel="alternate" hreflang="{other}" href="{_url(other)}">' in page
        assert f'<link rel="alternate" hreflang="x-default" href="{_url("en")}">' in page
        assert f'href="{_url(code)}" aria-current="page"' in page
    assert ">العربية<" in pages["de"] and ">Deutsch<" in pages["ar"] and ">日本語<" in pages["en"]
    unpublished = language_page(GERMAN, "de", published=["de", "en"], url_for=_url, default="en")
    assert 'hreflang="ar"' not in unpublished and "العربية" not in unpublished
    with pytest.raises(ValueError):
        language_page(GERMAN, "fr", published=["de"], url_for=_url, default="de")


def test_a_translation_with_markup_is_text_on_the_page():
    page = language_page(
        "Text <script>alert(1)</script> & more", "de", published=["de"], url_for=_url, default="de", title="<b>t</b>"
    )
    assert "<script>" not in page and "&lt;script&gt;" in page and "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page


def test_docx_reads_back_with_paragraphs_lists_and_right_to_left():
    german = docx_lib.Document(io.BytesIO(documents.docx(GERMAN, "de", "Gemeinsame Pressemitteilung")))
    texts = [p.text for p in german.paragraphs]
    assert "Hintergrund" in texts
    assert any(t.startswith("Die unterzeichnenden Organisationen äußern") for t in texts)
    assert "Our House – Belarus und Litauen" in texts
    assert german.core_properties.title == "Gemeinsame Pressemitteilung"
    arabic = docx_lib.Document(io.BytesIO(documents.docx(ARABIC, "ar", "بيان صحفي مشترك")))
    body = [p for p in arabic.paragraphs if "مكسيم كوزمين" in p.text]
    assert body and body[0]._p.pPr is not None and body[0]._p.pPr.find(docx_lib.oxml.ns.qn("w:bidi")) is not None


def test_odt_reads_back():
    data = documents.odt(GERMAN, "de", "Gemeinsame Pressemitteilung")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = zf.read("content.xml").decode()
    assert "Zivilgesellschaftliches Engagement in Litauen" in content
    assert "Südkorea" in content
    back = documents.to_markdown(data, "release.odt")
    assert "Die unterzeichnenden Organisationen äußern ihre ernste Sorge" in back


def _lines_x(pdf: bytes) -> list[tuple[float, str]]:
    """Return (x of the line's start, its text) for each text run of the first page."""
    runs: list[tuple[float, str]] = []
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((cm[4] + tm[4] * cm[0], text))

    page.extract_text(visitor_text=visit)
    return runs


def test_pdf_text_and_direction():
    german_page = language_page(GERMAN, "de", published=["de"], url_for=_url, default="de")
    german = documents.pdf(german_page)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(german)).pages)
    assert "Maksim Kuzmin" in text and "Südkorea" in text
    arabic = documents.pdf(language_page(ARABIC, "ar", published=["ar"], url_for=_url, default="ar"))
    reader = pypdf.PdfReader(io.BytesIO(arabic))
    arabic_text = reader.pages[0].extract_text()
    assert "2026" in arabic_text and re.search("[\u0600-\u06ff]", arabic_text)
    width = float(reader.pages[0].mediabox.width)
    starts = [x for x, t in _lines_x(arabic) if re.search("[\u0600-\u06ff]", t)]
    german_starts = [x for x, t in _lines_x(german) if t.strip()]
    # Right-to-left lines are set against the right margin: their runs begin further right than a
    # left-to-right page's, whose lines all begin at the left margin.
    assert min(german_starts) < width * 0.2
    assert max(starts) > width * 0.5
    japanese = documents.pdf(language_page(JAPANESE, "ja", published=["ja"], url_for=_url, default="ja"))
    assert "クズミン" in pypdf.PdfReader(io.BytesIO(japanese)).pages[0].extract_text()


def test_email_bodies():
    html_body, text = email_bodies(ARABIC, "ar", title="بيان صحفي مشترك")
    assert '<html lang="ar" dir="rtl">' in html_body and "text-align:right" in html_body
    assert "<style" not in html_body and '<p style="margin:0 0 1em">' in html_body
    assert "مكسيم كوزمين" in text and "https://example.org/kaunas" in text and "<" not in text.split("[")[0]
    _, german_text = email_bodies(GERMAN, "de", title="Pressemitteilung")
    assert "**" not in german_text and "Hintergrund" in german_text


def test_press_kit_zip_has_everything_for_each_published_language():
    data = press_kit("kuzmin", LANGS, default="en")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        for code in LANGS:
            for name in (
                f"{code}/index.html",
                f"{code}/kuzmin-{code}.docx",
                f"{code}/kuzmin-{code}.odt",
                f"{code}/kuzmin-{code}.pdf",
                f"{code}/email.html",
                f"{code}/email.txt",
                f"{code}/kuzmin-{code}.md",
            ):
                assert name in names
        page = zf.read("de/index.html").decode()
        assert 'hreflang="ar" href="../ar/index.html"' in page
        assert zf.read("de/kuzmin-de.pdf").startswith(b"%PDF")
    with pytest.raises(ValueError):
        press_kit("kuzmin", {"de": LANGS["de"]}, default="en")


def test_partner_files_that_cannot_be_read_get_a_clear_error():
    with pytest.raises(documents.DocumentError, match="cannot be read as DOCX"):
        documents.to_markdown(b"PK\x03\x04 not really a zip", "statement.docx")
    with pytest.raises(documents.DocumentError, match="send DOCX, ODT"):
        documents.to_markdown(b"%PDF-1.7", "statement.pdf")
    with pytest.raises(documents.DocumentError, match="not UTF-8"):
        documents.to_markdown(b"\xff\xfe\x00broken", "statement.md")


def test_documents_are_cached_by_what_they_are_made_from(tmp_path, monkeypatch):
    calls = []
    real_docx = documents.docx
    monkeypatch.setattr(documents, "docx", lambda *a: calls.append(a[1]) or real_docx(*a))
    langs = {"de": LANGS["de"], "ja": LANGS["ja"]}
    first = press_kit("kuzmin", langs, default="de", cache_dir=tmp_path)
    assert sorted(calls) == ["de", "ja"]
    more = dict(langs, ar=LANGS["ar"])
    second = press_kit("kuzmin", more, default="de", cache_dir=tmp_path)
    assert sorted(calls) == ["ar", "de", "ja"]  # only the new language's document was made
    with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
        assert a.read("de/kuzmin-de.docx") == b.read("de/kuzmin-de.docx")
        assert 'hreflang="ar"' in b.read("de/index.html").decode()  # pages list the new language
        assert 'hreflang="ar"' not in a.read("de/index.html").decode()
    assert not list(tmp_path.glob(".*.part"))
