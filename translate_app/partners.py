"""Partners' translations in: align a partner's document (or another tool's catalog) and write what is confirmed.

A partner organisation sends the statement back translated, as a Word file,
an ODT, HTML, Markdown or pasted text. It is read into Markdown
(presskit.documents.to_markdown), segmented like a source, and aligned to the
release's source blocks by structure and anchors (core.alignment). The result
is a proposal for the alignment screen: one row per source block, with the
proposed text and what a person should look at (doubtful, merged, split,
moved, left out, kept because a person's work is there). Another tool's PO
catalog (Weblate, Pontoon, mdpo) gives the same kind of proposal, its entries
matched by source text.

Nothing is written before a coordinator confirms. The confirmed texts land as
`needs review`, credited to the partner (states.set_partner), only in entries
that are untranslated or hold a machine suggestion: a person's translation or
approval is never replaced. Those are reported back as kept, with both texts,
and on request become proposals (proposals.propose) that a reviewer decides.
Every written segment gets an audit row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polib
from sqlalchemy.orm import Session

from . import audit, storage
from .core import alignment as al
from .core import catalog as cat
from .core import segments as seg
from .core.errors import PermissionDeniedError, TranslateAppError
from .core.segmenter import segment
from .core.states import State, entry_signatories, entry_state, now_iso, set_partner
from .models import User, utcnow
from .project import Project

#: The longest partner or tool name (characters).
MAX_PARTNER_NAME = 120
#: States a partner's text may fill; every other state is a person's work (but see fillable).
FILLABLE = (State.UNTRANSLATED, State.MACHINE)


def fillable(entry: polib.POEntry) -> bool:
    """Say whether a partner's text may fill an entry: nobody's work, or a signatory item filled and not reviewed."""
    return entry_state(entry) in FILLABLE or entry_signatories(entry) is not None


#: What each flag means, as the alignment screen explains it.
FLAGS = {
    "doubtful": "look twice: the texts differ more than usual",
    "merged": "the partner merged this paragraph with the next one; the proposed split is a guess",
    "split": "the partner split this paragraph; the parts are joined",
    "moved": "the partner put this text elsewhere in the document",
    "left out": "the partner's document has nothing for this segment",
    "kept": "a person translated or approved this segment; their text stays",
    "fuzzy": "the tool marked this translation as fuzzy",
}


class PartnerError(TranslateAppError):
    """A partner's document or catalog that cannot be used, or a request that makes no sense."""


@dataclass
class Row:
    """One source block on the alignment screen, with the partner's text proposed for it."""

    position: int  # the block's place in the source document (0-based)
    segment_id: str
    source: str
    kind: str
    text: str  # the proposed translation ("" when there is none)
    flags: list[str] = field(default_factory=list)
    state: str = State.UNTRANSLATED.value  # the segment's state in the catalog now
    current: str = ""  # the catalog's translation now

    @property
    def kept(self) -> bool:
        """Say whether a person's work is in this segment, so the partner's text will not be written."""
        return "kept" in self.flags


@dataclass
class Alignment:
    """A proposal for the alignment screen: rows, and the partner's texts that match no source block."""

    release: str
    language: str
    partner: str
    origin: str  # what the proposal was made from: a file name, "pasted text", a tool's catalog
    rows: list[Row]
    added: list[str] = field(default_factory=list)

    @property
    def writable(self) -> int:
        """Count the segments the confirm button would write now (a text, and no person's work)."""
        return sum(1 for row in self.rows if row.text.strip() and not row.kept)

    def counts(self) -> dict[str, int]:
        """Count the rows with each flag."""
        out = {flag: 0 for flag in FLAGS}
        for row in self.rows:
            for flag in row.flags:
                out[flag] += 1
        return out

    def as_json(self) -> dict:
        """Return the proposal as JSON-ready data."""
        return {
            "release": self.release,
            "language": self.language,
            "partner": self.partner,
            "origin": self.origin,
            "rows": [asdict(row) for row in self.rows],
            "added": list(self.added),
            "writable": self.writable,
        }


@dataclass
class Change:
    """One segment the confirmation touched (written) or left alone (kept), with both texts."""

    segment_id: str
    source: str
    before: str
    before_state: str
    text: str  # the partner's text
    state: str  # the segment's state afterwards
    version: str = ""  # the segment's version afterwards (for proposals)
    proposal: int | None = None  # the proposal made of a kept segment's partner text


@dataclass
class Outcome:
    """What writing a confirmed alignment did."""

    written: list[Change] = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)


