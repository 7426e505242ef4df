"""Gettext catalogs as values: templates from documents, msgmerge-style updates, parsing and serialising."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import polib

from .. import __version__
from .blocks import Document
from .errors import CatalogError, MalformedCatalogError
from .languages import get_language

WRAP_WIDTH = 79
FUZZY_CUTOFF = 60.0
GENERATOR = f"translate-app {__version__}"


def entry_id(entry: polib.POEntry) -> str:
    """Return the stable id of an entry: a hash of its context and source text."""
    import hashlib  # here: extract and render hash nothing, and loading OpenSSL costs ~2 ms

    key = f"{entry.msgctxt or ''}\x04{entry.msgid}".encode()
    return hashlib.sha1(key).hexdigest()[:12]


def entry_version(entry: polib.POEntry) -> str:
    """Return a token that changes with every change of the entry's translation or state."""
    import hashlib

    key = "\x00".join([entry.msgstr, ",".join(sorted(entry.flags)), entry.tcomment or "", entry.previous_msgid or ""])
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def header_date() -> str:
    """Return the current time in the format gettext puts in headers."""
    return time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime())  # not datetime: extract needs nothing else of it


def _header(release: str, language: str | None) -> dict[str, str]:
    meta = {
        "Project-Id-Version": release,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": header_date(),
        "PO-Revision-Date": header_date() if language else "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
    }
    if language:
        lang = get_language(language)
        meta["Language"] = lang.code
        meta["Language-Team"] = lang.english_name
        meta["Plural-Forms"] = lang.plural_forms
    return meta


def template_from_document(doc: Document, release: str, *, occurrence_path: str | None = None) -> polib.POFile:
    """Build a template: one entry per distinct text, with every place it occurs."""
    pot = polib.POFile(wrapwidth=WRAP_WIDTH)
    pot.header = f"Template of the release {release}."
    pot.metadata = _header(release, None)
    by_text: dict[str, polib.POEntry] = {}
    path = occurrence_path or doc.path
    for block in doc.blocks:
        entry = by_text.get(block.text)
        if entry is None:
            entry = polib.POEntry(msgid=block.text, msgstr="", comment=block.comment, occurrences=[])
            by_text[block.text] = entry
            pot.append(entry)
        elif block.comment not in entry.comment.split("\n"):
            entry.comment += "\n" + block.comment
        entry.occurrences.append((path, str(block.line)))
    return pot


def new_catalog(template: polib.POFile, language: str, release: str) -> polib.POFile:
    """Return an empty catalog for one language from a template."""
    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    po.header = f"{get_language(language).english_name} translation of the release {release}."
    po.metadata = _header(release, language)
    po.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", header_date())
    for t in template:
        po.append(_copy_source(t))
    return po


def _copy_source(t: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgid=t.msgid,
        msgctxt=t.msgctxt,
        msgstr="",
        comment=t.comment,
        occurrences=list(t.occurrences),
        flags=[f for f in t.flags if f != "fuzzy"],
    )


