"""Split a Markdown document into translatable segments and splice translations back.

The document is never re-serialised: each segment remembers the character span
of the source it came from, and rendering replaces exactly those spans. A
translation equal to its source leaves the original bytes in place, so an
identity catalog gives back the source file byte for byte.
"""

from __future__ import annotations

import gc
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, text_join
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from .errors import SourceError
from .markdown import shared

DEFAULT_FRONT_MATTER_KEYS = ("title", "description", "summary", "subtitle", "excerpt", "abstract")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_FRONT_MATTER_LINE = re.compile(r"^([A-Za-z_][\w-]*):[ \t]+(\S.*?)[ \t]*$")
_HARD_BREAK_SPACES = re.compile(r" {2,}$")


def make_parser() -> MarkdownIt:
    """Return the CommonMark parser (with tables and front matter) used everywhere."""
    return shared(MarkdownIt("commonmark").enable("table").use(front_matter_plugin))


_PARSER = make_parser()
# The same parser without the inline pass: segment() parses a block's inline
# content only when its text could hold something other than words, emphasis
# and line breaks (see _INLINE_SYNTAX), which spares most of markdown-it's work.
_BLOCK_PARSER = shared(make_parser().disable(["inline", "text_join"]))
# Links, images, autolinks, raw HTML, code spans and entities all need one of
# these characters; without them an inline token's children are only text,
# emphasis and breaks, and every letter of its content is in a text child.
_INLINE_SYNTAX = re.compile(r"[\[<`&]")


@dataclass(frozen=True)
class Block:
    """One translatable piece of a document and where it sits in the source."""

    text: str
    kind: str
    comment: str
    line: int
    start: int
    end: int
    style: str = "inline"  # inline | single-line | yaml-double | yaml-single | yaml-plain
    continuation: str = ""  # prefix written before each extra line of a translation
    hard_break: str = "\\\n"


@dataclass
class Document:
    """A parsed Markdown source with its translatable blocks in document order."""

    source: str
    path: str
    blocks: list[Block] = field(default_factory=list)

    def texts(self) -> list[str]:
        """Return the distinct segment texts in first-occurrence order."""
        return list(dict.fromkeys(b.text for b in self.blocks))


def read_source(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a Markdown source, refusing binary, non-UTF-8, empty and oversized files."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from exc
    if size > max_bytes:
        raise SourceError(f"{path}: {size} bytes is over the limit of {max_bytes} bytes")
    data = path.read_bytes()
    return decode_source(data, str(path))


def decode_source(data: bytes, name: str) -> str:
    """Decode Markdown bytes as UTF-8, with a clear error for binary or other encodings."""
    if b"\x00" in data:
        raise SourceError(f"{name}: binary file (contains NUL bytes), not Markdown")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"{name}:{line}: not valid UTF-8 (byte {exc.start})") from exc
    # A byte-order mark is kept, so that rendering gives back the very same bytes.
    if not text.lstrip("\ufeff").strip():
        raise SourceError(f"{name}: empty document, nothing to translate")
    return text


def segment(
    source: str,
    path: str = "document.md",
    *,
    front_matter_keys: Iterable[str] = DEFAULT_FRONT_MATTER_KEYS,
) -> Document:
    """Parse Markdown text and return its translatable blocks."""
    # Split where markdown-it does (\n, \r\n, \r), not also at U+2028, \x0c or \x85 as
    # str.splitlines would, or every line map after such a character is off.
    lines = list(io.StringIO(source, newline=""))
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    doc = Document(source=source, path=path)
    env: dict = {}  # link reference definitions, for the inline parsing done on demand
    walker = _Walker(lines, offsets, set(front_matter_keys), env)
    # Tokens form no reference cycles; the cyclic collector would only rescan the
    # growing token list again and again, which makes large documents super-linear.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            tokens = _BLOCK_PARSER.parse(source[1:] if source.startswith("\ufeff") else source, env)
        except Exception as exc:  # markdown-it accepts any text; this guards its bugs
            raise SourceError(f"{path}: cannot parse Markdown: {exc}") from exc
        doc.blocks = walker.walk(tokens)
    finally:
        if gc_was_enabled:
            gc.enable()
    return doc


