"""Corrections after publication: a source change, decided per segment, survives msgmerge."""

from __future__ import annotations

import shutil
import subprocess

import polib
import pytest

from translate_app.core import corrections as corr
from translate_app.core.catalog import merge
from translate_app.core.states import State, entry_state, set_approved, set_machine, set_translated

OLD = "Maksim Kuzmin applied for protection in Lithuania."
NEW = "Maksim Kuzmin applied for protection in Lithuania in 2022."
TYPO_OLD = "The undersigned organisations express thier concern."
TYPO_NEW = "The undersigned organisations express their concern."


def _catalogs():
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    a = polib.POEntry(msgid=OLD)
    set_translated(a, "Maksim Kuzmin beantragte Schutz in Litauen.", by="ana")
    set_approved(a, by="rev")
    b = polib.POEntry(msgid=TYPO_OLD)
    set_translated(b, "Die unterzeichnenden Organisationen äußern ihre Sorge.", by="ana")
    set_approved(b, by="rev")
    c = polib.POEntry(msgid="Unchanged sentence.")
    set_translated(c, "Unveränderter Satz.", by="ana")
    po.extend([a, b, c])
    template = polib.POFile()
    template.extend(
        [polib.POEntry(msgid=NEW), polib.POEntry(msgid=TYPO_NEW), polib.POEntry(msgid="Unchanged sentence.")]
    )
    return merge(po, template)


def test_a_source_change_is_pending_in_every_changed_segment():
    po = _catalogs()
    found = corr.pending(po)
    assert set(found) == {NEW, TYPO_NEW}
    assert found[TYPO_NEW].old_source == TYPO_OLD and found[TYPO_NEW].was_approved
    assert entry_state(po.find(TYPO_NEW)) == State.NEEDS_REVIEW


def test_wording_only_keeps_the_translation_approved_in_the_deciders_name():
    po = _catalogs()
    entry = po.find(TYPO_NEW)
    assert corr.decide(entry, corr.Decision.WORDING_ONLY, by="coord") == State.APPROVED
    assert entry_state(entry) == State.APPROVED
    assert entry.msgstr == "Die unterzeichnenden Organisationen äußern ihre Sorge."
    assert "by=coord" in entry.tcomment and not entry.previous_msgid and "fuzzy" not in entry.flags
    assert TYPO_NEW not in corr.pending(po)
    with pytest.raises(ValueError, match="no source change"):
        corr.decide(entry, corr.Decision.MEANING_CHANGED, by="coord")


def test_meaning_changed_stays_needs_review_with_the_old_source_and_is_not_asked_again():
    po = _catalogs()
    entry = po.find(NEW)
    assert corr.decide(entry, corr.Decision.MEANING_CHANGED, by="coord") == State.NEEDS_REVIEW
    assert entry_state(entry) == State.NEEDS_REVIEW and entry.previous_msgid == OLD
    assert corr.decided(entry) is corr.Decision.MEANING_CHANGED and NEW not in corr.pending(po)
    set_translated(entry, "Maksim Kuzmin beantragte 2022 Schutz in Litauen.", by="ana")
    assert "correction:" not in entry.tcomment  # the decision goes with the next translation


def test_a_decision_is_bound_to_the_source_it_was_made_for():
    po = _catalogs()
    entry = po.find(NEW)
    corr.decide(entry, corr.Decision.MEANING_CHANGED, by="coord")
    template = polib.POFile()
    template.extend(
        [
            polib.POEntry(msgid=NEW + " Again."),
            polib.POEntry(msgid=TYPO_NEW),
            polib.POEntry(msgid="Unchanged sentence."),
        ]
    )
    again = merge(po, template)
    assert NEW + " Again." in corr.pending(again)  # a second change asks again


def test_machine_suggestions_stay_suggestions():
    po = polib.POFile()
    e = polib.POEntry(msgid="Old text.")
    set_machine(e, "Alter Text.", provider="libretranslate")
    po.append(e)
    template = polib.POFile()
    template.append(polib.POEntry(msgid="Old text!"))
    merged = merge(po, template)
    entry = merged.find("Old text!")
    assert corr.decide(entry, corr.Decision.WORDING_ONLY, by="coord") == State.MACHINE
    assert entry_state(entry) == State.MACHINE


@pytest.mark.skipif(not shutil.which("msgmerge"), reason="GNU gettext's msgmerge is not installed")
def test_the_decision_survives_gnu_msgmerge(tmp_path):
    po = _catalogs()
    corr.decide(po.find(NEW), corr.Decision.MEANING_CHANGED, by="coord")
    po.save(str(tmp_path / "de.po"))
    template = polib.POFile()
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    template.extend(
        [polib.POEntry(msgid=NEW), polib.POEntry(msgid=TYPO_NEW), polib.POEntry(msgid="Unchanged sentence.")]
    )
    template.save(str(tmp_path / "t.pot"))
    subprocess.run(
        [
            "msgmerge",
            "--quiet",
            "--previous",
            "-o",
            str(tmp_path / "out.po"),
            str(tmp_path / "de.po"),
            str(tmp_path / "t.pot"),
        ],
        check=True,
    )
    out = polib.pofile(str(tmp_path / "out.po"))
    assert corr.decided(out.find(NEW)) is corr.Decision.MEANING_CHANGED
    assert set(corr.pending(out)) == {TYPO_NEW}
