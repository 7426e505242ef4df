"""The partners' pages: only coordinators, CSRF on every post, nothing written before the confirm button,
a person's translation never overwritten, and the memory as TMX."""

from __future__ import annotations

import io
import re

import polib
from sqlalchemy import select

from translate_app import storage
from translate_app.core import catalog as cat
from translate_app.core.states import State, entry_partner, entry_state, set_approved, set_machine, set_translated
from translate_app.project import Project

GERMAN = """# Stoppt die Abschiebung

Die unterzeichnenden Organisationen rufen das **Gericht** auf, [Maksim Kuzmin](https://example.org/mk) zu schützen.

- Kriegsdienstverweigerer schützen.
- Das Urteil von 2023 respektieren.

Unterzeichnet am 30. März 2026.
"""


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _upload(client, auth, **fields):
    page = client.get("/coordinate/releases/appeal/partners")
    data = {
        "csrf_token": _csrf(page.get_data(as_text=True)),
        "partner": "Connection e.V.",
        "language": "de",
        "pasted": "",
        **fields,
    }
    return client.post("/coordinate/releases/appeal/partners", data=data, content_type="multipart/form-data")


def _rows(html: str) -> list[tuple[str, str]]:
    ids = re.findall(r'name="segment_id" value="([0-9a-f]{12})"', html)
    texts = re.findall(r'<textarea name="text"[^>]*>(.*?)</textarea>', html, re.S)
    return list(zip(ids, texts, strict=True))


def _catalog(app, language="de") -> polib.POFile:
    return Project(app.config["SETTINGS"].root).load_catalog("appeal", language)


def test_only_coordinators_see_and_use_the_partner_pages(client, auth):
    for path in ("/coordinate/releases/appeal/partners", "/coordinate/memory", "/coordinate/memory/de.tmx"):
        assert client.get(path).status_code == 302  # to the login page
    auth.login("rev_de")
    token = auth.csrf("/")
    for path in ("/coordinate/releases/appeal/partners", "/coordinate/memory", "/coordinate/memory/de.tmx"):
        assert client.get(path).status_code == 403
    answer = client.post(
        "/coordinate/releases/appeal/partners/de/write",
        data={"csrf_token": token, "partner": "X", "segment_id": "0" * 12, "text": "x"},
    )
    assert answer.status_code == 403


def test_the_release_page_links_to_the_partner_page(client, auth):
    auth.login("coord")
    html = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert 'href="/coordinate/releases/appeal/partners"' in html


def test_pasted_text_is_aligned_and_written_only_when_confirmed(app, client, auth):
    auth.login("coord")
    before = app.config["SETTINGS"].root.joinpath("locales/de/LC_MESSAGES/appeal.po").read_bytes()
    answer = _upload(client, auth, pasted=GERMAN)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Write 5 segments as needs review" in html
    assert "Die unterzeichnenden Organisationen rufen das **Gericht** auf" in html
    assert app.config["SETTINGS"].root.joinpath("locales/de/LC_MESSAGES/appeal.po").read_bytes() == before
    rows = _rows(html)
    assert len(rows) == 5
    data = {
        "csrf_token": _csrf(html),
        "partner": "Connection e.V.",
        "origin": "pasted text",
        "segment_id": [r[0] for r in rows],
        "text": [r[1] for r in rows],
    }
    done = client.post("/coordinate/releases/appeal/partners/de/write", data=data)
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "5 segments written as" in page and "credited to Connection e.V." in page
    po = _catalog(app)
    live = [e for e in po if e.msgid]
    assert all(entry_state(e) == State.NEEDS_REVIEW and entry_partner(e) == "Connection e.V." for e in live)
    assert live[0].msgstr == "Stoppt die Abschiebung"
    from translate_app.models import AuditLog
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        logged = session.scalars(select(AuditLog).where(AuditLog.action == "partner")).all()
    assert len(logged) == 5 and {r.note for r in logged} == {"partner Connection e.V. (pasted text)"}
    assert {r.new_state for r in logged} == {"needs_review"} and logged[0].user.name == "coord"
    auth.logout()
    auth.login("tr_de")  # the German translator sees who translated it
    editor = client.get("/releases/appeal/de").get_data(as_text=True)
    assert editor.count("translation by the partner Connection e.V., needs review") == 5