class _Walker:
    """Walk markdown-it block tokens and collect translatable blocks."""

    def __init__(self, lines: list[str], offsets: list[int], fm_keys: set[str], env: dict | None = None) -> None:
        self.lines = lines
        self.offsets = offsets
        self.fm_keys = fm_keys
        self.env = {} if env is None else env
        self.blocks: list[Block] = []

    def _parse_inline(self, tok: Token) -> bool:
        """Fill in an inline token's children if its text needs them; say whether it did.

        Without inline syntax (_INLINE_SYNTAX) the children are text, emphasis and
        breaks only: no image, and translatable exactly when the content has letters.
        """
        if not _INLINE_SYNTAX.search(tok.content):
            return False
        tok.children = []
        _PARSER.inline.parse(tok.content, _PARSER, self.env, tok.children)
        text_join(StateCore(tok.content, _PARSER, self.env, [tok]))
        return True

    def walk(self, tokens: list[Token]) -> list[Block]:
        # Container context: a stack of (kind, data) for lists, items and quotes.
        stack: list[list] = []
        list_sizes = _list_sizes(tokens)
        table_row = 0
        table_col = 0
        in_head = False
        for i, tok in enumerate(tokens):
            t = tok.type
            if t == "front_matter":
                self._front_matter(tok)
            elif t in ("bullet_list_open", "ordered_list_open"):
                stack.append(["list", list_sizes[i], 0])
            elif t == "list_item_open":
                lst = _innermost(stack, "list")
                if lst is not None:
                    lst[2] += 1
                stack.append(["item", lst[2] if lst else 0, lst[1] if lst else 0, 0])
            elif t == "blockquote_open":
                stack.append(["quote"])
            elif t in ("bullet_list_close", "ordered_list_close", "list_item_close", "blockquote_close"):
                stack.pop()
            elif t == "thead_open":
                in_head, table_row = True, 0
            elif t == "tbody_open":
                in_head, table_row = False, 0
            elif t == "tr_open":
                table_row += 1
                table_col = 0
                row_map = tok.map
            elif t in ("th_open", "td_open"):
                table_col += 1
            elif t == "inline":
                parent = tokens[i - 1]
                if parent.type == "heading_open":
                    self._inline(tok, parent.map, "heading", f"heading level {parent.tag[1:]}", single=True)
                elif parent.type == "paragraph_open":
                    kind, comment = _paragraph_context(stack)
                    self._inline(tok, parent.map, kind, comment, single=False)
                elif parent.type in ("th_open", "td_open"):
                    where = "header cell" if in_head else f"cell, row {table_row}"
                    self._cell(tok, row_map, f"table {where}, column {table_col}")
        return self.blocks

    # -- front matter -------------------------------------------------------
    def _front_matter(self, tok: Token) -> None:
        first, last = tok.map
        for n in range(first + 1, last):
            line = self.lines[n]
            m = _FRONT_MATTER_LINE.match(line.rstrip("\r\n"))
            if not m or m.group(1) not in self.fm_keys:
                continue
            raw = m.group(2)
            try:
                value = yaml.safe_load(f"k: {raw}")["k"]
            except yaml.YAMLError:
                continue
            if not isinstance(value, str) or not _has_letters(value):
                continue
            style = "yaml-double" if raw.startswith('"') else "yaml-single" if raw.startswith("'") else "yaml-plain"
            start = self.offsets[n] + m.start(2)
            self.blocks.append(
                Block(value, "front matter", f"front matter: {m.group(1)}", n + 1, start, start + len(raw), style)
            )

    # -- paragraphs and headings -------------------------------------------
    def _inline(self, tok: Token, block_map: list[int], kind: str, comment: str, *, single: bool) -> None:
        content_lines = tok.content.split("\n")
        first = block_map[0]
        located = []
        for k, content in enumerate(content_lines):
            if first + k >= len(self.lines):
                return
            line = self.lines[first + k].rstrip("\r\n")
            stripped = content.strip()
            idx = line.rfind(stripped) if stripped else len(line)
            if idx < 0:
                return  # cannot locate it in the source: leave the block untranslated
            located.append((first + k, idx, stripped, content))
        if not self._parse_inline(tok):
            if not _has_letters(tok.content):
                return
        elif _image_only(tok):
            self._image_alts(tok, located, kind)
            return
        elif not _translatable(tok):
            return
        text, hard_break = _join_lines([c for (_, _, _, c) in located])
        if not text:
            return
        n0, i0, s0, _ = located[0]
        n1, i1, s1, _ = located[-1]
        start = self.offsets[n0] + i0
        end = self.offsets[n1] + i1 + len(s1)
        if len(located) > 1:
            continuation = self.lines[located[1][0]][: located[1][1]]
        else:
            continuation = _continuation_prefix(self.lines[n0][:i0])
        self.blocks.append(
            Block(text, kind, comment, n0 + 1, start, end, "single-line" if single else "inline", continuation, hard_break)
        )

    def _image_alts(self, tok: Token, located: list, kind: str) -> None:
        n0, i0, _, _ = located[0]
        n1, i1, s1, _ = located[-1]
        region_start = self.offsets[n0] + i0
        region = "".join(self.lines[n0 : n1 + 1])[i0 : self.offsets[n1] + i1 + len(s1) - self.offsets[n0]]
        cursor = 0
        count = 0
        for child in _flatten(tok.children or []):
            if child.type != "image":
                continue
            count += 1
            alt = child.content
            pos = region.find(f"![{alt}]", cursor)
            if pos < 0:
                continue
            cursor = pos + len(alt) + 3
            if not _has_letters(alt):
                continue
            start = region_start + pos + 2
            line = n0 + region[:pos].count("\n") + 1
            self.blocks.append(
                Block(alt, "image alt", f"image {count} alt text ({kind})", line, start, start + len(alt), "single-line")
            )

    def _cell(self, tok: Token, row_map: list[int], comment: str) -> None:
        content = tok.content.strip()
        if not content:
            return
        if not (_translatable(tok) if self._parse_inline(tok) else _has_letters(content)):
            return
        n = row_map[0]
        line = self.lines[n]
        # Cells are found left to right; remember where the last one ended.
        cursor = getattr(self, "_cell_cursor", (None, 0))
        from_pos = cursor[1] if cursor[0] == n else 0
        idx = line.find(content, from_pos)
        if idx < 0:
            return
        self._cell_cursor = (n, idx + len(content))
        start = self.offsets[n] + idx
        self.blocks.append(Block(content, "table cell", comment, n + 1, start, start + len(content), "single-line"))


