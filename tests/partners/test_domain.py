"""Partners' translations in, on the sample release: align (Markdown, DOCX, pasted text, another tool's PO),
then write only where no person's work is, as `needs review` credited to the partner."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from tests.conftest import ROOT, SAMPLE
from translate_app import partners, storage
from translate_app.core import catalog as cat
from translate_app.core.errors import TranslateAppError
from translate_app.core.states import (
    State,
    entry_partner,
    entry_state,
    review_fields,
    set_approved,
    set_machine,
    set_partner,
    set_translated,
)
from translate_app.project import Project

RELEASE = SAMPLE.stem
DATA = ROOT / "tests" / "data" / "partners"
MAX = 5 * 1024 * 1024


@pytest.fixture
def sample(tmp_path: Path) -> Project:
    (tmp_path / "source").mkdir()
    shutil.copy(SAMPLE, tmp_path / "source" / SAMPLE.name)
    project = Project(tmp_path)
    project.add_release(tmp_path / "source" / SAMPLE.name, ["de", "fr"])
    return project


def _pandoc_file(markdown: str, to: str) -> bytes:
    import tempfile

    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"partner.{to}"
        pypandoc.convert_text(markdown, to, format="commonmark_x-smart", outputfile=str(out))  # quotes as typed
        return out.read_bytes()


def _by_flag(proposal: partners.Alignment, flag: str) -> list[int]:
    return [row.position for row in proposal.rows if flag in row.flags]


def test_the_german_markdown_is_aligned_with_its_merge_split_and_left_out_paragraph_flagged(sample):
    markdown, origin = partners.read_document((DATA / "kuzmin.de.md").read_bytes(), "kuzmin.de.md", None, max_bytes=MAX)
    proposal = partners.align_document(sample, RELEASE, "de", "Connection e.V.", markdown, origin)
    assert len(proposal.rows) == len(sample.document(RELEASE).blocks) == 70
    assert _by_flag(proposal, "split") == [7]
    assert _by_flag(proposal, "merged") == [10, 11]
    assert _by_flag(proposal, "left out") == [20]
    assert {7, 10, 11, 20} <= set(_by_flag(proposal, "doubtful"))
    assert proposal.rows[20].text == "" and proposal.rows[7].text.startswith("Von 1995 bis 2000")
    assert proposal.rows[31].text == "Aktionsgemeinschaft Dienst für den Frieden (AGDF) – Deutschland"
    assert proposal.added == ["Anmerkung der Übersetzung: Die deutsche Fassung wurde von Connection e.V. erstellt."]
    assert proposal.writable == 69
    data = proposal.as_json()
    assert data["rows"][10]["flags"] == ["doubtful", "merged"] and data["writable"] == 69


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_docx_made_with_pandoc_aligns_as_its_markdown_does(sample, language):
    """The partner's Word file: the same text with a merged and a split paragraph, read back through pandoc."""
    text = (DATA / f"kuzmin.{language}.md").read_text(encoding="utf-8")
    from_md = partners.align_document(sample, RELEASE, language, "Partner", text, "md")
    markdown, origin = partners.read_document(
        _pandoc_file(text, "docx"), f"kuzmin.{language}.docx", None, max_bytes=MAX
    )
    from_docx = partners.align_document(sample, RELEASE, language, "Partner", markdown, origin)
    assert origin == f"kuzmin.{language}.docx"
    merged, split = {"de": ([10, 11], [7]), "fr": ([18, 19], [4])}[language]
    assert _by_flag(from_docx, "merged") == merged and _by_flag(from_docx, "split") == split

    def plain(s: str) -> str:
        return " ".join(s.replace("\\", "").split())

    same = sum(plain(a.text) == plain(b.text) for a, b in zip(from_md.rows, from_docx.rows, strict=True))
    differ = [
        (a.text, b.text) for a, b in zip(from_md.rows, from_docx.rows, strict=True) if plain(a.text) != plain(b.text)
    ]
    assert same >= 68, differ


def test_pasted_text_and_unreadable_files_get_clear_errors(sample):
    markdown, origin = partners.read_document(None, None, "Hallo\r\n\r\nWelt", max_bytes=MAX)
    assert (markdown, origin) == ("Hallo\n\nWelt", "pasted text")
    with pytest.raises(partners.PartnerError, match="choose the partner's file or paste"):
        partners.read_document(None, None, "  \n", max_bytes=MAX)
    with pytest.raises(partners.PartnerError, match="cannot be read as DOCX"):
        partners.read_document(b"not a zip", "statement.docx", None, max_bytes=MAX)
    with pytest.raises(partners.PartnerError, match="send DOCX, ODT"):
        partners.read_document(b"%PDF-1.4", "statement.pdf", None, max_bytes=MAX)
    with pytest.raises(partners.PartnerError, match="larger than 10 bytes"):
        partners.read_document(b"x" * 11, "a.md", None, max_bytes=10)
    with pytest.raises(partners.PartnerError, match="not an e-mail address"):
        partners.clean_partner("press@partner.example")
    with pytest.raises(partners.PartnerError, match="partner organisation's name"):
        partners.align_document(sample, RELEASE, "de", "  ", "Hallo", "pasted text")


def _entry(project: Project, language: str, position: int) -> polib.POEntry:
    text = project.document(RELEASE).blocks[position].text
    return next(e for e in project.load_catalog(RELEASE, language) if e.msgid == text)


