"""Split a Markdown document into translatable segments and splice translations back.

The document is never re-serialised: each segment remembers the character span
of the source it came from, and rendering replaces exactly those spans. A
translation equal to its source leaves the original bytes in place, so an
identity catalog gives back the source file byte for byte.

What real sites write around their prose is kept out of the text: YAML and
TOML front matter keys, kramdown/Jekyll attribute lists, Hugo shortcodes and
Liquid tags on their own lines, GitHub alert markers, container fences
(`:::tip`), MDX import/export lines and task-list boxes. The parser sees a
copy of the source in which those are blanked out with spaces of the same
length, so every offset and line number stays that of the source. Footnote
definitions, definition lists, admonitions and tabs are parsed with
mdit-py-plugins; raw HTML blocks with the standard library's HTML parser.
Every translation is escaped where it is spliced in (see escaping.py).
"""

from __future__ import annotations

import gc
import io
import re
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, text_join
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.admon import index as admon
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .blocks import Block, Document
from .defaults import DEFAULT_FRONT_MATTER_KEYS, DEFAULT_MAX_BYTES
from .errors import SourceError
from .escaping import escape_block_lines, escape_cell, escape_line_start, flatten
from .front_matter import TOML_FENCE, format_value, toml_fields, yaml_fields
from .html_blocks import escape_html_text, prose_runs
from .markdown import shared

__all__ = ["Block", "Document", "decode_source", "make_parser", "read_source", "render", "segment"]


_HARD_BREAK_SPACES = re.compile(r" {2,}$")

# MkDocs content tabs (=== "Tab") are admonitions with another marker: the
# admonition rule of mdit-py-plugins, run with "===" as its only marker.
_tabs_rule = types.FunctionType(
    admon.admonition.__code__,
    {**admon.admonition.__globals__, "MARKERS": ("===",), "MARKER_CHARS": {"="}, "MAX_MARKER_LEN": 3},
    "tabs",
)


def _tabs_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "tabs", _tabs_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]})


_PLUGINS = {"footnote": footnote_plugin, "deflist": deflist_plugin, "admon": admon_plugin, "tabs": _tabs_plugin}


def make_parser(plugins: Iterable[str] = tuple(_PLUGINS)) -> MarkdownIt:
    """Return the parser used everywhere: CommonMark, tables, front matter, footnotes, definition lists,
    admonitions and tabs."""
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    for name in plugins:
        md.use(_PLUGINS[name])
    return shared(md)


_PARSER = make_parser()
# The same parser without the inline pass: segment() parses a block's inline
# content only when its text could hold something other than words, emphasis
# and line breaks (see _INLINE_SYNTAX), which spares most of markdown-it's work.
# footnote_tail would drop every footnote definition, since without the inline
# pass no reference to them is seen; the definitions stay where they are.
# A plugin's rule is tried on every line; a document without its marker gets a
# parser without it (one parser per set of plugins, made when first needed).
_BLOCK_PARSERS: dict[tuple[str, ...], MarkdownIt] = {}
# Searched in "\n" + text: a literal newline first lets the regex engine skip ahead fast.
_PLUGIN_MARKERS = {
    "footnote": re.compile(r"\[\^"),
    "deflist": re.compile(r"\n[ \t>]*[:~][ \t]"),
    "admon": re.compile(r"\n[ \t>]*(?:!!!|\?\?\?)"),
    "tabs": re.compile(r"\n[ \t>]*===[ \t]"),
}


def _block_parser(text: str) -> MarkdownIt:
    """Return the block parser with the plugins whose markers the text holds."""
    text = "\n" + text
    plugins = tuple(name for name, marker in _PLUGIN_MARKERS.items() if marker.search(text))
    parser = _BLOCK_PARSERS.get(plugins)
    if parser is None:
        parser = make_parser(plugins).disable(["inline", "text_join"])
        if "footnote" in plugins:
            parser.disable("footnote_tail")
        parser = _BLOCK_PARSERS.setdefault(plugins, shared(parser))
    return parser


# Links, images, autolinks, raw HTML, code spans and entities all need one of
# these characters; without them an inline token's children are only text,
# emphasis and breaks, and every letter of its content is in a text child.
_INLINE_SYNTAX = re.compile(r"[\[<`&]")

