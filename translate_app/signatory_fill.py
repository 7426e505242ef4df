"""Signatory lists filled in every language: names kept, countries from CLDR, descriptions left to reviewers.

A release's signatory lists (core/signatories.py recognises them) would
otherwise be dozens of segments to translate in every language, most of them
nothing but an organisation's name and a country. Whenever a release is
updated (`Project.update`: a release added, languages added, the source
changed), every signatory item of every language that nobody has worked on is
written here, inside update's per-catalog lock and single save:

* the organisation's name as written, or its per-language form from the
  release's glossary (`replace: {Name: {ru: Транслитерация}}`);
* its countries named from CLDR through Babel in the language;
* its description (`FOR India (Indian branch of IFOR)`) left in the source
  language.

A filled entry is fuzzy, so `needs review`, and carries a `signatories` line
(core/states.set_signatories) with a hash of the text written and, while the
description is still in the source language, `todo=description`: the editor
says so, and reviewers translate it.

What may be filled: an untranslated entry, a machine suggestion nobody has
touched, the service's own earlier fill while its text is unchanged (so a
changed source item is written again), and a text msgmerge lent from another
segment that is still in the source (a guess for a new item, not anyone's
work on it). Never a person's or a partner's text, nor a translation of this
item's earlier source. An item whose country CLDR cannot name in the
language is not filled (a fill of the service's own that became so is
emptied).

Machine pre-translation (mt/engine.py) leaves the items this would fill
alone, and the translation memory learns only approved texts, so a fill is
learnt only once a reviewer approved it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polib

from . import storage
from .core import signatories as sig
from .core.blocks import Document
from .core.errors import TranslateAppError
from .core.glossary import Glossary, glossary_path, load_glossary
from .core.states import (
    State,
    entry_signatories,
    entry_state,
    review_fields,
    set_signatories,
    set_untranslated,
)

if TYPE_CHECKING:
    from .project import Project

log = logging.getLogger(__name__)

#: The language the sources are written in (country names are recognised in it).
SOURCE_LANGUAGE = "en"

#: What became of one signatory item in one language.
FILLED = "filled"  # name and countries written, nothing left to translate; waits for review
DESCRIPTION = "description"  # filled, its description still in the source language
PEOPLE = "people"  # a person's or partner's text (translated, approved, or theirs waiting for review)
NOT_FILLED = "not filled"  # still untranslated (or a machine suggestion): see the reasons


@dataclass
class Tally:
    """The signatory items of one language: how many, and what each has become."""

    language: str
    recognised: int = 0
    filled: int = 0
    description: int = 0
    people: int = 0
    not_filled: int = 0
    written: int = 0  # entries this pass wrote (filled, filled again, or emptied)
    reasons: Counter[str] = field(default_factory=Counter)  # why items are not filled

    def add(self, outcome: str, reason: str = "") -> None:
        """Count one item's outcome."""
        self.recognised += 1
        if outcome == FILLED:
            self.filled += 1
        elif outcome == DESCRIPTION:
            self.description += 1
        elif outcome == PEOPLE:
            self.people += 1
        else:
            self.not_filled += 1
            self.reasons[reason or "not filled"] += 1

    def as_dict(self) -> dict[str, object]:
        """Return the figures as plain data (the command's --json)."""
        return {
            "language": self.language,
            "recognised": self.recognised,
            "filled": self.filled,
            "description_to_translate": self.description,
            "by_people": self.people,
            "not_filled": self.not_filled,
            "reasons": dict(self.reasons),
        }


def recognised(doc: Document) -> dict[str, sig.Signatory]:
    """Return the signatory items of a source document by their text (the catalog's msgid)."""
    return sig.recognise(doc, SOURCE_LANGUAGE)


def _lent_by_a_live_segment(entry: polib.POEntry, live: set[str]) -> bool:
    """Say whether msgmerge gave a new entry the text of another segment still in the source (a guess)."""
    return (
        "fuzzy" in entry.flags
        and bool(entry.previous_msgid)
        and entry.previous_msgid != entry.msgid
        and entry.previous_msgid in live
    )


def _untouched_machine(entry: polib.POEntry) -> bool:
    fields = review_fields(entry)
    return "fuzzy" in entry.flags and "machine" in fields and "translated" not in fields and "partner" not in fields


