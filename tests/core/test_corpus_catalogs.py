"""Real catalogs from other projects: we read them, judge their states and checks, and meet po4a."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from tests.conftest import CORPUS
from translate_app import storage
from translate_app.core import catalog as cat
from translate_app.core.compiler import render_markdown
from translate_app.core.segmenter import make_parser, segment
from translate_app.core.states import State, entry_state
from translate_app.core.status import catalog_status

PAIRS = CORPUS / "md_pairs"
FDROID = "fdroid-2019-07-16-statement"
CATALOGS = sorted(CORPUS.glob("po/*.po")) + sorted(PAIRS.glob("*.po")) + sorted(PAIRS.glob("*.pot"))

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")

# What the catalogs hold, as GNU msgattrib counts it: (translated, fuzzy with text, obsolete).
EXPECTED = {
    "git__pl.po": (5211, 0, 259),  # the corpus README says 262 obsolete; msgattrib counts 259
    "fdroid-website-posts__pl.po": (3435, 76, 0),
    "gnome-clocks__ar.po": (150, 0, 35),
    "gnome-clocks__lt.po": (187, 0, 47),
    "sphinx__lt.po": (124, 0, 0),
    f"{FDROID}.de.po": (7, 0, 0),
    f"{FDROID}.ar.po": (0, 0, 0),
}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_real_catalog_loads_and_gets_states_and_checks(path: Path) -> None:
    po = cat.load(path)
    live = [e for e in po if not e.obsolete]
    states = [entry_state(e) for e in live]
    status = catalog_status(po, po.metadata.get("Language", ""))
    assert status.total == len([e for e in live if e.msgid])
    assert sum(status.counts.values()) == status.total
    assert State.APPROVED not in states  # nobody approved these with our service
    # Our states agree with gettext's notion of translated and fuzzy.
    translated = sum(s == State.TRANSLATED for s in states)
    fuzzy = sum(s in (State.NEEDS_REVIEW, State.MACHINE) for s in states)
    assert translated == len([e for e in po.translated_entries() if e.msgid])
    assert fuzzy == len([e for e in live if "fuzzy" in e.flags and (e.msgstr or any(e.msgstr_plural.values()))])
    if path.name in EXPECTED:
        assert (translated, fuzzy, len(po) - len(live)) == EXPECTED[path.name]


def test_plural_entries_count_as_translated() -> None:
    po = cat.load(CORPUS / "po" / "git__pl.po")
    plural = [e for e in po if e.msgid_plural and not e.obsolete]
    assert len(plural) == 66
    assert {entry_state(e) for e in plural} == {State.TRANSLATED}


def test_previous_msgid_without_fuzzy_is_still_translated() -> None:
    """gnome-clocks' Ukrainian catalog keeps `#| msgid` on entries a translator already confirmed."""
    po = cat.load(CORPUS / "po" / "gnome-clocks__uk.po")
    confirmed = [e for e in po if e.previous_msgid and "fuzzy" not in e.flags and not e.obsolete]
    assert confirmed
    assert {entry_state(e) for e in confirmed} == {State.TRANSLATED}


@pytest.mark.parametrize("path", [p for p in CATALOGS if p.suffix == ".po"], ids=lambda p: p.name)
def test_rewriting_a_real_catalog_keeps_it_valid_and_its_states(path: Path, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")

    def valid(p: Path) -> bool:
        return subprocess.run([msgfmt, "--check", "-o", os.devnull, str(p)], capture_output=True).returncode == 0

    out = tmp_path / path.name
    po = cat.load(path)
    storage.save(po, out)
    assert valid(out) == valid(path)
    again = cat.load(out)
    assert [(e.msgid, entry_state(e)) for e in again] == [(e.msgid, entry_state(e)) for e in po]


# -- po4a's catalogs of the F-Droid statement --------------------------------------


def test_our_segments_match_po4a_msgids() -> None:
    """po4a made these catalogs from the same Markdown; we find every one of its segments."""
    doc = segment((PAIRS / f"{FDROID}.en.md").read_text(encoding="utf-8"), f"{FDROID}.en.md")
    ours = set(doc.texts())
    theirs = [e.msgid for e in cat.load(PAIRS / f"{FDROID}.pot")]
    matched = sum(msgid in ours for msgid in theirs)
    print(f"po4a msgids matched by our segmenter: {matched} of {len(theirs)}")
    assert matched >= 7 and len(theirs) == 7  # measured: 7 of 7, and we make no extra segment
    assert len(ours) == len(theirs)


def test_a_po4a_translation_renders_with_our_splicing() -> None:
    source = (PAIRS / f"{FDROID}.en.md").read_text(encoding="utf-8")
    doc = segment(source, f"{FDROID}.en.md")
    german = cat.load(PAIRS / f"{FDROID}.de.po")
    out = render_markdown(doc, german)
    assert out.startswith('---\nlayout: post\ntitle: "Öffentliche Stellungnahme zur Neutralität freier Software"\n')
    assert [t.type for t in make_parser().parse(out)] == [t.type for t in make_parser().parse(source)]
    assert all(block.text not in out for block in doc.blocks)


def test_merging_a_po4a_catalog_with_our_template_keeps_every_translation() -> None:
    doc = segment((PAIRS / f"{FDROID}.en.md").read_text(encoding="utf-8"), f"{FDROID}.en.md")
    template = cat.template_from_document(doc, FDROID)
    polish = cat.load(PAIRS / f"{FDROID}.pl.po")
    merged = cat.merge(polish, template)
    assert [e.msgstr for e in merged] == [polish.find(e.msgid).msgstr for e in template]
    assert {entry_state(e) for e in merged} == {State.TRANSLATED}
    assert merged.metadata["Language"] == "pl"


def test_the_large_fdroid_catalog_holds_our_segments_of_the_statement() -> None:
    big = {e.msgid for e in cat.load(CORPUS / "po" / "fdroid-website-posts__pl.po")}
    doc = segment((CORPUS / "md" / "f-droid__fdroid-website__2019-07-16-statement.md").read_text(encoding="utf-8"))
    assert all(text in big for text in doc.texts())


def test_a_po4a_catalog_read_by_polib_directly_agrees_with_ours() -> None:
    path = CORPUS / "po" / "fdroid-website-posts__pl.po"
    assert [(e.msgid, e.msgstr) for e in cat.load(path)] == [(e.msgid, e.msgstr) for e in polib.pofile(str(path))]