# -- markup that is not text ------------------------------------------------------

# Inside a tag, no closing braces: {{% a %}} text {{% /a %}} is two shortcodes around text.
# One line each: a tag left open never makes the search run on through the document.
_SHORTCODE = (
    r"(?:\{\{[<%](?:[^}\n]|\}(?!\}))*?[%>]\}\}|\{%(?:[^%\n]|%(?!\}))*?%\}"
    r"|\{\{(?:[^}\n]|\}(?!\}))*?\}\})"
)
_IAL = r"(?:\{:[^{}\n]*\}|\{[#.][^{}\n]*\})"
_ALERT = r"\[![A-Za-z]+\][+-]?"
_MDX = (
    r"(?:import[ \t]+(?:[\w*{}, \t]+[ \t]+from[ \t]+)?['\"][^'\"\n]+['\"];?"
    r"|export[ \t]+(?:default|const|let|var|function|class|async)\b.*)"
)
# Lines that are markup only; group "title" of a container line is text.
_MARKUP_LINE = re.compile(
    rf"^(?P<prefix>[ \t>]*)(?:(?P<sc>{_SHORTCODE}(?:[ \t]*{_SHORTCODE})*)|{_IAL}|{_ALERT}"
    rf"|(?P<container>:{{3,}})[ \t]*(?P<name>\{{[\w:-]*\}}|[\w-]*)[ \t]*(?:\[(?P<btitle>[^\]\n]*)\]|(?P<title>.*?))"
    rf"|(?P<mdx>{_MDX}))[ \t]*\r?$",
    re.M,
)
# Shortcodes whose content is code, not prose: {{< highlight >}}, Docsy's {{< tab lang=… >}}.
# Liquid's {% highlight %} … {% endhighlight %} and {% comment %} … {% endcomment %} likewise.
_CODE_SHORTCODE = re.compile(r"\{\{<\s*(highlight|tab)\b(.*?)>\}\}|\{%-?\s*(?P<liquid>highlight|comment)\b")
_CLOSE_SHORTCODE = re.compile(r"\{\{<\s*/\s*(\w+)\s*>\}\}|\{%-?\s*end(?P<liquid>highlight|comment)\b")
_DIRECTIVE_OPTION = re.compile(r"^[ \t>]*:[\w-]+:(?:[ \t].*)?\r?\n?$")
_LEADING_MARKUP = re.compile(rf"^(?:(?:{_SHORTCODE}|{_IAL}|{_ALERT}|\[[ xX]\](?=[ \t]))[ \t]*)+")
_TRAILING_MARKUP = re.compile(rf"(?:[ \t]*(?:{_SHORTCODE}|{_IAL}))+$")
_QUOTED_TITLE = re.compile(r'"(?P<title>[^"\n]*)"[ \t]*\r?$')
_MARKDOWN_LINE = re.compile(r"^[ \t]*(?:```|~~~|\||[-*+][ \t]|\d{1,9}[.)][ \t]|#{1,6}[ \t]|>)")
_ONLY_URL = re.compile(r"^<?(?:https?://|www\.)\S+?>?$")