def test_a_persons_translation_is_kept_and_can_become_a_proposal(app, client, auth):
    root = app.config["SETTINGS"].root
    project = Project(root)
    with storage.edit(project.catalog_path("appeal", "de")) as po:
        entries = [e for e in po if e.msgid]
        set_translated(entries[0], "Stoppt die Abschiebung!", by="tr_de")
        set_approved(entries[0], by="rev_de")
        set_translated(entries[1], "Text einer Person", by="tr_de")
        set_machine(entries[2], "Maschine", provider="libretranslate")
    auth.login("coord")
    html = _upload(client, auth, pasted=GERMAN).get_data(as_text=True)
    assert "Write 3 segments as needs review" in html
    assert html.count("Kept, not written") == 2 and "Text einer Person" in html
    rows = _rows(html)
    data = {
        "csrf_token": _csrf(html),
        "partner": "Connection e.V.",
        "segment_id": [r[0] for r in rows],
        "text": [r[1] for r in rows],
        "propose": [rows[0][0]],
    }
    page = client.post("/coordinate/releases/appeal/partners/de/write", data=data).get_data(as_text=True)
    assert "3 segments written as" in page and "2 kept" in page and "proposed to reviewers" in page
    live = [e for e in _catalog(app) if e.msgid]
    assert (live[0].msgstr, entry_state(live[0])) == ("Stoppt die Abschiebung!", State.APPROVED)
    assert (live[1].msgstr, entry_state(live[1])) == ("Text einer Person", State.TRANSLATED)
    assert entry_state(live[2]) == State.NEEDS_REVIEW and live[2].msgstr.startswith("Kriegsdienstverweigerer")
    from translate_app.models import Proposal
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        proposals = session.scalars(select(Proposal)).all()
        assert [(p.segment_id, p.text, p.status) for p in proposals] == [
            (cat.entry_id(live[0]), "Stoppt die Abschiebung", "open")
        ]


def test_posts_without_the_csrf_token_are_refused_and_write_nothing(app, client, auth):
    auth.login("coord")
    path = app.config["SETTINGS"].root / "locales/de/LC_MESSAGES/appeal.po"
    before = path.read_bytes()
    entry = next(e for e in _catalog(app) if e.msgid)
    answer = client.post(
        "/coordinate/releases/appeal/partners/de/write",
        data={"partner": "X", "segment_id": cat.entry_id(entry), "text": "Hallo"},
    )
    assert answer.status_code == 400
    answer = client.post(
        "/coordinate/releases/appeal/partners", data={"partner": "X", "language": "de", "pasted": GERMAN}
    )
    assert answer.status_code == 400
    assert path.read_bytes() == before


def test_errors_keep_the_form(client, auth):
    auth.login("coord")
    answer = _upload(client, auth, partner="Connection e.V.", pasted="")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "choose the partner&#39;s file or paste their text" in html
    assert 'value="Connection e.V."' in html
    answer = _upload(client, auth, partner="", pasted=GERMAN)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "give the partner organisation&#39;s name" in html
    assert "Stoppt die Abschiebung" in html  # the pasted text is still there
    answer = _upload(client, auth, upload=(io.BytesIO(b"not a word file"), "statement.docx"))
    assert answer.status_code == 400 and "statement.docx: cannot be read as DOCX" in answer.get_data(as_text=True)
    answer = _upload(client, auth, language="xx", pasted=GERMAN)
    assert answer.status_code == 400 and "Not a valid choice" in answer.get_data(as_text=True)
    # An uploaded file is kept when the form comes back: the next attempt needs only what was missing.
    answer = _upload(client, auth, partner="", upload=(io.BytesIO(GERMAN.encode()), "Stoppt die Abschiebung.md"))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Your file <strong>Stoppt-die-Abschiebung.md</strong> is kept" in html
    token = re.search(r'name="kept" type="hidden" value="([^"]+)"', html).group(1)
    answer = _upload(client, auth, partner="Connection e.V.", kept=token)
    assert answer.status_code == 200 and "Write 5 segments as needs review" in answer.get_data(as_text=True)
    assert "Stoppt-die-Abschiebung.md" in answer.get_data(as_text=True)


