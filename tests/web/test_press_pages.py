"""Public press pages: only published languages, lang/dir, the switcher, hreflang both ways, escaping, ETag."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.factory import make_project
from translate_app.core.states import set_approved, set_translated
from translate_app.storage import edit as edit_catalog

SOURCE = """# Stop the deportation

The undersigned organisations call on the **Court** to protect Maksim Kuzmin.

- Protect conscientious objectors.
"""
TRANSLATIONS = {
    "de": {
        "Stop the deportation": "Stoppt die Abschiebung",
        "The undersigned organisations call on the **Court** to protect Maksim Kuzmin.": (
            "Die unterzeichnenden Organisationen rufen das **Gericht** auf, Maksim Kuzmin zu schützen."
        ),
        "Protect conscientious objectors.": "Schützt Kriegsdienstverweigerer <script>alert('x')</script>.",
    },
    "ar": {
        "Stop the deportation": "أوقفوا الترحيل",
        "The undersigned organisations call on the **Court** to protect Maksim Kuzmin.": (
            "تدعو المنظمات الموقعة **المحكمة** إلى حماية مكسيم كوزمين."
        ),
        "Protect conscientious objectors.": "احموا المستنكفين ضميرياً.",
    },
    "fr": {
        "Stop the deportation": "Arrêtez l'expulsion",
        "The undersigned organisations call on the **Court** to protect Maksim Kuzmin.": (
            "Les organisations soussignées appellent la **Cour** à protéger Maksim Kuzmin."
        ),
        "Protect conscientious objectors.": "Protégez les objecteurs de conscience.",
    },
}


@pytest.fixture
def web_project(tmp_path: Path) -> Path:
    """A release in German, Arabic and French (replaces the web conftest's)."""
    return make_project(tmp_path / "project", source=SOURCE, languages=["de", "ar", "fr"])


def approve_all(root: Path, language: str) -> None:
    with edit_catalog(root / f"locales/{language}/LC_MESSAGES/appeal.po") as po:
        for entry in po:
            if entry.msgid:
                set_translated(entry, TRANSLATIONS[language][entry.msgid], by="tr_de")
                set_approved(entry, by="rev_de")


def publish(client, auth, root: Path, *languages: str) -> None:
    auth.login("coord")
    for language in languages:
        approve_all(root, language)
        token = auth.csrf("/coordinate/releases/appeal")
        r = client.post(f"/coordinate/releases/appeal/{language}/publish", data={"csrf_token": token})
        assert r.status_code == 302
    auth.logout()


class Page(HTMLParser):
    """What a press page says about itself, read with the standard library's HTML parser."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.alternates: dict[str, str] = {}
        self.switcher: list[dict[str, str | None]] = []
        self.texts: list[str] = []
        self.scripts = 0
        self._in_nav = False
        self._link: dict[str, str | None] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        elif tag == "link" and a.get("rel") == "alternate":
            self.alternates[str(a["hreflang"])] = str(a["href"])
        elif tag == "nav":
            self._in_nav = True
        elif tag == "a" and self._in_nav:
            self._link = {**a, "text": ""}
            self.switcher.append(self._link)
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] = (self._link["text"] or "") + data
        elif data.strip():
            self.texts.append(data.strip())


def test_published_languages_link_each_other_with_x_default(client, auth, web_project):
    publish(client, auth, web_project, "de", "ar")
    base = "http://localhost/press/appeal/"
    pages = {}
    for code in ("de", "ar"):
        r = client.get(f"/press/appeal/{code}/")  # no login
        assert r.status_code == 200, r.get_data(as_text=True)
        pages[code] = Page(r.get_data(as_text=True))
    assert pages["de"].html_attrs == {"lang": "de", "dir": "ltr"}
    assert pages["ar"].html_attrs == {"lang": "ar", "dir": "rtl"}
    for page in pages.values():
        # hreflang both ways: every published page names every published page, itself included, and x-default.
        assert page.alternates == {"de": base + "de/", "ar": base + "ar/", "x-default": base}
        assert [(a["hreflang"], a["text"]) for a in page.switcher] == [("ar", "العربية"), ("de", "Deutsch")]
        assert [a["dir"] for a in page.switcher] == ["rtl", "ltr"]
    assert [a["href"] for a in pages["ar"].switcher if a.get("aria-current") == "page"] == [base + "ar/"]
    assert "أوقفوا الترحيل" in pages["ar"].texts and "Stoppt die Abschiebung" in pages["de"].texts
    # French is not published: no page, no link.
    assert client.get("/press/appeal/fr/").status_code == 404
    assert "fr" not in pages["de"].alternates and "Français" not in {a["text"] for a in pages["de"].switcher}


def test_nothing_published_is_not_there(client, auth, web_project):
    assert client.get("/press/appeal/").status_code == 404
    assert client.get("/press/appeal/de/").status_code == 404
    assert client.get("/press/nosuch/de/").status_code == 404
    approve_all(web_project, "de")  # approved is not published
    assert client.get("/press/appeal/de/").status_code == 404
    assert client.get("/press/appeal/xx-!!/").status_code == 404


def test_the_bare_address_picks_the_browser_language(client, auth, web_project):
    publish(client, auth, web_project, "de", "ar")
    r = client.get("/press/appeal/", headers={"Accept-Language": "fr-FR, ar;q=0.8, de;q=0.5"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/press/appeal/ar/")
    assert "Accept-Language" in r.headers["Vary"]
    r = client.get("/press/appeal/", headers={"Accept-Language": "de-AT"})
    assert r.headers["Location"].endswith("/press/appeal/de/")
    # Nothing the browser wants is published: the default (the source's language when published, else the first).
    r = client.get("/press/appeal/", headers={"Accept-Language": "ja"})
    assert r.headers["Location"].endswith("/press/appeal/ar/")


def test_a_script_in_a_translation_is_text(client, auth, web_project):
    publish(client, auth, web_project, "de")
    r = client.get("/press/appeal/de/")
    body = r.get_data(as_text=True)
    page = Page(body)
    assert page.scripts == 0 and "<script>" not in body
    assert any("<script>alert('x')</script>" in t for t in page.texts)  # shown as text
    policy = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "'sha256-" in policy


def test_the_page_is_what_was_published_not_the_catalog_now(client, auth, web_project):
    publish(client, auth, web_project, "de")
    with edit_catalog(web_project / "locales/de/LC_MESSAGES/appeal.po") as po:
        for entry in po:
            if entry.msgid == "Stop the deportation":
                set_translated(entry, "Neuer Titel", by="tr_de")
                set_approved(entry, by="rev_de")
    body = client.get("/press/appeal/de/").get_data(as_text=True)
    assert "Stoppt die Abschiebung" in body and "Neuer Titel" not in body


def test_etag_and_304(client, auth, web_project):
    publish(client, auth, web_project, "de")
    r = client.get("/press/appeal/de/")
    etag = r.headers["ETag"]
    assert etag and "public" in r.headers["Cache-Control"] and "max-age=" in r.headers["Cache-Control"]
    again = client.get("/press/appeal/de/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # Compressed (the ETag then names the encoding): a browser's revalidation is a 304 too.
    gz = client.get("/press/appeal/de/", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gz.headers["ETag"] != etag
    again = client.get("/press/appeal/de/", headers={"Accept-Encoding": "gzip", "If-None-Match": gz.headers["ETag"]})
    assert again.status_code == 304
    # Publishing another language changes the page (its switcher): the old ETag no longer matches.
    publish(client, auth, web_project, "ar")
    changed = client.get("/press/appeal/de/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_address_spelling_and_coordinator_link(client, auth, web_project):
    publish(client, auth, web_project, "de")
    assert client.get("/press/appeal/DE/").status_code == 301
    auth.login("coord")
    page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert page.count('href="/press/appeal/de/"') >= 1 and "Public page" in page
    assert 'href="/press/appeal/ar/"' not in page


def test_a_republished_errata_note_is_on_the_page_once(app, client, auth, web_project):
    """The note a correction was republished with is part of the published text: shown once, at its end, escaped."""
    from sqlalchemy import select

    from translate_app import workflow
    from translate_app.models import User
    from translate_app.project import Project
    from translate_app.web.extensions import Database

    approve_all(web_project, "de")
    with Database.factory(app)() as session:
        coord = session.scalar(select(User).where(User.name == "coord"))
        workflow.publish(
            session=session,
            project=Project(web_project),
            user=coord,
            release="appeal",
            language="de",
            errata="Korrigiert: <b>2 April</b>",
        )
    page = client.get("/press/appeal/de/").get_data(as_text=True)
    assert page.count("Korrigiert: &lt;b&gt;2 April&lt;/b&gt;") == 1
    assert "<b>2 April</b>" not in page
    texts = Page(page).texts
    assert texts.index("Stoppt die Abschiebung") < next(i for i, t in enumerate(texts) if "Korrigiert" in t)