def merge(po: polib.POFile, template: polib.POFile) -> polib.POFile:
    """Merge a catalog with a new template the way GNU msgmerge --previous does.

    Kept segments keep translation and state; changed segments take the old
    translation as fuzzy with the previous msgid; removed translated segments
    become obsolete; removed empty ones go.
    """
    old_live = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    old_obsolete = {(e.msgctxt, e.msgid): e for e in po if e.obsolete}
    used: set[tuple[str | None, str]] = set()
    result = polib.POFile(wrapwidth=po.wrapwidth or WRAP_WIDTH)
    result.metadata = dict(po.metadata)
    result.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", header_date())
    result.header = po.header

    fresh: list[tuple[int, polib.POEntry]] = []
    for t in template:
        key = (t.msgctxt, t.msgid)
        old = old_live.get(key) or old_obsolete.get(key)
        entry = _copy_source(t)
        if old is not None:
            used.add(key)
            entry.msgstr = old.msgstr
            entry.tcomment = old.tcomment
            if not old.obsolete:
                entry.flags = list(dict.fromkeys(entry.flags + [f for f in old.flags if f == "fuzzy"]))
                entry.previous_msgid = old.previous_msgid
                entry.previous_msgctxt = old.previous_msgctxt
        else:
            fresh.append((len(result), entry))
        result.append(entry)

    # Fuzzy matching against every translated entry, as msgmerge does: one
    # that kept its exact match may still lend its translation to a near copy.
    from rapidfuzz import fuzz, process  # only merging needs it

    candidates = {key: e for key, e in old_live.items() if e.msgstr.strip()}
    choices = {key: e.msgid for key, e in candidates.items()}
    for _, entry in fresh:
        if not choices:
            break
        match = process.extractOne(entry.msgid, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if match is None:
            continue
        key = match[2]
        old = candidates[key]
        entry.msgstr = old.msgstr
        entry.tcomment = old.tcomment
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        # Like msgmerge, keep the source the translation was made from.
        if "fuzzy" in old.flags and old.previous_msgid:
            entry.previous_msgid, entry.previous_msgctxt = old.previous_msgid, old.previous_msgctxt
        else:
            entry.previous_msgid, entry.previous_msgctxt = old.msgid, old.msgctxt
        used.add(key)

    for key, old in list(old_live.items()) + list(old_obsolete.items()):
        if key in used or not old.msgstr.strip():
            continue
        old.obsolete = True
        old.occurrences = []
        result.append(old)
    return result


def same_entries(a: polib.POFile, b: polib.POFile) -> bool:
    """Say whether two templates hold the same entries, comments and occurrences."""

    def key(po: polib.POFile) -> list[tuple]:
        return [(e.msgctxt, e.msgid, e.comment, tuple(e.occurrences), e.obsolete) for e in po]

    return key(a) == key(b)


_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")
_PO_LINE = r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?"(?:[^"\\\n]|\\.)*"'
# A line that is neither blank, a comment, nor a keyword and/or a quoted string: searched in
# "\n" + text, each line with the newline before it (a literal first lets the regex engine skip
# ahead to the next line instead of trying every character); group 1 is the line.
_BAD_PO_LINE = re.compile(r"\n(?![^\S\n]*(?:#|$|" + _PO_LINE + r"[^\S\n]*$))([^\n]+)", re.M)


_KEYWORD_LINE = re.compile(r"\nmsg(id|str)\b")  # searched in "\n" + text, as _BAD_PO_LINE


def _msgid_without_msgstr(text: str) -> int | None:
    """Return the line of the first msgid that no msgstr follows (msgfmt refuses it; polib does not)."""
    open_at = None  # where the msgid waiting for its msgstr starts; its line is counted only if returned
    for m in _KEYWORD_LINE.finditer("\n" + text):  # m.start() is where the keyword is in text
        if m.group(1) == "id":
            if open_at is not None:
                break
            open_at = m.start()
        else:
            open_at = None
    return None if open_at is None else text.count("\n", 0, open_at) + 1


def load(path: Path | str) -> polib.POFile:
    """Read a catalog, turning any parse error into a CatalogError naming file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror}") from exc
    if b"\x00" in raw:
        raise MalformedCatalogError(f"{path}: binary file, not a PO catalog")
    if not raw.strip():
        raise MalformedCatalogError(f"{path}: empty file, not a PO catalog (it needs at least a header entry)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MalformedCatalogError(f"{path}:{line}: not valid UTF-8") from exc
    # polib reads some broken lines (an unterminated string, an unquoted msgid)
    # without complaint, so every line is checked against the PO syntax first.
    lines = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    bad = _BAD_PO_LINE.search("\n" + lines)
    if bad is not None:  # bad.start() is where the line starts in lines
        number = lines.count("\n", 0, bad.start()) + 1
        raise MalformedCatalogError(f"{path}:{number}: malformed catalog: cannot read {bad.group(1).strip()[:60]!r}")
    missing = _msgid_without_msgstr(lines)
    if missing is not None:
        raise MalformedCatalogError(f"{path}:{missing}: malformed catalog: msgid without msgstr")
    try:
        # From the file, not polib.pofile(text), which splits a text also at U+2028 and U+0085,
        # which a translation may hold.
        po = polib.pofile(str(path), wrapwidth=WRAP_WIDTH, encoding="utf-8")
    except (OSError, ValueError) as exc:
        message = str(exc)
        m = _SYNTAX_LINE.search(message)
        where, detail = (f"{path}:{m.group(1)}", "syntax error") if m else (str(path), message)
        raise MalformedCatalogError(f"{where}: malformed catalog: {detail}") from exc
    # Duplicates are found here in one pass; polib's own check is quadratic and names no line.
    seen: dict[tuple[str | None, str], int | None] = {}
    for entry in po:
        if entry.obsolete:
            continue
        first = seen.setdefault((entry.msgctxt, entry.msgid), entry.linenum)
        if first != entry.linenum:
            raise MalformedCatalogError(
                f"{path}:{entry.linenum}: malformed catalog: duplicate of the entry "
                f"at line {first} ({entry.msgid[:40]!r})"
            )
    po.fpath = str(path)
    return po


# -- bringing a parsed copy up to date from a new text ------------------------------------

#: What an edit of a segment changes; msgctxt and msgid (the segment's identity) stay.
_ENTRY_FIELDS = (
    "msgstr",
    "msgstr_plural",
    "flags",
    "tcomment",
    "comment",
    "occurrences",
    "previous_msgctxt",
    "previous_msgid",
    "previous_msgid_plural",
)
#: polib splits a text (not a file) at these too; a block holding one is parsed with the whole file.
_OTHER_LINE_BREAKS = re.compile("[\r\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def blocks(text: str) -> list[str]:
    """Split a catalog's text into its header block and one block per entry (polib never writes a blank line inside)."""
    return text.split("\n\n")