def test_a_po_from_another_tool_is_matched_by_source_text(app, client, auth):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Stop the   deportation", msgstr="Stoppt die Abschiebung"))
    po.append(polib.POEntry(msgid="Protect conscientious objectors.", msgstr="Verweigerer schützen."))
    auth.login("coord")
    html = _upload(
        client, auth, partner="Weblate", upload=(io.BytesIO(po.__unicode__().encode()), "appeal-de.po")
    ).get_data(as_text=True)
    assert "catalog appeal-de.po" in html and "Write 2 segments as needs review" in html
    rows = _rows(html)
    data = {
        "csrf_token": _csrf(html),
        "partner": "Weblate",
        "segment_id": [r[0] for r in rows],
        "text": [r[1] for r in rows],
    }
    assert "2 segments written" in client.post("/coordinate/releases/appeal/partners/de/write", data=data).get_data(
        as_text=True
    )
    written = {e.msgid: e for e in _catalog(app) if entry_partner(e) == "Weblate"}
    assert set(written) == {"Stop the deportation", "Protect conscientious objectors."}


def test_the_memory_downloads_and_uploads_as_tmx(app, client, auth):
    from translate_app.core import tmx
    from translate_app.mt.memory import memory_index

    project = Project(app.config["SETTINGS"].root)
    with storage.edit(project.catalog_path("appeal", "de")) as po:
        first = next(e for e in po if e.msgid)
        set_translated(first, "Stoppt die Abschiebung", by="tr_de")
        set_approved(first, by="rev_de")
    auth.login("coord")
    answer = client.get("/coordinate/memory/de.tmx")
    assert answer.status_code == 200 and "memory.de.tmx" in answer.headers["Content-Disposition"]
    units = list(tmx.read(answer.data, "en", "de"))
    assert [(u.source, u.target, u.properties) for u in units] == [
        ("Stop the deportation", "Stoppt die Abschiebung", {"x-release": "appeal"})
    ]
    assert b"tr_de" not in answer.data and b"rev_de" not in answer.data
    other = tmx.write([tmx.Unit("Signed on March 30th 2026.", "Unterzeichnet am 30. März 2026.")], "en", "de")
    page = client.get("/coordinate/memory").get_data(as_text=True)
    answer = client.post(
        "/coordinate/memory",
        data={"csrf_token": _csrf(page), "language": "de", "upload": (io.BytesIO(other), "omegat.tmx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "1 translation unit of omegat.tmx taken into the German memory" in answer.get_data(as_text=True)
    match = memory_index(project, "de").exact("Signed on March 30th 2026.")
    assert match is not None and (match.text, match.origin) == ("Unterzeichnet am 30. März 2026.", "tmx:omegat")
    answer = client.post(
        "/coordinate/memory",
        data={"csrf_token": _csrf(page), "language": "de", "upload": (io.BytesIO(b"<html/>"), "bad.tmx")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400 and "not a TMX file" in answer.get_data(as_text=True)


def test_a_long_release_confirms_in_one_form(app, client, auth):
    """Over 1000 fields (the limit of multipart forms): the confirm form is URL-encoded and has none."""
    auth.login("coord")
    html = _upload(client, auth, pasted=GERMAN).get_data(as_text=True)
    rows = _rows(html) * 120  # 600 rows: 1200 fields
    data = {
        "csrf_token": _csrf(html),
        "partner": "Connection e.V.",
        "segment_id": [r[0] for r in rows],
        "text": [r[1] for r in rows],
    }
    answer = client.post("/coordinate/releases/appeal/partners/de/write", data=data)
    assert answer.status_code == 200 and "5 segments written as" in answer.get_data(as_text=True)