def _markup_lines(
    source: str, lines: list[str], offsets: list[int], skip_until: int
) -> tuple[dict[int, tuple[int, int]], list[tuple[int, int, int]]]:
    """Find whole lines of markup: {line: (start, end) to blank} and container titles (line, start, end)."""
    blank: dict[int, tuple[int, int]] = {}
    titles: list[tuple[int, int, int]] = []
    if "+-" in source or "+=" in source:
        _grid_tables(source, lines, offsets, skip_until, blank, titles)
    if not re.search(r"[{:\[]|^(?:import|export)[ \t]", source, re.M):
        return blank, titles
    line_of = _LineIndex(offsets)
    code_open: list[tuple[int, str | None]] = []
    for m in _MARKUP_LINE.finditer(source):
        n = line_of(m.start())
        if n < skip_until:
            continue
        if m.group("mdx") is not None and m.group("prefix"):
            continue  # import/export lines count only at the left margin
        text_start = m.start() + len(m.group("prefix"))
        blank[n] = (text_start - offsets[n], len(lines[n].rstrip("\r\n")))
        if m.group("mdx") is not None:
            # An export or import whose brackets stay open goes on until they close: all of it is code.
            depth = _depth(m.group("mdx"))
            k = n + 1
            while depth > 0 and k < len(lines) and lines[k].strip():
                blank[k] = (0, len(lines[k].rstrip("\r\n")))
                depth += _depth(lines[k])
                k += 1
        if m.group("container"):
            group = "btitle" if m.group("btitle") is not None else "title"
            if m.group(group) and any(c.isalpha() for c in m.group(group)):
                titles.append((n, m.start(group), m.end(group)))
            # MyST directive options (:class: tip) under the opening line are markup too.
            k = n + 1
            while k < len(lines) and _DIRECTIVE_OPTION.match(lines[k]):
                blank[k] = (0, len(lines[k].rstrip("\r\n")))
                k += 1
        sc = m.group("sc")
        if sc:
            opening = _CODE_SHORTCODE.search(sc)
            closing = _CLOSE_SHORTCODE.search(sc)
            name = opening and (opening.group(1) or opening.group("liquid"))
            if (
                opening
                and not sc.rstrip().endswith("/>}}")
                and (name in ("highlight", "comment") or "lang=" in (opening.group(2) or ""))
            ):
                code_open.append((n, name))
            elif closing and code_open and code_open[-1][1] == (closing.group(1) or closing.group("liquid")):
                first, _ = code_open.pop()
                for k in range(first + 1, n):
                    blank[k] = (0, len(lines[k].rstrip("\r\n")))
    return blank, titles


_GRID_BORDER = re.compile(r"^[ \t]*\+(?:[-=:]+\+)+[ \t]*\r?$", re.M)


def _grid_tables(
    source: str,
    lines: list[str],
    offsets: list[int],
    skip_until: int,
    blank: dict[int, tuple[int, int]],
    titles: list[tuple[int, int, int]],
) -> None:
    """Blank pandoc grid tables (+---+ borders); a title entry of (-1, first, last) lines warns about each."""
    line_of = _LineIndex(offsets)
    done = -1
    for m in _GRID_BORDER.finditer(source):
        first = line_of(m.start())
        if first <= done or first < skip_until:
            continue
        last = first
        n = first + 1
        while n < len(lines) and lines[n].lstrip().startswith(("|", "+")):
            if _GRID_BORDER.match(lines[n]):
                last = n
            n += 1
        if last > first:
            for k in range(first, last + 1):
                blank[k] = (0, len(lines[k].rstrip("\r\n")))
            titles.append((-1, first, last))
            done = last


def _depth(code: str) -> int:
    """How many brackets a line of code leaves open."""
    return sum(code.count(c) for c in "{([") - sum(code.count(c) for c in "})]")


class _LineIndex:
    """Map offsets to line numbers, for offsets asked in increasing order."""

    def __init__(self, offsets: list[int]) -> None:
        self.offsets = offsets
        self.n = 0

    def __call__(self, pos: int) -> int:
        while self.offsets[self.n + 1] <= pos:
            self.n += 1
        return self.n


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
    eot = text.find("\x04")
    if eot != -1:  # gettext's context separator: no catalog may hold it in a msgid (msgfmt --check refuses)
        raise SourceError(
            f"{name}:{text.count(chr(10), 0, eot) + 1}: control character U+0004 (end of "
            "transmission) cannot be translated; remove it from the document"
        )
    return text


