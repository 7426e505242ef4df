"""Escape a translation so that Markdown reads it as text, never as new structure.

A translation is spliced into the source where its segment came from. A line
of it that starts with what Markdown reads as the start of a block (a list
marker, `>`, `#`, a fence, a table pipe, a thematic break, a setext
underline, a footnote or link definition, an HTML block, an attribute list,
a container or admonition marker) gets one backslash, which CommonMark shows
as nothing: the published text is exactly what the translator wrote.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.common.html_blocks import block_names


@lru_cache(maxsize=1)
def _line_start() -> re.Pattern[str]:
    """Return the pattern of a block marker at the start of a line (compiled when first needed: ~1.5 ms)."""
    return re.compile(_LINE_START, re.X | re.I)


# Each alternative names the character to escape: the group `e`.
_LINE_START = r"""^(?:
        \d{1,9}(?P<e1>[.)])(?=[ \t]|$)          # 30. März, 1) one
      | (?P<e2>[-+*])(?=[ \t]|$)                # - + * bullets
      | (?P<e3>[-*_])(?:[ \t]*[-*_]){2,}[ \t]*$ # *** --- ___ thematic breaks
      | (?P<e4>=)=*[ \t]*$                      # === setext underline
      | (?P<e5>[>|])                            # block quote, table row
      | (?P<e6>\#)(?:\#{0,5})(?=[ \t]|$)        # ATX heading
      | (?P<e7>[`~])(?:[`~]){2,}                # code fence
      | (?P<e8>\[)[^\]\n]*\]:                   # footnote or link reference definition
      | (?P<e9><)(?:[!?]|/?(?:script|pre|style|textarea|BLOCK_NAMES)(?=[ \t/>]|$)
               |/?[A-Za-z][A-Za-z0-9-]*(?:[ \t][^<>]*)?/?>[ \t]*$)   # HTML block
      | (?P<e10>\{)                             # attribute list, shortcode, Liquid
      | (?P<e11>:)                              # definition, container (:::)
      | (?P<e12>[!?=])(?:[!?=]){2}              # !!! ??? === admonitions and tabs
      | (?P<e13>\+)\+\+[ \t]*$                  # +++ (TOML front matter)
      | (?P<e14>[-:])[-: \t]*\|[-:| \t]*$        # a table's delimiter row
    )""".replace("BLOCK_NAMES", "|".join(block_names))
_TRAILING_HASHES = re.compile(r"(?<=[ \t])(#+)[ \t]*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


def escape_line_start(line: str) -> str:
    """Escape the block marker a line of a translation starts with, if any."""
    m = _line_start().match(line)
    if not m:
        return line
    for name, value in m.groupdict().items():
        if value is not None:
            pos = m.start(name)
            return line[:pos] + "\\" + line[pos:]
    return line  # pragma: no cover - every alternative has a group


def escape_block_lines(lines: list[str], *, heading: bool = False) -> list[str]:
    """Escape every line of a translation; in a heading also a closing run of `#`."""
    out = [escape_line_start(line) for line in lines]
    if heading and out:
        out[-1] = _TRAILING_HASHES.sub(lambda m: "\\" + m.group(1), out[-1])
    return out


def escape_cell(text: str) -> str:
    """Escape the pipes of a table cell's translation that are not escaped yet."""
    return _UNESCAPED_PIPE.sub(lambda m: m.group(1) + "\\|", text)


def flatten(text: str) -> str:
    """Put a translation on one line: line breaks (and the space around them) become one space.

    Spaces inside a line are kept, so that code spans keep their inner white space.
    """
    return re.sub(r"[ \t]*(?:\r\n|\r|\n)[ \t]*", " ", text).strip()