def refresh(po: polib.POFile, entries: list[polib.POEntry], old: list[str], text: str) -> list[str] | None:
    """Bring `po` from the text `old` (its blocks) to `text`, parsing only the blocks that changed.

    `entries` are po's entries in the order of old[1:]. Returns the new blocks;
    or None, with po untouched, unless `text` is the same catalog with a few
    entries changed (same blocks, same segments): then parse the whole text.
    """
    new = blocks(text)
    if len(new) != len(old) or len(entries) != len(old) - 1:
        return None
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if len(changed) > max(8, len(new) // 4):
        return None
    parsed = {}
    for i in changed:
        block = new[i] if new[i].endswith("\n") else new[i] + "\n"
        if _OTHER_LINE_BREAKS.search(block) or _BAD_PO_LINE.search(block) or _msgid_without_msgstr(block) is not None:
            return None
        try:  # after an empty header entry: polib reads comments at the very top as the file's header
            one = polib.pofile(block if i == 0 else 'msgid ""\nmsgstr ""\n\n' + block, wrapwidth=po.wrapwidth)
        except (OSError, ValueError):
            return None
        if i == 0:
            if len(one) or not one.metadata:
                return None
        else:
            mine = entries[i - 1]
            if len(one) != 1 or (one[0].msgctxt, one[0].msgid, one[0].obsolete) != (
                mine.msgctxt,
                mine.msgid,
                mine.obsolete,
            ):
                return None
        parsed[i] = one
    for i, one in parsed.items():  # every changed block fits: now change the copy
        if i == 0:
            po.header, po.metadata = one.header, one.metadata
        else:
            for name in _ENTRY_FIELDS:
                setattr(entries[i - 1], name, getattr(one[0], name))
    return new


def entry_key(e: polib.POEntry) -> tuple:
    """Return everything that shapes an entry's text in a catalog (equal keys, equal text)."""
    return (
        e.msgctxt,
        e.msgid,
        e.msgid_plural,
        e.msgstr,
        tuple(sorted(e.msgstr_plural.items())),
        tuple(e.flags),
        e.tcomment,
        e.comment,
        tuple(e.occurrences),
        e.previous_msgctxt,
        e.previous_msgid,
        e.previous_msgid_plural,
        e.obsolete,
    )


EntryText = Callable[[polib.POEntry, int], str]


def _polib_text(entry: polib.POEntry, wrapwidth: int) -> str:
    return entry.__unicode__(wrapwidth)


def serialise(po: polib.POFile, entry_text: EntryText = _polib_text) -> str:
    """Return the text of a catalog exactly as polib writes it (str(po)), ending in a newline.

    `entry_text(entry, wrapwidth)` renders one entry; a caller that keeps the
    text of unchanged entries passes its own (see storage.catalogs).
    """
    header = ""
    for line in po.header.split("\n"):
        if not line:
            header += "#\n"
        elif line[:1] in (",", ":"):
            header += f"#{line}\n"
        else:
            header += f"# {line}\n"
    width = po.wrapwidth
    parts = [po.metadata_as_entry().__unicode__(width)]
    parts += [entry_text(e, width) for e in po if not e.obsolete]
    parts += [entry_text(e, width) for e in po if e.obsolete]
    text = header + "\n".join(parts)
    return text if text.endswith("\n") else text + "\n"


def find_entry(po: polib.POFile, segment_id: str) -> polib.POEntry | None:
    """Return the live entry with this id, or None.

    An index of ids is kept on the catalog object; edits change translations,
    never ids, and an index that misses or disagrees is rebuilt.
    """
    index = getattr(po, "_segment_index", None)
    entry = index.get(segment_id) if index is not None else None
    if entry is not None and not entry.obsolete and entry_id(entry) == segment_id:
        return entry
    index = {entry_id(e): e for e in po if not e.obsolete}
    setattr(po, "_segment_index", index)  # noqa: B010 - a private cache on polib's object, read by getattr above
    return index.get(segment_id)