def _list_sizes(tokens: list[Token]) -> dict[int, int]:
    """Map the index of each list-open token to the number of its items."""
    sizes: dict[int, int] = {}
    open_stack: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            open_stack.append(i)
            sizes[i] = 0
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            open_stack.pop()
        elif tok.type == "list_item_open" and open_stack:
            sizes[open_stack[-1]] += 1
    return sizes


def _innermost(stack: list[list], kind: str) -> list | None:
    for entry in reversed(stack):
        if entry[0] == kind:
            return entry
    return None


def _paragraph_context(stack: list[list]) -> tuple[str, str]:
    """Name a paragraph by its innermost container, for the translator's comment."""
    for entry in reversed(stack):
        if entry[0] == "item":
            entry[3] += 1
            comment = f"list item {entry[1]} of {entry[2]}"
            if entry[3] > 1:
                comment += f", paragraph {entry[3]}"
            return "list item", comment
        if entry[0] == "quote":
            return "block quote", "block quote paragraph"
    return "paragraph", "paragraph"


def _continuation_prefix(prefix: str) -> str:
    """Turn a first-line prefix ('> 1. ') into the prefix of its following lines ('>    ')."""
    return "".join(c if c in "> \t" else " " for c in prefix.lstrip("\ufeff"))


def _join_lines(lines: list[str]) -> tuple[str, str]:
    """Join a block's content lines: soft breaks become spaces, hard breaks newlines."""
    parts: list[str] = []
    hard_break = "\\\n"
    last = len(lines) - 1
    for k, raw in enumerate(lines):
        line = raw.strip()
        if k == last:
            parts.append(line)
        elif line.endswith("\\") and not line.endswith("\\\\"):
            parts.append(line[:-1].rstrip() + "\n")
        elif _HARD_BREAK_SPACES.search(raw):
            hard_break = "  \n"
            parts.append(line + "\n")
        else:
            parts.append(line + " ")
    return "".join(parts), hard_break


def _flatten(children: list[Token]) -> Iterable[Token]:
    for child in children:
        yield child
        if child.children:
            yield from _flatten(child.children)


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _translatable(tok: Token) -> bool:
    """Say whether an inline token has words outside URLs and code."""
    in_autolink = False
    for child in tok.children or []:
        if child.type == "link_open":
            in_autolink = child.markup == "autolink" or child.info == "auto"
        elif child.type == "link_close":
            in_autolink = False
        elif child.type == "text" and not in_autolink and _has_letters(child.content):
            return True
        elif child.type == "image" and _has_letters(child.content):
            return True
        elif child.type == "html_inline":
            continue
    return False


def _image_only(tok: Token) -> bool:
    """Say whether a paragraph holds images (maybe linked) and nothing else to read."""
    has_image = False
    for child in tok.children or []:
        if child.type == "image":
            has_image = True
        elif child.type in ("link_open", "link_close", "softbreak", "hardbreak"):
            continue
        elif child.type == "text" and not child.content.strip():
            continue
        else:
            return False
    return has_image


# -- rendering --------------------------------------------------------------


def render(doc: Document, translate: Callable[[Block], str | None]) -> str:
    """Return the document with each block replaced by its translation.

    `translate` gives the translation of a block, or None to keep the source.
    """
    out: list[str] = []
    pos = 0
    for block in doc.blocks:
        translation = translate(block)
        if translation is None or translation == block.text:
            continue
        out.append(doc.source[pos : block.start])
        out.append(_format(block, translation))
        pos = block.end
    out.append(doc.source[pos:])
    return "".join(out)


def _format(block: Block, translation: str) -> str:
    """Write a translation in the syntax that its place in the document needs."""
    if block.style.startswith("yaml"):
        flat = " ".join(translation.split())
        if block.style == "yaml-single":
            return "'" + flat.replace("'", "''") + "'"
        if block.style == "yaml-plain":
            try:
                if yaml.safe_load(f"k: {flat}") == {"k": flat}:
                    return flat
            except yaml.YAMLError:
                pass
        return json.dumps(flat, ensure_ascii=False)
    if block.style == "single-line":
        flat = " ".join(translation.split())
        if block.kind == "table cell":
            flat = re.sub(r"(?<!\\)\|", r"\\|", flat)
        return flat
    lines = [line.strip() for line in translation.strip().split("\n")]
    lines = [line for line in lines if line]
    sep = block.hard_break.rstrip("\n") + "\n" + block.continuation
    return sep.join(lines)