def segment(
    source: str,
    path: str = "document.md",
    *,
    front_matter_keys: Iterable[str] = DEFAULT_FRONT_MATTER_KEYS,
) -> Document:
    """Parse Markdown text and return its translatable blocks (and warnings about what it left out)."""
    # Split where markdown-it does (\n, \r\n, \r), not also at U+2028, \x0c or \x85 as
    # str.splitlines would, or every line map after such a character is off.
    lines = list(io.StringIO(source, newline=""))
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    doc = Document(source=source, path=path)
    keys = set(front_matter_keys)
    blocks: list[Block] = []

    # TOML front matter (+++ … +++, after blank lines at most): the parser never sees it.
    skip_until = 0
    toml = TOML_FENCE.match(source)
    if toml:
        first = next(n for n, line in enumerate(lines) if line.strip().lstrip("\ufeff") == "+++")
        skip_until = _LineIndex(offsets)(toml.end() - 1) + 1
        blocks += toml_fields(lines, offsets, first + 1, skip_until - 1, keys, _newline(lines[first]))

    blank, titles = _markup_lines(source, lines, offsets, skip_until)
    view_lines = lines
    if blank or skip_until:
        view_lines = list(lines)
        for n in range(skip_until):
            view_lines[n] = _blanked(lines[n], 0, len(lines[n].rstrip("\r\n")))
        for n, (a, b) in blank.items():
            view_lines[n] = _blanked(view_lines[n], a, b)
    view = "".join(view_lines)
    for n, a, b in titles:
        if n < 0:
            doc.warnings.append(
                f"{path}:{a + 1}: a grid table (lines {a + 1}-{b + 1}) is not offered for "
                "translation; write it as a pipe table to translate it"
            )
            continue
        blocks.append(
            Block(source[a:b], "container title", "container title", n + 1, a, b, "title", newline=_newline(lines[n]))
        )

    env: dict = {}  # link reference definitions, for the inline parsing done on demand
    walker = _Walker(source, lines, view_lines, offsets, keys, env, doc.warnings, path)
    # Tokens form no reference cycles; the cyclic collector would only rescan the
    # growing token list again and again, which makes large documents super-linear.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            tokens = _block_parser(view).parse(view[1:] if view.startswith("\ufeff") else view, env)
        except Exception as exc:  # markdown-it accepts any text; this guards its bugs
            raise SourceError(f"{path}: cannot parse Markdown: {exc}") from exc
        blocks += walker.walk(tokens)
    finally:
        if gc_was_enabled:
            gc.enable()
    blocks.sort(key=lambda b: b.start)
    kept: list[Block] = []
    for block in blocks:
        if kept and block.start < kept[-1].end:
            doc.warnings.append(f"{path}:{block.line}: {block.kind} overlaps the segment before it; left out")
            continue
        kept.append(block)
    doc.blocks = kept
    _warn_unparsed(tokens, doc.warnings, path)
    return doc


