"""Review states: kept in translator comments and the fuzzy flag, approvals bound to the text."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from translate_app import storage
from translate_app.core import catalog as cat
from translate_app.core.states import (
    State,
    approval_hash,
    entry_state,
    review_fields,
    set_approved,
    set_machine,
    set_translated,
    set_untranslated,
    stale_approval,
)
from translate_app.project import Project

RELEASE = "kuzmin-2026-03-30"


def entry(msgid: str = "Background", msgstr: str = "", tcomment: str = "") -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, tcomment=tcomment)


def test_a_segment_goes_from_untranslated_to_approved() -> None:
    e = entry()
    assert entry_state(e) == State.UNTRANSLATED

    set_machine(e, "Hintergrund", provider="libretranslate", score=87, when="2026-03-30T09:00:00Z")
    assert entry_state(e) == State.MACHINE
    assert "fuzzy" in e.flags
    assert review_fields(e)["machine"] == {"provider": "libretranslate", "date": "2026-03-30", "score": "87"}

    set_translated(e, "Hintergrund", by="alice", when="2026-03-30T10:00:00Z")
    assert entry_state(e) == State.TRANSLATED
    assert "fuzzy" not in e.flags
    assert "machine" not in review_fields(e)
    assert review_fields(e)["translated"] == {"by": "alice", "at": "2026-03-30T10:00:00Z"}

    set_approved(e, by="bob", when="2026-03-30T11:00:00Z")
    assert entry_state(e) == State.APPROVED
    assert review_fields(e)["approved"] == {"by": "bob", "at": "2026-03-30T11:00:00Z", "sha256": approval_hash(e)}
    assert review_fields(e)["translated"]["by"] == "alice"  # who translated is still known

    set_untranslated(e)
    assert entry_state(e) == State.UNTRANSLATED
    assert review_fields(e) == {}


STATE_CASES = [
    # (description, msgstr, flags, previous msgid, comment, expected state)
    ("empty", "", [], None, "", State.UNTRANSLATED),
    ("white space only", "  ", [], None, "", State.UNTRANSLATED),
    ("fuzzy but empty", "", ["fuzzy"], "Old", "", State.UNTRANSLATED),
    ("machine suggestion", "Hintergrund", ["fuzzy"], None, "machine: provider=google date=2026-03-30", State.MACHINE),
    (
        "machine suggestion, then the source changed",
        "Hintergrund",
        ["fuzzy"],
        "Old background",
        "machine: provider=google date=2026-03-30",
        State.NEEDS_REVIEW,
    ),
    ("fuzzy from msgmerge", "Hintergrund", ["fuzzy"], "Old background", "", State.NEEDS_REVIEW),
    ("fuzzy from a person's editor", "Hintergrund", ["fuzzy"], None, "", State.NEEDS_REVIEW),
    ("written in Poedit", "Hintergrund", [], None, "", State.TRANSLATED),
    ("approval of another text", "Hintergrund", [], None, "approved: by=bob sha256=0123456789abcdef", State.TRANSLATED),
]


@pytest.mark.parametrize(
    ("msgstr", "flags", "previous", "comment", "state"), [c[1:] for c in STATE_CASES], ids=[c[0] for c in STATE_CASES]
)
def test_state_of_an_entry(msgstr: str, flags: list[str], previous: str | None, comment: str, state: State) -> None:
    e = entry(msgstr=msgstr, tcomment=comment)
    e.flags = list(flags)
    e.previous_msgid = previous
    assert entry_state(e) == state


def test_approval_is_bound_to_source_and_translation() -> None:
    e = entry(msgstr="Hintergrund")
    set_approved(e, by="bob")
    assert not stale_approval(e)
    e.msgstr = "Der Hintergrund"
    assert entry_state(e) == State.TRANSLATED and stale_approval(e)
    e.msgstr = "Hintergrund"
    assert entry_state(e) == State.APPROVED
    e.msgid = "Background and context"
    assert entry_state(e) == State.TRANSLATED and stale_approval(e)


def test_translating_again_drops_the_approval() -> None:
    e = entry(msgstr="Hintergrund")
    set_approved(e, by="bob")
    set_translated(e, "Der Hintergrund", by="alice")
    assert entry_state(e) == State.TRANSLATED
    assert "approved" not in review_fields(e) and not stale_approval(e)


def test_a_translators_own_comments_are_kept() -> None:
    e = entry(tcomment="Keep the name of the court in Lithuanian.")
    set_machine(e, "Hintergrund", provider="deepl")
    set_translated(e, "Hintergrund", by="alice")
    set_approved(e, by="bob")
    assert e.tcomment.splitlines()[0] == "Keep the name of the court in Lithuanian."
    set_untranslated(e)
    assert e.tcomment == "Keep the name of the court in Lithuanian."


def test_states_survive_writing_and_reading(tmp_path: Path) -> None:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    for n, state in enumerate(["untranslated", "machine", "translated", "approved"]):
        e = entry(msgid=f"Segment {n}")
        if state != "untranslated":
            set_machine(e, f"Abschnitt {n}", provider="memory")
        if state in ("translated", "approved"):
            set_translated(e, f"Abschnitt {n}", by="alice")
        if state == "approved":
            set_approved(e, by="bob")
        po.append(e)
    path = tmp_path / "de.po"
    storage.save(po, path)
    assert [entry_state(e).value for e in cat.load(path)] == ["untranslated", "machine", "translated", "approved"]


def test_a_translation_edited_as_text_is_no_longer_approved(sample_project: Path) -> None:
    """Poedit or a text editor changes the msgstr: the approval no longer holds, compile --check says so."""
    project = Project(sample_project)
    path = project.catalog_path(RELEASE, "de")
    with storage.edit(path) as po:
        e = po.find("Background")
        set_translated(e, "Hintergrund", by="alice")
        set_approved(e, by="bob")
    assert project.compile(check=True).ok

    text = path.read_text(encoding="utf-8")
    assert text.count('msgstr "Hintergrund"') == 1
    path.write_text(text.replace('msgstr "Hintergrund"', 'msgstr "Der Hintergrund"'), encoding="utf-8")

    e = cat.load(path).find("Background")
    assert entry_state(e) == State.TRANSLATED and stale_approval(e)
    report = project.compile(check=True)
    assert not report.ok
    assert any("approval no longer matches" in p and f"de/LC_MESSAGES/{RELEASE}.po:" in p for p in report.problems)