def clean_partner(name: object) -> str:
    """Return a partner's name as one line; refuse an empty one, an e-mail address or a too long one."""
    text = " ".join(str(name or "").split())
    if not text:
        raise PartnerError("give the partner organisation's name (or the tool the catalog comes from)")
    if len(text) > MAX_PARTNER_NAME:
        raise PartnerError(f"the partner's name has more than {MAX_PARTNER_NAME} characters")
    if "@" in text:
        raise PartnerError("give the organisation's name, not an e-mail address (it is written into the catalog)")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text):
        raise PartnerError("the partner's name contains a control character")
    return text


def read_document(data: bytes | None, filename: str | None, pasted: str | None, *, max_bytes: int) -> tuple[str, str]:
    """Return (Markdown, origin) of a partner's upload or pasted text; raise PartnerError for what cannot be read."""
    from .presskit.documents import DocumentError, to_markdown

    if data:
        name = Path(filename or "").name
        if not name:
            raise PartnerError("the uploaded file has no name; choose the file again")
        if len(data) > max_bytes:
            raise PartnerError(f"{name}: larger than {max_bytes:,} bytes")
        try:
            return to_markdown(data, name), name
        except DocumentError as exc:
            raise PartnerError(str(exc)) from exc
    text = (pasted or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PartnerError("choose the partner's file or paste their text")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise PartnerError(f"the pasted text is larger than {max_bytes:,} bytes")
    seg.require_unicode(text, "pasted text")
    return text, "pasted text"


def _source_rows(project: Project, release: str, language: str) -> list[Row]:
    """Return one empty row per source block, with its segment's id, state and translation now."""
    doc = project.document(release)
    po = project.load_catalog(release, language)
    entries = {e.msgid: e for e in po if not e.obsolete and e.msgid and not e.msgctxt}
    rows = []
    for position, block in enumerate(doc.blocks):
        entry = entries.get(block.text)
        if entry is None:  # the catalog is behind the source (re-read it first)
            raise PartnerError(
                f"the {language} catalog lacks a segment of the source (line {block.line}); "
                "re-read the source on the release page first"
            )
        state = entry_state(entry)
        rows.append(
            Row(
                position=position,
                segment_id=cat.entry_id(entry),
                source=block.text,
                kind=block.kind,
                text="",
                state=state.value,
                current=entry.msgstr,
                flags=[] if fillable(entry) else ["kept"],
            )
        )
    return rows


def align_document(
    project: Project, release: str, language: str, partner: str, markdown: str, origin: str
) -> Alignment:
    """Align a partner's document (Markdown) to the release's source; return the proposal (nothing is written)."""
    partner = clean_partner(partner)
    rows = _source_rows(project, release, language)
    source = [al.Unit(row.source, row.kind) for row in rows]
    target = al.units(segment(markdown, "partner.md", front_matter_keys=project.front_matter_keys))
    if not target:
        raise PartnerError(f"{origin}: no text found to align")
    steps = al.align(source, target)
    proposed = al.proposal(source, target, steps)
    added: list[str] = []
    for step in steps:
        if not step.source:
            added.extend(target[k].text for k in step.target)
            continue
        shape = step.shape
        for i in step.source:
            flags = rows[i].flags
            if shape == (2, 1):
                flags.append("merged")
            elif shape == (1, 2):
                flags.append("split")
            elif shape == (1, 0):
                flags.append("left out")
            if step.moved:
                flags.append("moved")
            if step.doubtful:
                flags.insert(0, "doubtful")
    for row, text in zip(rows, proposed, strict=False):
        row.text = text or ""
    return Alignment(release=release, language=language, partner=partner, origin=origin, rows=rows, added=added)


def _normal(text: str) -> str:
    """Return a source text with its whitespace normalised, for matching another tool's entries."""
    return " ".join(text.split())


def read_catalog(data: bytes, filename: str, *, max_bytes: int) -> polib.POFile:
    """Parse another tool's PO file; raise PartnerError for what is not one."""
    name = Path(filename or "catalog.po").name
    if len(data) > max_bytes:
        raise PartnerError(f"{name}: larger than {max_bytes:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PartnerError(f"{name}: not UTF-8 (byte {exc.start}); save the catalog as UTF-8") from exc
    try:
        return polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise PartnerError(f"{name}: not a PO catalog ({str(exc)[:200]})") from exc


def match_catalog(
    project: Project, release: str, language: str, partner: str, data: bytes, filename: str, *, max_bytes: int
) -> Alignment:
    """Match another tool's PO entries to the release's segments by source text; return the proposal."""
    partner = clean_partner(partner)
    other = read_catalog(data, filename, max_bytes=max_bytes)
    found: dict[str, tuple[str, bool]] = {}
    for entry in other:
        if entry.obsolete or not entry.msgid or entry.msgid_plural or not entry.msgstr.strip():
            continue
        key = _normal(entry.msgid)
        fuzzy = "fuzzy" in entry.flags
        if key not in found or found[key][1] and not fuzzy:  # a finished translation beats a fuzzy one
            found[key] = (entry.msgstr, fuzzy)
    if not found:
        raise PartnerError(f"{Path(filename).name}: no translated entry in this catalog")
    rows = _source_rows(project, release, language)
    matched = 0
    for row in rows:
        hit = found.get(_normal(row.source))
        if hit is None:
            row.flags.append("left out")
            continue
        matched += 1
        row.text = hit[0]
        if hit[1]:
            row.flags[:0] = ["doubtful", "fuzzy"]
    if not matched:
        raise PartnerError(f"{Path(filename).name}: none of its {len(found)} source texts is a segment of this release")
    return Alignment(
        release=release, language=language, partner=partner, origin=f"catalog {Path(filename).name}", rows=rows
    )


def confirmed_texts(confirmed: Iterable[dict]) -> dict[str, str]:
    """Return {segment id: text} of a confirmed alignment: cleaned, empty ones dropped, the first text per segment."""
    texts: dict[str, str] = {}
    for item in confirmed:
        segment_id = str(item.get("segment_id", ""))
        if not re.fullmatch(r"[0-9a-f]{12}", segment_id):
            raise PartnerError(f"not a segment id: {segment_id[:40]!r}")
        text = seg.clean_translation(item.get("text", "")).strip()
        if text and segment_id not in texts:  # a text repeated in the source is one segment
            texts[segment_id] = text
    return texts


def write_partner_texts(project: Project, release: str, language: str, texts: dict[str, str], partner: str) -> Outcome:
    """Write partners' texts into one catalog as `needs review`, never over a person's work.

    The one catalog write of this module: the catalog is locked, read fresh,
    changed and saved atomically (storage.edit, as pre-translation
    writes many entries). The state is decided under the lock, so a person's
    save that came first is kept. Unknown segment ids change nothing at all.
    """
    outcome = Outcome()
    when = now_iso()
    with storage.edit(project.catalog_path(release, language)) as po:
        entries = {cat.entry_id(e): e for e in po if not e.obsolete and e.msgid}
        unknown = [sid for sid in texts if sid not in entries]
        if unknown:
            raise seg.UnknownSegmentError(
                f"{release}/{language} has no segment {unknown[0]} (the source changed meanwhile? align again)"
            )
        for segment_id, text in texts.items():
            entry = entries[segment_id]
            before, before_state = entry.msgstr, entry_state(entry).value
            change = Change(segment_id, entry.msgid, before, before_state, text, before_state)
            if not fillable(entry) or entry.msgid_plural:
                change.version = cat.entry_version(entry)
                outcome.kept.append(change)
                continue
            set_partner(entry, text, partner, when=when)
            change.state, change.version = entry_state(entry).value, cat.entry_version(entry)
            outcome.written.append(change)
    return outcome


def apply_alignment(
    session: Session,
    project: Project,
    user: User,
    release: str,
    language: str,
    partner: str,
    confirmed: Iterable[dict],
    propose_kept: Iterable[str] = (),
    origin: str = "",
) -> Outcome:
    """Write a confirmed alignment ([{segment_id, text}]) as `needs review` credited to the partner, and log it.

    Segments a person translated or approved are kept and reported; those
    named in propose_kept get the partner's text as the coordinator's proposal.
    """
    if not user.is_coordinator:
        raise PermissionDeniedError("only coordinators take in partners' translations")
    project.require(release)
    partner = clean_partner(partner)
    texts = confirmed_texts(confirmed)
    if not texts:
        raise PartnerError("there is no text to write: every row is empty")
    session.commit()  # no transaction open while the catalog is written and the audit rows go in
    outcome = write_partner_texts(project, release, language, texts, partner)
    note = f"partner {partner}" + (f" ({origin})" if origin else "")
    rows = [
        {
            "user_id": user.id,
            "release": release,
            "language": language,
            "segment_id": c.segment_id,
            "action": "partner",
            "old_text": c.before,
            "new_text": c.text,
            "old_state": c.before_state,
            "new_state": c.state,
            "note": note[:500],
            "edit_key": audit.new_edit_key(),
            "at": utcnow(),
        }
        for c in outcome.written
    ]
    audit.record(audit.engine_of(session), session.info.get("audit_outbox"), rows)
    wanted = set(propose_kept)
    if wanted:
        from .proposals import propose

        for change in outcome.kept:
            if change.segment_id in wanted and change.text != change.before:
                current = seg.SegmentView(
                    id=change.segment_id,
                    source=change.source,
                    translation=change.before,
                    state=change.before_state,
                    version=change.version,
                    checks=[],
                )
                change.proposal = propose(
                    session, user=user, release=release, language=language, segment=current, text=change.text
                ).id
    return outcome