def _newline(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\r" if line.endswith("\r") else "\n"


def _blanked(line: str, a: int, b: int) -> str:
    return line[:a] + " " * (b - a) + line[b:]


_LEAF_OPENERS = frozenset(
    {
        "paragraph_open",
        "heading_open",
        "table_open",
        "thead_open",
        "tbody_open",
        "tr_open",
        "th_open",
        "td_open",
        "dt_open",
        "admonition_title_open",
    }
)


def _warn_unparsed(tokens: list[Token], warnings: list[str], path: str) -> None:
    """Warn about blocks markdown-it skips: whatever is nested deeper than its limit."""
    limit = _PARSER.options.maxNesting  # every parser of make_parser() has the preset's limit
    for tok in tokens:
        # A container opened at the last level has its content tokenized past the limit: skipped.
        if tok.nesting == 1 and tok.level >= limit - 1 and tok.type not in _LEAF_OPENERS:
            line = tok.map[0] + 1 if tok.map else 0
            warnings.append(f"{path}:{line}: blocks nested more than {limit} deep are not offered for translation")
            return


# Tokens the walk has nothing to do with (the commonest ones: checked first).
_PASSIVE = frozenset(
    {
        "paragraph_open",
        "paragraph_close",
        "heading_close",
        "hr",
        "fence",
        "code_block",
        "th_close",
        "td_close",
        "tr_close",
        "thead_close",
        "tbody_close",
        "table_open",
        "table_close",
        "dl_open",
        "dl_close",
        "dt_close",
        "admonition_title_open",
        "admonition_title_close",
    }
)


class _Walker:
    """Walk markdown-it block tokens and collect translatable blocks."""

    def __init__(
        self,
        source: str,
        lines: list[str],
        view_lines: list[str],
        offsets: list[int],
        fm_keys: set[str],
        env: dict,
        warnings: list[str],
        path: str,
    ) -> None:
        self.source = source
        self.lines = lines
        self.view = view_lines
        self.offsets = offsets
        self.fm_keys = fm_keys
        self.env = env
        self.warnings = warnings
        self.path = path
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

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.path}:{line}: {message}")

    def walk(self, tokens: list[Token]) -> list[Block]:
        # Container context: a stack of (kind, data) for lists, items, quotes, footnotes, admonitions.
        stack: list[list] = []
        list_sizes = _list_sizes(tokens)
        table_row = 0
        table_col = 0
        in_head = False
        row_map: list[int] = [0, 0]
        for i, tok in enumerate(tokens):
            t = tok.type
            if t in _PASSIVE:
                continue
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
            elif t == "footnote_reference_open":
                stack.append(["footnote", tok.meta.get("label", ""), 0])
            elif t == "admonition_open":
                kind = "tab" if tok.markup == "===" else "admonition"
                stack.append([kind, tok.meta.get("tag", ""), 0])
                self._quoted_title(tok, kind)
            elif t == "dd_open":
                stack.append(["definition", 0])
            elif t in (
                "bullet_list_close",
                "ordered_list_close",
                "list_item_close",
                "blockquote_close",
                "footnote_reference_close",
                "admonition_close",
                "dd_close",
            ):
                stack.pop()
            elif t == "thead_open":
                in_head, table_row = True, 0
            elif t == "tbody_open":
                in_head, table_row = False, 0
            elif t == "tr_open":
                table_row += 1
                table_col = 0
                row_map = tok.map or row_map
            elif t in ("th_open", "td_open"):
                table_col += 1
            elif t == "html_block":
                self._html(tok)
            elif t == "inline":
                parent = tokens[i - 1]
                if parent.type == "heading_open":
                    self._inline(tok, parent.map, "heading", f"heading level {parent.tag[1:]}", "heading")
                elif parent.type == "paragraph_open":
                    kind, comment = _paragraph_context(stack)
                    self._inline(tok, parent.map, kind, comment, "inline")
                elif parent.type == "dt_open":
                    self._inline(tok, parent.map, "definition term", "definition list term", "heading")
                elif parent.type in ("th_open", "td_open"):
                    where = "header cell" if in_head else f"cell, row {table_row}"
                    self._cell(tok, row_map, table_col, f"table {where}, column {table_col}")
        return self.blocks

    # -- front matter -------------------------------------------------------
    def _front_matter(self, tok: Token) -> None:
        assert tok.map is not None, "markdown-it maps every block token to its lines"
        first, last = tok.map
        if last - 1 <= first + 1:
            return
        base = self.offsets[first + 1]
        body = "".join(self.lines[first + 1 : last - 1])
        if body and not self.lines[last - 1].strip().startswith(("---", "...")):
            body = "".join(self.lines[first + 1 : last])
        self.blocks += yaml_fields(
            body, base, first + 2, self.fm_keys, _newline(self.lines[first]), self.warnings, self.path
        )

    # -- admonition and tab titles -----------------------------------------
    def _quoted_title(self, tok: Token, kind: str) -> None:
        assert tok.map is not None, "markdown-it maps every block token to its lines"
        n = tok.map[0]
        line = self.lines[n]
        m = _QUOTED_TITLE.search(line)
        if not m or not any(c.isalpha() for c in m.group("title")):
            return
        start = self.offsets[n] + m.start("title")
        self.blocks.append(
            Block(
                m.group("title"),
                f"{kind} title",
                f"{kind} title",
                n + 1,
                start,
                start + len(m.group("title")),
                "quoted title",
                newline=_newline(line),
            )
        )

    # -- raw HTML -----------------------------------------------------------
    def _html(self, tok: Token) -> None:
        assert tok.map is not None, "markdown-it maps every block token to its lines"
        first, last = tok.map
        content_lines = tok.content.split("\n")
        if content_lines and content_lines[-1] == "":
            content_lines.pop()
        # Each content line must end the source line it came from (container prefixes come before).
        starts = []
        for k, content in enumerate(content_lines):
            n = first + k
            if n >= last:
                break
            line = self.lines[n].rstrip("\r\n")
            if not line.endswith(content):
                self.warn(n + 1, "raw HTML whose lines cannot be matched to the source; its text is not offered")
                return
            starts.append(self.offsets[n] + len(line) - len(content))
        text = "\n".join(content_lines[: len(starts)])
        line_starts = [0]
        for content in content_lines[: len(starts)]:
            line_starts.append(line_starts[-1] + len(content) + 1)
        try:
            runs = prose_runs(text)
        except Exception as exc:  # the stdlib parser is lenient; this guards its corner cases
            self.warn(first + 1, f"raw HTML that cannot be parsed ({exc}); its text is not offered")
            return
        for a, b, tags in runs:
            ka = _line_of(line_starts, a)
            kb = _line_of(line_starts, b - 1)
            start = starts[ka] + a - line_starts[ka]
            end = starts[kb] + b - line_starts[kb]
            raw = text[a:b]
            if any(_MARKDOWN_LINE.match(piece) for piece in raw.split("\n")):
                self.warn(
                    first + ka + 1, "Markdown inside raw HTML (a fence, table or list line); its text is not offered"
                )
                continue
            self.blocks.append(
                Block(
                    " ".join(raw.split()),
                    "HTML text",
                    "text in raw HTML",
                    first + ka + 1,
                    start,
                    end,
                    "html",
                    newline=_newline(self.lines[first]),
                    tags=tags,
                )
            )

    # -- paragraphs and headings -------------------------------------------
    def _inline(self, tok: Token, block_map: list[int] | None, kind: str, comment: str, style: str) -> None:
        assert block_map is not None, "markdown-it maps every block token to its lines"
        content_lines = tok.content.split("\n")
        first = block_map[0]
        located: list[list[Any]] = []  # (line number, start in line, stripped text, raw content)
        for k, content in enumerate(content_lines):
            if first + k >= len(self.lines):
                self.warn(first + 1, f"{kind} cannot be located in the source; it is not offered")
                return
            line = self.view[first + k].rstrip("\r\n")
            stripped = content.strip()
            idx = line.rfind(stripped) if stripped else len(line)
            if idx < 0:
                self.warn(first + k + 1, f"{kind} cannot be located in the source; it is not offered")
                return
            located.append([first + k, idx, stripped, content])
        # Markup at the edges stays out of the text: task boxes, alert markers, shortcodes, attribute lists.
        edited = False
        lead = _LEADING_MARKUP.match(located[0][2]) if located[0][2][:1] in "{[" else None
        if lead and lead.end():
            located[0][1] += lead.end()
            located[0][2] = located[0][2][lead.end() :]
            edited = True
        trail = _TRAILING_MARKUP.search(located[-1][2]) if located[-1][2].endswith("}") else None
        if trail and trail.start() < len(located[-1][2]):
            located[-1][2] = located[-1][2][: trail.start()]
            edited = True
        if edited:
            while located and not located[0][2]:
                located.pop(0)
            while located and not located[-1][2]:
                located.pop()
            if not located:
                return
            tok = Token("inline", "", 0, content="\n".join(x[2] for x in located))
        if not self._parse_inline(tok):
            if not _has_letters(tok.content):
                return
        elif _image_only(tok):
            self._image_alts(tok, located, kind)
            return
        elif not _translatable(tok):
            return
        if _ONLY_URL.match(tok.content.strip()):
            return
        if len(located) == 1:
            text, hard_break = located[0][2], "\\\n"
        else:
            text, hard_break = _join_lines(
                [x[3] if j not in (0, len(located) - 1) else x[2] + _trailing(x[3]) for j, x in enumerate(located)]
            )
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
            Block(text, kind, comment, n0 + 1, start, end, style, continuation, hard_break, _newline(self.lines[n0]))
        )

    def _image_alts(self, tok: Token, located: list, kind: str) -> None:
        n0, i0, _, _ = located[0]
        n1, i1, s1, _ = located[-1]
        region_start = self.offsets[n0] + i0
        region = self.source[region_start : self.offsets[n1] + i1 + len(s1)]
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
            after = region[cursor : cursor + 2]
            if not _has_letters(alt) or not (after.startswith("(") or after.startswith("[") and after != "[]"):
                continue  # in ![Label] and ![Label][] the alt text is also the name of the reference
            start = region_start + pos + 2
            line = n0 + region[:pos].count("\n") + 1
            self.blocks.append(
                Block(alt, "image alt", f"image {count} alt text ({kind})", line, start, start + len(alt), "image alt")
            )

    def _cell(self, tok: Token, row_map: list[int], column: int, comment: str) -> None:
        if not tok.content.strip():
            return
        if not (_translatable(tok) if self._parse_inline(tok) else _has_letters(tok.content)):
            return
        n = row_map[0]
        line = self.view[n].rstrip("\r\n")
        # The row starts after its container's prefix: quote markers, maybe a list marker.
        for prefix in (_QUOTE_PREFIX, _ROW_PREFIX):
            span = _cell_span(line, column, prefix)
            if span is None:
                continue
            start = self.offsets[n] + span[0]
            text = self.source[start : self.offsets[n] + span[1]]
            if re.sub(r"\\\|", "|", text) == tok.content.strip():  # markdown-it unescapes \| in a cell
                break
        else:
            self.warn(n + 1, f"table cell {column} cannot be located in its row; it is not offered")
            return
        # The first cell of a row without a leading pipe starts the line: a marker there would start a block.
        style = "cell" if "|" in line[: span[0]] else "first cell"
        self.blocks.append(Block(text, "table cell", comment, n + 1, start, start + len(text), style))


