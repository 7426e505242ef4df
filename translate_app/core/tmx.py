"""Translation memory exchange (TMX 1.4b): what other tools' memories hold, in and out.

A TMX file holds translation units (`<tu>`), each with one variant per
language (`<tuv xml:lang="de"><seg>…</seg></tuv>`). Reading keeps the units
that have the source language and the language asked for; inline markup
elements inside `<seg>` (`<bpt>`, `<ph>`, …) are native codes of another
tool's format and are dropped with their content, keeping the text around
them. Writing gives one unit per source and translation, with the release,
the state and the date as properties, never a person's e-mail address.

Parsed with the standard library's expat, which neither fetches external
entities nor expands nested ones beyond its limits (Python 3.11, expat 2.4+).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: The most units read from one file (a memory is a few hundred thousand at most).
MAX_UNITS = 1_000_000


class TMXError(ValueError):
    """A file that is not TMX, or a unit that cannot be read."""


@dataclass(frozen=True)
class Unit:
    """One source text and its translation."""

    source: str
    target: str
    properties: dict[str, str] = field(default_factory=dict)


def _lang(code: str) -> str:
    return code.replace("_", "-").lower()


def _same_language(tag: str, code: str) -> bool:
    """Say whether a TMX language tag means the language asked for (de-DE matches de; de does not match de-AT)."""
    tag, code = _lang(tag), _lang(code)
    return tag == code or tag.split("-")[0] == code


def _text(seg: ET.Element) -> str:
    """Return a seg's text without other tools' inline codes (their tails are text and are kept)."""
    parts = [seg.text or ""]
    for child in seg:
        parts.append(child.tail or "")
    return "".join(parts)


def read(data: bytes, source_language: str, target_language: str) -> Iterator[Unit]:
    """Yield the units of a TMX file that have both languages; raise TMXError for what is not TMX."""
    try:
        events = ET.iterparse(io.BytesIO(data), events=("start", "end"))
        count = 0
        root_seen = False
        header_lang = ""
        for event, element in events:
            if event == "start" and not root_seen:
                root_seen = True
                if element.tag != "tmx":
                    raise TMXError(f"not a TMX file: the root element is <{element.tag}>")
                continue
            if event == "end" and element.tag == "header":
                header_lang = element.get("srclang", "")
            if event != "end" or element.tag != "tu":
                continue
            count += 1
            if count > MAX_UNITS:
                raise TMXError(f"more than {MAX_UNITS:,} units")
            source = target = None
            for tuv in element.iter("tuv"):
                lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
                seg = tuv.find("seg")
                if seg is None:
                    continue
                if source is None and _same_language(lang or header_lang, source_language):
                    source = _text(seg)
                elif target is None and _same_language(lang, target_language):
                    target = _text(seg)
            if source and target:
                props = {p.get("type", ""): p.text or "" for p in element.findall("prop")}
                yield Unit(source, target, props)
            element.clear()
    except ET.ParseError as exc:
        raise TMXError(f"not well-formed XML: {exc}") from exc


def write(
    units: Iterable[Unit],
    source_language: str,
    target_language: str,
    *,
    tool: str = "translate-app",
    now: datetime | None = None,
) -> bytes:
    """Return a TMX 1.4b document of the units."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": tool,
            "creationtoolversion": "1",
            "segtype": "paragraph",
            "o-tmf": "gettext",
            "adminlang": "en",
            "srclang": _lang(source_language),
            "datatype": "plaintext",
            "creationdate": stamp,
        },
    )
    body = ET.SubElement(root, "body")
    for number, unit in enumerate(units, 1):
        bad = next((c for c in unit.source + unit.target if _FORBIDDEN(c)), None)
        if bad is not None:
            raise TMXError(f"unit {number}: U+{ord(bad):04X} cannot be written in XML ({unit.source[:40]!r})")
        tu = ET.SubElement(body, "tu", creationdate=stamp)
        for key, value in sorted(unit.properties.items()):
            ET.SubElement(tu, "prop", type=key).text = value
        for lang, text in ((source_language, unit.source), (target_language, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: _lang(lang)})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root)
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
    )


def _FORBIDDEN(c: str) -> bool:
    """Say whether XML 1.0 refuses a character (C0 controls but tab and newlines, lone surrogates, U+FFFE/F)."""
    o = ord(c)
    return (o < 0x20 and c not in "\t\n\r") or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF)
