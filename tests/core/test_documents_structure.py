"""Judging a translated document against its source: the block structure a reader sees.

Shared by the corpus tests and the segmenting benchmark. The reference parser
knows more syntax than CommonMark (footnotes, definition lists, admonitions,
containers, task lists) so that a construct broken by a translation shows.
"""

from __future__ import annotations

import html.parser
import re
import tomllib
from collections import Counter
from collections.abc import Callable

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from translate_app.core.segmenter import _tabs_plugin  # MkDocs tabs: the admonition rule with "==="

_REFERENCE = (
    MarkdownIt("commonmark")
    .enable("table")
    .use(footnote_plugin)
    .use(deflist_plugin)
    .use(admon_plugin)
    .use(container_plugin, name="any", validate=lambda params, *a: True)
    .use(tasklists_plugin)
    .use(_tabs_plugin)
)

_YAML_FM = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
_TOML_FM = re.compile(r"\A(\ufeff?)\s*\+\+\+[ \t]*\r?\n(.*?\r?\n)?\+\+\+[ \t]*(?:\r?\n|\Z)", re.S)
# Lines that carry meaning of their own: they must come out as they went in.
MARKER_LINE = re.compile(
    r"^[ \t>]*(?:\{:?[^{}\n]*\}|(?:\{\{[<%][^}]*[%>]\}\}|\{%[^%]*%\}|\{\{[^}]*\}\})(?:[ \t]*\{[{%][^}]*[}%]\}\}?)*"
    r"|\[![A-Za-z]+\][+-]?|:{3,}.*|"
    r"(?:!!!|\?\?\?\+?|===)[ \t]+\S.*|(?:import|export)[ \t].*|\+\+\+|---|\[\^[^\]]+\]:)[ \t]*$",
    re.M,
)
# What hostile translations start with: everything Markdown reads as a block.
HOSTILE = [
    "30. März 2026 {}",
    "2024. március 3-án {}",
    "1) {}",
    "- {}",
    "+ {}",
    "* {}",
    "> {}",
    "# {}",
    "| {} |",
    "***\n{}",
    "{}\n===",
    "{}\n---",
    "```\n{}",
    "    {}",
    "[^x]: {}",
    "[a]: https://example.org/ {}",
    "<div>\n{}",
    ":::note\n{}",
    "!!! note {}",
    "{{: .x}}\n{}",
    "{}\n- list\n> quote",
    "{}\n1. one\n| a | b |\n|---|---|",
    "~~~ {}",
    '=== "Tab"\n{}',
    "Term\n: {}",
    "{{{{< x >}}}}\n{}",
    "<!-- {} -->",
    "{} #",
]


def front_matter(text: str) -> tuple[str, object, str]:
    """Split off YAML or TOML front matter: (kind, parsed data, the rest of the document)."""
    for kind, pattern in (("yaml", _YAML_FM), ("toml", _TOML_FM)):
        m = pattern.match(text)
        if m:
            body = (m.group(2) or "").replace("\r\n", "\n")
            try:
                data = yaml.safe_load(body) if kind == "yaml" else tomllib.loads(body)
            except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
                data = f"INVALID {kind}: {exc}"
            return kind, data, "\n" * m.group(0).count("\n") + text[m.end() :]
    return "", None, text