_QUOTE_PREFIX = re.compile(r"^[ \t>]*")
_ROW_PREFIX = re.compile(r"^(?:[ \t>]|(?:[-+*]|\d{1,9}[.)])(?=[ \t]))*")  # quotes, list markers
_PIPE = re.compile(r"(?<!\\)\|")


def _cell_span(line: str, column: int, prefix: re.Pattern[str]) -> tuple[int, int] | None:
    """Return the span of the stripped text of a table row's cell (1-based column), as markdown-it splits it."""
    pos = prefix.match(line).end()  # type: ignore[union-attr]
    bounds = [pos - 1] + [m.start() for m in _PIPE.finditer(line, pos)] + [len(line)]
    cells = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]
    if cells and not line[cells[0][0] : cells[0][1]].strip() and line[pos : pos + 1] == "|":
        cells.pop(0)  # the leading pipe
    if column > len(cells):
        return None
    a, b = cells[column - 1]
    piece = line[a:b]
    lead = len(piece) - len(piece.lstrip())
    inner = piece.strip()
    if not inner:
        return None
    return a + lead, a + lead + len(inner)


def _line_of(line_starts: list[int], pos: int) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _trailing(raw: str) -> str:
    """The white space a content line ends with (it may be a hard break)."""
    return raw[len(raw.rstrip()) :]


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
        if entry[0] == "footnote":
            entry[2] += 1
            return "footnote", f"footnote [^{entry[1]}]" + (f", paragraph {entry[2]}" if entry[2] > 1 else "")
        if entry[0] in ("admonition", "tab"):
            entry[2] += 1
            return entry[0], f"{entry[0]} {entry[1]}".strip() + (f", paragraph {entry[2]}" if entry[2] > 1 else "")
        if entry[0] == "definition":
            return "definition", "definition list definition"
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
    return any(map(str.isalpha, text))


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
    """Return the document with each block replaced by its (escaped) translation.

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


_UNESCAPED_BRACKET = re.compile(r"(?<!\\)([\[\]])")


def _format(block: Block, translation: str) -> str:
    """Write a translation in the syntax that its place in the document needs, escaped as text."""
    style = block.style
    if style.startswith(("yaml", "toml")):
        return format_value(block, translation)
    if style == "cell":
        return escape_cell(flatten(translation))
    if style == "first cell":
        return escape_line_start(escape_cell(flatten(translation)))
    if style == "heading":
        return escape_block_lines([flatten(translation)], heading=True)[0]
    if style == "image alt":
        return _UNESCAPED_BRACKET.sub(r"\\\1", flatten(translation))
    if style == "quoted title":
        return flatten(translation).replace('"', "&quot;")
    if style == "title":
        return flatten(translation)
    if style == "html":
        text = escape_html_text(translation, block.tags)
        marked = escape_line_start(text)
        if marked != text:  # in HTML a backslash shows: the marker's first character becomes a reference
            k = next(i for i, (a, b) in enumerate(zip(text, marked, strict=False)) if a != b)
            text = text[:k] + f"&#{ord(text[k])};" + text[k + 1 :]
        return text
    lines = [line.strip() for line in translation.strip().replace("\r\n", "\n").split("\n")]
    lines = escape_block_lines([line for line in lines if line])
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if k < len(lines) - 1:
            # A line ending in a backslash would escape a backslash break: use two spaces instead.
            brk = "  " if line.endswith("\\") else block.hard_break.rstrip("\n")
            out.append(brk + block.newline + block.continuation)
    return "".join(out)