def may_fill(entry: polib.POEntry, live: set[str]) -> bool:
    """Say whether nobody's work is in an entry, so that the signatory fill may write it."""
    state = entry_state(entry)
    if state == State.UNTRANSLATED or entry_signatories(entry) is not None:
        return True
    if state in (State.TRANSLATED, State.APPROVED):
        return False
    return _untouched_machine(entry) or _lent_by_a_live_segment(entry, live)


def _missing(item: sig.Signatory, language: str) -> str:
    """Return why an item cannot be filled in a language, or "" when it can."""
    codes = sig.missing_countries(item, language)
    if not codes:
        return ""
    return f"CLDR has no name in {language} for {', '.join(codes)}"


def fill_catalog(
    po: polib.POFile,
    found: dict[str, sig.Signatory],
    language: str,
    *,
    names: dict[str, str] | None = None,
    write: bool = True,
    when: str | None = None,
) -> Tally:
    """Fill the signatory items of one catalog that nobody has worked on (in place); return the tally.

    write=False changes nothing and tallies the catalog as it is (an item that
    could be filled but is not yet counts as not filled, "not filled yet").
    """
    tally = Tally(language)
    if not found:
        return tally
    live = {e.msgid for e in po if not e.obsolete}
    for entry in po:
        if entry.obsolete or entry.msgctxt or entry.msgid not in found:
            continue
        item = found[entry.msgid]
        if not may_fill(entry, live):
            tally.add(PEOPLE)
            continue
        reason = _missing(item, language)
        ours = entry_signatories(entry)
        if reason:
            if write and ours is not None:
                set_untranslated(entry)  # the service's own fill of an item it can no longer name
                tally.written += 1
            tally.add(NOT_FILLED, reason)
            continue
        filled = sig.fill(item, language, names=names)
        up_to_date = (
            ours is not None
            and entry.msgstr == filled.text
            and not entry.previous_msgid
            and (ours.get("todo") == "description") == (not filled.complete)
        )
        if not up_to_date:
            if not write:
                tally.add(NOT_FILLED, "not filled yet (run update)")
                continue
            set_signatories(entry, filled.text, description_left=not filled.complete, when=when)
            tally.written += 1
        tally.add(FILLED if filled.complete else DESCRIPTION)
    return tally


def names_for(glossary: Glossary, language: str) -> dict[str, str]:
    """Return the per-language forms of names a glossary gives (terms kept as written map to themselves)."""
    return glossary.replacements(language)


def release_glossary(project: Project, release: str) -> Glossary:
    """Return a release's glossary; a malformed one is logged and gives no per-language forms.

    A fill made without them is the service's own, so it is written again
    once the glossary is mended and the release updated.
    """
    try:
        return load_glossary(glossary_path(project.source_dir, release))
    except TranslateAppError as exc:
        log.warning("signatory fill of %s without the glossary's name forms: %s", release, exc)
        return Glossary()


def filler(project: Project, release: str, doc: Document) -> Callable[[polib.POFile, str], Tally]:
    """Return a function that fills one catalog of a release (for Project.update, under its lock)."""
    found = recognised(doc)
    glossary = release_glossary(project, release) if found else Glossary()

    def fill_one(po: polib.POFile, language: str) -> Tally:
        return fill_catalog(po, found, language, names=names_for(glossary, language))

    return fill_one


def fillable(project: Project, release: str, language: str) -> set[str]:
    """Return the source texts of the signatory items the fill can write in a language (for mt/engine)."""
    found = recognised(project.document(release))
    return {text for text, item in found.items() if not _missing(item, language)}


def report(project: Project, release: str, languages: list[str] | None = None) -> list[Tally]:
    """Tally the signatory items of every (or the given) language of a release, as the catalogs are."""
    found = recognised(project.document(release))
    glossary = release_glossary(project, release) if found else Glossary()
    result = []
    for code in languages or project.languages(release):
        po = project.load_catalog(release, code)
        result.append(fill_catalog(po, found, code, names=names_for(glossary, code), write=False))
    return result


def fill_release(project: Project, release: str, languages: list[str] | None = None) -> list[Tally]:
    """Fill the signatory items of every (or the given) language now, each catalog under its lock."""
    found = recognised(project.document(release))
    glossary = release_glossary(project, release) if found else Glossary()
    result = []
    for code in languages or project.languages(release):
        project.load_catalog(release, code)  # raises for a language the release lacks
        with storage.edit(project.catalog_path(release, code)) as po:
            result.append(fill_catalog(po, found, code, names=names_for(glossary, code)))
    return result
