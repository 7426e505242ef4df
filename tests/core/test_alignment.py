"""Aligning partners' translations to the source, on real pairs and on the sample reformatted by a partner.

Pairs (origin in tests/data/partners/README.md and the corpus README):
- the sample release and a German version written for these tests, reformatted as a partner would
  (one paragraph split, two merged, one sentence-paragraph left out, a note added, the footnote moved);
- Kubernetes' k8s.gcr.io freeze announcement, English and the project's own German translation;
- F-Droid's 2019-07-16 statement rendered from the project's own German and Polish po4a catalogs,
  then reformatted (two paragraphs merged, one left out).
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from translate_app.core import alignment as al
from translate_app.core.segmenter import read_source, render, segment

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT.parent / "shared" / "corpus" / "md_pairs"
needs_corpus = pytest.mark.skipif(not PAIRS.is_dir(), reason="../shared/corpus is not beside the checkout")


def _units(path: Path) -> list[al.Unit]:
    return al.units(segment(read_source(path)))


def _identity(n: int, edits: dict[int, tuple[int, ...]], offset_from: dict[int, int]) -> dict[int, tuple[int, ...]]:
    """A confirmed alignment: source i -> target i + the offset in force at i, with explicit edits."""
    confirmed, shift = {}, 0
    for i in range(n):
        shift = offset_from.get(i, shift)
        confirmed[i] = edits.get(i, (i + shift,))
    return {i: t for i, t in confirmed.items() if t}


def test_the_sample_reformatted_by_a_partner_is_aligned():
    source = _units(ROOT / "source" / "kuzmin-2026-03-30.md")
    target = _units(ROOT / "tests" / "data" / "partners" / "kuzmin.de.md")
    steps = al.align(source, target)
    # 7 was split in two (7, 8); 10 and 11 were merged into 11; 20 was left out; a note was added at the end.
    confirmed = _identity(len(source), {7: (7, 8), 10: (11,), 11: (11,), 20: ()}, {8: 1, 12: 0, 21: -1})
    score = al.agreement(steps, confirmed, len(source))
    assert (score.right, score.wrong, score.left_out) == (70, 0, 0)
    doubtful = [st for st in steps if st.doubtful and st.shape != (1, 1)]
    assert [st.shape for st in doubtful] == [(1, 2), (2, 1), (1, 0), (0, 1)]
    proposed = al.proposal(source, target, steps)
    assert proposed[7].startswith("Von 1995 bis 2000") and "2002 verließ er die Armee" in proposed[7]
    assert proposed[10].startswith("Die litauische Migrationsbehörde") and proposed[10].endswith("berief.")
    assert proposed[11].startswith("Maksim Kuzmin focht diese Entscheidung")
    assert proposed[20] is None
    assert proposed[31] == "Aktionsgemeinschaft Dienst für den Frieden (AGDF) – Deutschland"
    assert "Anmerkung der Übersetzung" not in " ".join(p for p in proposed if p)


def test_the_sample_in_french_with_markdown_headings_a_split_and_a_merge():
    source = _units(ROOT / "source" / "kuzmin-2026-03-30.md")
    target = _units(ROOT / "tests" / "data" / "partners" / "kuzmin.fr.md")
    steps = al.align(source, target)
    # 4 was split in two (4, 5); 18 and 19 were merged into 19; the section titles became "## " headings.
    confirmed = _identity(len(source), {4: (4, 5), 18: (19,), 19: (19,)}, {5: 1, 20: 0})
    score = al.agreement(steps, confirmed, len(source))
    assert (score.right, score.wrong, score.left_out) == (70, 0, 0)
    proposed = al.proposal(source, target, steps)
    assert proposed[5] == "Contexte" and proposed[19].startswith("Pendant son séjour en Lituanie, il n'a donné")
    assert proposed[69] == "World Without War – Corée du Sud"


@needs_corpus
def test_kubernetes_german_translation_is_aligned_one_to_one():
    source = _units(PAIRS / "k8s-gcr-io-freeze-announcement.en.md")
    target = _units(PAIRS / "k8s-gcr-io-freeze-announcement.de.md")
    steps = al.align(source, target)
    confirmed = {i: (i,) for i in range(len(source))}
    assert al.agreement(steps, confirmed, len(source)).accuracy == 1.0


def _fdroid(lang: str) -> tuple[list[al.Unit], str]:
    path = PAIRS / "fdroid-2019-07-16-statement.en.md"
    doc = segment(read_source(path))
    po = polib.pofile(str(PAIRS / f"fdroid-2019-07-16-statement.{lang}.po"))
    found = {e.msgid: e.msgstr for e in po if e.msgstr and "fuzzy" not in e.flags}
    return al.units(doc), render(doc, lambda b: found.get(b.text))


@needs_corpus
@pytest.mark.parametrize("lang", ["de", "pl"])
def test_fdroid_statement_from_its_own_catalogs_reformatted(lang):
    source, translated = _fdroid(lang)
    paragraphs = translated.split("\n\n")
    untouched = _units_of(translated)
    assert al.agreement(al.align(source, untouched), {i: (i,) for i in range(len(source))}, len(source)).accuracy == 1.0
    # The partner merged the third and fourth blocks and left the sixth out.
    third = next(k for k, p in enumerate(paragraphs) if untouched[2].text.split()[0] in p)
    merged = paragraphs[:third] + [paragraphs[third] + " " + paragraphs[third + 1]] + paragraphs[third + 2 :]
    sixth = next(k for k, p in enumerate(merged) if untouched[5].text[:30] in p)
    del merged[sixth]
    target = _units_of("\n\n".join(merged))
    steps = al.align(source, target)
    confirmed = {0: (0,), 1: (1,), 2: (2,), 3: (2,), 4: (3,), 6: (4,)}
    score = al.agreement(steps, confirmed, len(source))
    assert score.right == len(source), (score, steps)


def _units_of(text: str) -> list[al.Unit]:
    return al.units(segment(text))


def test_split_for_cuts_at_sentence_ends_near_the_sources_shares():
    text = "Erster Satz ist hier. Zweiter Satz folgt. Dritter und letzter Satz ist etwas länger als die anderen."
    assert al.split_for(text, [20, 20, 50]) == [
        "Erster Satz ist hier.",
        "Zweiter Satz folgt.",
        "Dritter und letzter Satz ist etwas länger als die anderen.",
    ]
    assert al.split_for("Ein Satz.", [10, 10]) == ["Ein Satz.", ""]


def test_anchors_are_what_translation_keeps():
    a = al.anchors("On 2 April 2026 the **court** in Kaunas (UNHCR) [ruled](https://example.org/a).")
    assert {"n:2", "n:2026", "c:UNHCR", "m:**", "m:](", "u:https://example.org/a"} <= set(a)


def test_empty_and_one_sided_documents():
    assert al.align([], []) == []
    assert [st.shape for st in al.align([al.Unit("A.")], [])] == [(1, 0)]
    assert [st.shape for st in al.align([], [al.Unit("B.")])] == [(0, 1)]


def test_a_moved_unit_is_found_again():
    source = [al.Unit(f"Paragraph {i} about item {i * 7} of the list.") for i in range(6)]
    source.append(al.Unit("See https://example.org/guidelines-no-10 for the UNHCR guidelines."))
    target = [al.Unit(f"Absatz {i} über Punkt {i * 7} der Liste.") for i in range(6)]
    target.insert(2, al.Unit("Siehe https://example.org/guidelines-no-10 für die UNHCR-Richtlinien."))
    steps = al.align(source, target)
    moved = [st for st in steps if st.moved]
    assert len(moved) == 1 and moved[0].source == (6,) and moved[0].target == (2,)