def test_confirmed_texts_land_as_needs_review_credited_to_the_partner_never_over_a_persons_work(sample):
    blocks = sample.document(RELEASE).blocks
    with storage.edit(sample.catalog_path(RELEASE, "de")) as po:
        by_text = {e.msgid: e for e in po}
        set_machine(by_text[blocks[3].text], "Maschinentext", provider="libretranslate")
        set_translated(by_text[blocks[4].text], "Von einer Person übersetzt", by="tr_de")
        set_translated(by_text[blocks[5].text], "Hintergrund", by="tr_de")
        set_approved(by_text[blocks[5].text], by="rev_de")
    markdown = (DATA / "kuzmin.de.md").read_text(encoding="utf-8")
    proposal = partners.align_document(sample, RELEASE, "de", "Connection e.V.", markdown, "kuzmin.de.md")
    assert [r.position for r in proposal.rows if r.kept] == [4, 5]
    assert proposal.rows[4].current == "Von einer Person übersetzt" and proposal.rows[4].state == "translated"
    assert proposal.writable == 67
    confirmed = [{"segment_id": r.segment_id, "text": r.text} for r in proposal.rows]
    outcome = partners.write_partner_texts(
        sample, RELEASE, "de", partners.confirmed_texts(confirmed), "Connection e.V."
    )
    assert len(outcome.written) == 67
    assert [(c.before, c.before_state) for c in outcome.kept] == [
        ("Von einer Person übersetzt", "translated"),
        ("Hintergrund", "approved"),
    ]
    assert outcome.kept[0].text.startswith("Maksim Kuzmin ist ein russischer Staatsbürger")
    fresh = Project(sample.root)
    machine = _entry(fresh, "de", 3)
    assert entry_state(machine) == State.NEEDS_REVIEW and machine.msgstr.startswith("Die unterzeichnenden")
    assert entry_partner(machine) == "Connection e.V." and "machine" not in review_fields(machine)
    assert "# partner: name=Connection%20e.V. at=" in cat.serialise(fresh.load_catalog(RELEASE, "de"))
    assert _entry(fresh, "de", 4).msgstr == "Von einer Person übersetzt"
    assert entry_state(_entry(fresh, "de", 5)) == State.APPROVED
    assert entry_state(_entry(fresh, "de", 20)) == State.UNTRANSLATED  # left out by the partner
    # Taken in again, nothing changes: the partner's own texts now wait for review (a person decides).
    again = partners.write_partner_texts(
        Project(sample.root), RELEASE, "de", partners.confirmed_texts(confirmed), "Connection e.V."
    )
    assert again.written == [] and len(again.kept) == 69


def test_an_unknown_segment_writes_nothing(sample):
    before = sample.catalog_path(RELEASE, "de").read_bytes()
    good = sample.load_catalog(RELEASE, "de")[0]
    with pytest.raises(TranslateAppError, match="no segment 0123456789ab"):
        partners.write_partner_texts(sample, RELEASE, "de", {cat.entry_id(good): "Hallo", "0123456789ab": "x"}, "P")
    assert sample.catalog_path(RELEASE, "de").read_bytes() == before
    with pytest.raises(partners.PartnerError, match="not a segment id"):
        partners.confirmed_texts([{"segment_id": "../../etc", "text": "x"}])


def test_a_partner_line_survives_saving_and_a_persons_save_replaces_it(sample):
    entry = _entry(sample, "de", 3)
    set_partner(entry, "Text", "Très Long Name e.V. — Büro für Kriegsdienstverweigerung und Menschenrechte")
    assert entry_partner(entry) == "Très Long Name e.V. — Büro für Kriegsdienstverweigerung und Menschenrechte"
    assert entry_state(entry) == State.NEEDS_REVIEW
    po = polib.POFile(wrapwidth=40)  # a narrow width: polib wraps the comment line
    po.append(entry)
    again = polib.pofile(po.__unicode__())[0]
    assert entry_partner(again) == entry_partner(entry)
    set_translated(again, "Text von Person", by="tr_de")
    assert entry_partner(again) is None and "partner" not in review_fields(again)


def _po(entries: list[tuple[str, str, bool]]) -> bytes:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    for msgid, msgstr, fuzzy in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"] if fuzzy else []))
    return po.__unicode__().encode()


def test_a_weblate_catalog_is_matched_by_source_text_with_whitespace_normalised(sample):
    blocks = sample.document(RELEASE).blocks
    data = _po(
        [
            (blocks[3].text.replace(" ", "\n", 3), "Erster Absatz", False),
            (blocks[5].text, "Hintergrund", True),
            ("A text that is not in this release", "Anderswo", False),
            (blocks[6].text, "", False),
        ]
    )
    proposal = partners.match_catalog(sample, RELEASE, "de", "Weblate", data, "kuzmin-de.po", max_bytes=MAX)
    assert proposal.origin == "catalog kuzmin-de.po"
    assert proposal.rows[3].text == "Erster Absatz" and proposal.rows[3].flags == []
    assert proposal.rows[5].text == "Hintergrund" and proposal.rows[5].flags == ["doubtful", "fuzzy"]
    assert proposal.rows[6].text == "" and "left out" in proposal.rows[6].flags
    assert proposal.writable == 2
    with pytest.raises(partners.PartnerError, match="not a PO catalog|no translated entry"):
        partners.match_catalog(sample, RELEASE, "de", "Weblate", b"<html>", "x.po", max_bytes=MAX)
    with pytest.raises(partners.PartnerError, match="none of its 1 source texts"):
        partners.match_catalog(
            sample, RELEASE, "de", "Weblate", _po([("Elsewhere", "Anderswo", False)]), "x.po", max_bytes=MAX
        )
