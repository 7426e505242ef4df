"""Reading a PO file into polib's objects, faster: polib's own state machine, written tight.

polib.pofile reads a catalog line by line through a table-driven state
machine, calling a method per line and compiling its regular expressions
through `re`'s cache on every line: about 2 ms for one of the sample's
catalogs, which made reading twelve of them most of `status` and
`compile --check`. This module runs the same machine (polib 1.2's
_POFileParser: the same transitions, the same handling of every kind of
line, the same errors with the same line numbers) with the patterns compiled
once and the dispatch inlined, and returns the same polib.POFile of
polib.POEntry objects. tests/core/test_poparse.py holds the two equal on
every catalog of the repository and the corpus and on the syntax's corners.

Only reading is here; writing stays polib's.
"""

from __future__ import annotations

import re

import polib

_UNESCAPED_QUOTE = re.compile(r'([^\\]|^)"')
_ESCAPE = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}
_BOM = "\ufeff"
_KEYWORDS = {"msgctxt": "ct", "msgid": "mi", "msgstr": "ms", "msgid_plural": "mp"}
_PREVIOUS_KEYWORDS = {"msgid_plural": "pp", "msgid": "pm", "msgctxt": "pc"}

# (symbol, state) -> next state: polib's table (see _POFileParser.__init__).
_ALL = ("st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi")
_TRANSITIONS: dict[tuple[str, str], str] = {}
for _symbol, _states, _next in (
    ("tc", ("st", "he"), "he"),
    ("tc", ("gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mp", "mx", "mi"), "tc"),
    ("gc", _ALL, "gc"),
    ("oc", _ALL, "oc"),
    ("fl", _ALL, "fl"),
    ("pc", _ALL, "pc"),
    ("pm", _ALL, "pm"),
    ("pp", _ALL, "pp"),
    ("ct", ("st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx"), "ct"),
    ("mi", ("st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx"), "mi"),
    ("mp", ("tc", "gc", "pc", "pm", "pp", "mi"), "mp"),
    ("ms", ("mi", "mp", "tc"), "ms"),
    ("mx", ("mi", "mx", "mp", "tc"), "mx"),
    ("mc", ("ct", "mi", "mp", "ms", "mx", "pm", "pp", "pc"), "mc"),
):
    for _state in _states:
        _TRANSITIONS[(_symbol, _state)] = _next
#: The symbols whose handler first closes the entry being read when a translation was last read.
_STARTS_ENTRY = frozenset({"tc", "gc", "oc", "fl", "pp", "pm", "pc", "ct", "mi"})
#: Continuation lines: the field each state continues.
_CONTINUES = {
    "ct": "msgctxt",
    "mi": "msgid",
    "mp": "msgid_plural",
    "ms": "msgstr",
    "pp": "previous_msgid_plural",
    "pm": "previous_msgid",
    "pc": "previous_msgctxt",
}


def _unescape_one(m: re.Match[str]) -> str:
    return _UNESCAPES[m.group(1)]


def unescape(text: str) -> str:
    """Undo PO escapes as polib.unescape does."""
    return _ESCAPE.sub(_unescape_one, text) if "\\" in text else text


class _Syntax(Exception):
    """A line the machine has no transition for, or whose handler failed (polib: 'Syntax error')."""


