"""What the segmenter finds in a document: blocks with their place in the source."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One translatable piece of a document and where it sits in the source.

    `style` says how a translation is written back (see segmenter._format):
    inline | heading | cell | first cell | title | quoted title | image alt | html |
    yaml-double | yaml-single | yaml-plain | yaml-literal | yaml-folded | toml-basic | toml-literal.
    """

    text: str
    kind: str
    comment: str
    line: int
    start: int
    end: int
    style: str = "inline"
    continuation: str = ""  # prefix written before each extra line of a translation
    hard_break: str = "\\\n"
    newline: str = "\n"  # the line ending of the source around the block
    indent: str = ""  # YAML block scalars: the indentation of their lines
    tags: tuple[str, ...] = ()  # HTML text: the tag names the source text holds


@dataclass
class Document:
    """A parsed Markdown source with its translatable blocks in document order."""

    source: str
    path: str
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was left out, and why

    def texts(self) -> list[str]:
        """Return the distinct segment texts in first-occurrence order."""
        return list(dict.fromkeys(b.text for b in self.blocks))
