"""`translate-app presskit`: approved languages from the catalogs, the source as x-default, a clear list of the rest."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polib
from click.testing import CliRunner

from tests.conftest import SAMPLE
from translate_app.cli import main
from translate_app.core.states import set_approved, set_translated

RELEASE = SAMPLE.stem
GERMAN = Path(__file__).resolve().parents[1] / "data" / "partners" / "kuzmin.de.md"


def test_presskit_has_every_approved_language_and_names_the_others(sample_project: Path):
    from translate_app.core import alignment as al
    from translate_app.core.segmenter import read_source, segment

    source = al.units(segment(read_source(sample_project / "source" / SAMPLE.name)))
    german = al.proposal(source, al.units(segment(read_source(GERMAN))))
    po_path = sample_project / "locales" / "de" / "LC_MESSAGES" / f"{RELEASE}.po"
    po = polib.pofile(str(po_path))
    by_source = {u.text: text for u, text in zip(source, german, strict=True)}
    for entry in po:
        set_translated(entry, by_source.get(entry.msgid) or entry.msgid, by="ana")
        set_approved(entry, by="rev")
    po.save(str(po_path))

    out = sample_project / "kit.zip"
    result = CliRunner().invoke(
        main, ["presskit", RELEASE, "-o", str(out), "--base-url", "https://press.example.org/k"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "2 languages (de, en)" in result.output and "not yet approved, left out: he" in result.output
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as zf:
        page = zf.read("de/index.html").decode()
        assert '<link rel="alternate" hreflang="x-default" href="https://press.example.org/k/en/">' in page
        assert "Hintergrund" in page and 'hreflang="he"' not in page
        assert f"en/{RELEASE}-en.pdf" in zf.namelist()
    assert list((sample_project / "build" / "presskit" / RELEASE).glob("*.docx"))


def test_presskit_of_an_unknown_release_is_one_line(sample_project: Path):
    result = CliRunner().invoke(main, ["presskit", "nope", "-o", str(sample_project / "k.zip")])
    assert result.exit_code == 1 and "error:" in result.output
    assert not (sample_project / "k.zip").exists()