def parse(text: str, fpath: str, encoding: str = "utf-8") -> polib.POFile:
    """Return what polib.pofile(fpath, encoding=encoding) returns for a file holding `text` (wrapwidth aside).

    `text` is the file's content decoded; line ends are read as a file opened
    in text mode reads them. Raises OSError as polib does on a syntax error.
    """
    instance = polib.POFile(pofile=fpath, encoding=encoding, check_for_duplicates=False)
    where = f"{instance.fpath} " if instance.fpath else ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    entries: list[polib.POEntry] = []
    append = entries.append
    new_entry = polib.POEntry
    search_quote = _UNESCAPED_QUOTE.search
    transitions = _TRANSITIONS
    entry = new_entry(linenum=0)
    state = "st"
    header = ""
    msgstr_index = 0
    obsolete = 0
    tokens: list[str] = []
    number = 0
    for line in text.split("\n"):
        number += 1
        if number == 1 and line.startswith(_BOM):
            line = line[1:]
        line = line.strip()
        if not line:
            continue
        tokens = line.split(None, 2)
        count = len(tokens)
        first = tokens[0]
        if first == "#~|":
            continue
        if first == "#~" and count > 1:
            line = line[3:].strip()
            tokens = tokens[1:]
            count -= 1
            first = tokens[0]
            obsolete = 1
        else:
            obsolete = 0

        if first in _KEYWORDS and count > 1:
            line = line[len(first) :].lstrip()
            inner = line[1:-1]
            if '"' in inner and search_quote(inner):
                raise OSError(f"Syntax error in po file {where}(line {number}): unescaped double quote found")
            symbol = _KEYWORDS[first]
        elif first == "#:":
            if count <= 1:
                continue
            symbol = "oc"
        elif line[:1] == '"':
            inner = line[1:-1]
            if '"' in inner and search_quote(inner):
                raise OSError(f"Syntax error in po file {where}(line {number}): unescaped double quote found")
            symbol = "mc"
        elif line[:7] == "msgstr[":
            symbol = "mx"
        elif first == "#,":
            if count <= 1:
                continue
            symbol = "fl"
        elif first == "#" or first.startswith("##"):
            symbol = "tc"
        elif first == "#.":
            if count <= 1:
                continue
            symbol = "gc"
        elif first == "#|":
            if count <= 1:
                raise OSError(f"Syntax error in po file {where}(line {number})")
            line = line[2:].lstrip()
            if tokens[1].startswith('"'):
                symbol = "mc"
            elif count == 2:
                raise OSError(f"Syntax error in po file {where}(line {number}): invalid continuation line")
            elif tokens[1] not in _PREVIOUS_KEYWORDS:
                raise OSError(f"Syntax error in po file {where}(line {number}): unknown keyword {tokens[1]}")
            else:
                symbol = _PREVIOUS_KEYWORDS[tokens[1]]
                line = line[len(tokens[1]) :].lstrip()
        else:
            raise OSError(f"Syntax error in po file {where}(line {number})")

        # polib's process(symbol): the transition, then the handler (a failing one is a syntax error)
        try:
            following = transitions[(symbol, state)]
            if following == "he":
                header = f"{header}\n{line[2:]}" if header != "" else line[2:]
                state = following
                continue
            if symbol in _STARTS_ENTRY and state in ("mc", "ms", "mx"):
                append(entry)
                entry = new_entry(linenum=number)
            if symbol == "mc":
                token = unescape(line[1:-1])
                if state == "mx":
                    entry.msgstr_plural[msgstr_index] += token
                elif state in _CONTINUES:
                    field = _CONTINUES[state]
                    setattr(entry, field, getattr(entry, field) + token)
                continue  # a continuation keeps the state
            if symbol == "mi":
                entry.obsolete = obsolete  # type: ignore[assignment]  # 0 or 1, as polib sets it
                entry.msgid = unescape(line[1:-1])
            elif symbol == "ms":
                entry.msgstr = unescape(line[1:-1])
            elif symbol == "oc":
                for occurrence in line[3:].split():
                    try:
                        fil, at = occurrence.rsplit(":", 1)
                        if not at.isdigit():
                            fil, at = occurrence, ""
                        entry.occurrences.append((fil, at))
                    except (ValueError, AttributeError):
                        entry.occurrences.append((occurrence, ""))
            elif symbol == "gc":
                entry.comment = f"{entry.comment}\n{line[3:]}" if entry.comment != "" else line[3:]
            elif symbol == "tc":
                comment = line.lstrip("#")
                if comment.startswith(" "):
                    comment = comment[1:]
                entry.tcomment = f"{entry.tcomment}\n{comment}" if entry.tcomment != "" else comment
            elif symbol == "fl":
                entry.flags += [c.strip() for c in line[3:].split(",")]
            elif symbol == "ct":
                entry.msgctxt = unescape(line[1:-1])
            elif symbol == "mp":
                entry.msgid_plural = unescape(line[1:-1])
            elif symbol == "mx":
                index = int(line[7])
                entry.msgstr_plural[index] = unescape(line[line.find('"') + 1 : -1])
                msgstr_index = index
            elif symbol == "pm":
                entry.previous_msgid = unescape(line[1:-1])
            elif symbol == "pp":
                entry.previous_msgid_plural = unescape(line[1:-1])
            elif symbol == "pc":
                entry.previous_msgctxt = unescape(line[1:-1])
            state = following
        except Exception as exc:
            raise OSError(f"Syntax error in po file {where}(line {number})") from exc

    if entry and tokens and not tokens[0].startswith("#"):
        # entries are added when the next one starts: the last one here (trailing comments are ignored)
        append(entry)
    instance.header = header
    instance.extend(entries)
    # the header entry's translation is the metadata
    metadata_entry = instance.find("")
    if metadata_entry:
        instance.remove(metadata_entry)
        instance.metadata_is_fuzzy = metadata_entry.flags  # type: ignore[assignment]  # as polib
        key = None
        for message in metadata_entry.msgstr.splitlines():
            try:
                key, value = message.split(":", 1)
                instance.metadata[key] = value.strip()
            except (ValueError, KeyError):
                if key is not None:
                    instance.metadata[key] += "\n" + message.strip()
    return instance