def _strip_values(data: object, keys: set[str]) -> object:
    """Front matter with the values of translatable keys replaced by their type."""
    if isinstance(data, dict):
        return {
            k: (type(v).__name__ if k in keys and isinstance(v, str) else _strip_values(v, keys))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_strip_values(v, keys) for v in data]
    return data


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(("<", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tags.append(("</", tag))

    def handle_comment(self, data):
        self.tags.append(("!--", data))


def html_skeleton(text: str) -> list[tuple]:
    """Return the tags, attributes and comments of an HTML fragment, without its text."""
    p = _Tags()
    p.feed(text)
    p.close()
    return p.tags


def structure(
    text: str,
    keys: set[str] = frozenset({"title", "description", "summary", "subtitle", "excerpt", "abstract"}),
    *,
    markup: bool = True,
) -> dict:
    """Describe what a translation must keep: blocks, code, HTML tags, URLs, marker lines, front matter.

    With markup=False, blocks are compared by kind only (a `*` bullet for a `-` one is the same list).
    """
    kind, data, body = front_matter(text.lstrip("\ufeff"))
    blocks, code, tags, urls = [], [], [], Counter()
    for tok in _REFERENCE.parse(body):
        if tok.type == "inline":
            for child in _walk(tok.children or []):
                if child.type == "link_open":
                    urls["link " + str(child.attrs.get("href"))] += 1
                elif child.type == "image":
                    urls["image " + str(child.attrs.get("src"))] += 1
            continue
        mark = tok.markup.split(" ")[0] if tok.markup.startswith("===") else tok.markup  # a tab's label
        if markup:
            info = re.match(r"[ \t]*(\{?[\w:+-]*\}?)", tok.info).group(1)  # a fence's language, a container's name
            blocks.append((tok.type, tok.tag, mark, info))
        else:
            blocks.append((tok.type, tok.tag))
        if tok.type in ("fence", "code_block"):
            code.append(tok.content)
        elif tok.type == "html_block":
            tags.append(html_skeleton(tok.content))
    return {
        "front matter": (kind, _strip_values(data, set(keys))),
        "blocks": blocks,
        "code": code,
        "html": tags,
        "urls": urls,
        "marker lines": Counter(_marker(m.group(0)) for m in MARKER_LINE.finditer(body)),
    }


def _marker(line: str) -> str:
    """A marker line without the title a translator may change (`:::tip Title`, `!!! note "Title"`)."""
    line = re.sub(r'"[^"]*"[ \t]*$', '""', line.strip())
    return re.sub(r"^([ \t>]*:{3,}[ \t]*[\w-]*).*", r"\1", line)


def _walk(children):
    for c in children:
        yield c
        if c.children:
            yield from _walk(c.children)


# What a pseudo-translation leaves alone: code, URLs, link labels and destinations, tags, entities,
# footnote markers, shortcodes and Liquid, attribute lists, reference labels ([Label], [Label][], [x][label]).
_PROTECTED = re.compile(
    r"(`+).+?\1|<[^<>\n]*>|\]\([^)\n]*\)|\]\[[^\]\n]*\]|(?<![\]\\])!?\[[^\[\]\n]+\](?:\[\])?(?![(\[])"
    r"|https?://\S+|&#?\w+;|\[\^[^\]\n]+\]|\{\{.*?\}\}|\{%.*?%\}|\{[:#.][^{}\n]*\}",
    re.S,
)
_WORD = re.compile(r"[^\W\d_]+")


def _change(words: str) -> str:
    return _WORD.sub(lambda w: "Ü" + w.group(0)[::-1] + "ö", words)


def pseudo(text: str) -> str:
    """Change every word of a segment and leave its markup, URLs and numbers alone."""
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(_change(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_change(text[pos:]))
    return "".join(out)


def hostile(index: int) -> Callable[[str], str]:
    """Return a translation function that starts its text with a block marker."""
    template = HOSTILE[index % len(HOSTILE)]
    return lambda text: template.format(pseudo(text))


def differences(before: dict, after: dict) -> list[str]:
    """Name the parts of two structures that differ."""
    return [name for name in before if before[name] != after[name]]


def test_the_judge_sees_a_broken_structure() -> None:
    source = "---\ntitle: x\nlayout: post\n---\n\nMarch 30\n\n```\ncode\n```\n\n[a](https://x.org)\n{: .note}\n"
    assert differences(structure(source), structure(source)) == []
    assert differences(structure(source), structure(source.replace("March 30", "30. März"))) == ["blocks"]
    assert "front matter" in differences(structure(source), structure(source.replace("layout: post", "layout: x")))
    assert differences(structure(source), structure(source.replace("code", "Kode"))) == ["code"]
    assert differences(structure(source), structure(source.replace("x.org", "y.org"))) == ["urls"]
    assert differences(structure(source), structure(source.replace("{: .note}", "{: .x}"))) == ["marker lines"]


def test_pseudo_changes_every_word_and_keeps_markup() -> None:
    assert (
        pseudo("See **the** [docs](https://x.org/a) `code` [Ref][] {{< x >}}")
        == "ÜeeSö **Üehtö** [Üscodö](https://x.org/a) `code` [Ref][] {{< x >}}"
    )
