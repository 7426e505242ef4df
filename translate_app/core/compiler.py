"""Turn a document and a catalog into a translated release: Markdown, HTML and .mo."""

from __future__ import annotations

import functools
import html

import polib
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .errors import NotApprovedError
from .languages import get_language
from .markdown import shared
from .segmenter import Block, Document, render
from .states import State, entry_state


@functools.cache
def _html_parser() -> MarkdownIt:
    """Return the parser of render_html, made when first needed (`compile --check` renders nothing).

    Raw HTML is off: any markup in a translation is shown as text, never run. Two
    threads asking at once may each make one; either is complete (see shared).
    """
    return shared(MarkdownIt("commonmark", {"html": False}).enable("table").use(front_matter_plugin))


PAGE_STYLE = """
body{font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;
  color:#1d1d1f;background:#fff}
main{max-width:46rem;margin:2rem auto;padding:0 1.25rem}
h1,h2,h3{line-height:1.25}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}
blockquote{margin-inline-start:0;padding-inline-start:1rem;border-inline-start:4px solid #ddd;color:#444}
pre{background:#f5f5f5;padding:.75rem;overflow:auto}
"""


def translations(po: polib.POFile, *, only_approved: bool = False) -> dict[str, str]:
    """Map each source text to the translation a release may use.

    By gettext's rule fuzzy entries are left out; with only_approved, only
    approved entries count.
    """
    result: dict[str, str] = {}
    for entry in po:
        if entry.obsolete or not entry.msgstr or entry.msgctxt:
            continue
        state = entry_state(entry)
        if only_approved and state != State.APPROVED:
            continue
        if state in (State.TRANSLATED, State.APPROVED):
            result[entry.msgid] = entry.msgstr
    return result


def unapproved(doc: Document, po: polib.POFile) -> list[str]:
    """Return the source texts of the document that have no approved translation."""
    approved = translations(po, only_approved=True)
    return [text for text in doc.texts() if text not in approved]


def render_markdown(doc: Document, po: polib.POFile, *, only_approved: bool = False) -> str:
    """Return the document with the catalog's translations spliced in."""
    if only_approved:
        missing = unapproved(doc, po)
        if missing:
            raise NotApprovedError(
                f"{len(missing)} of {len(doc.texts())} segments are not approved (first: {missing[0][:60]!r})"
            )
    table = translations(po, only_approved=only_approved)

    def lookup(block: Block) -> str | None:
        return table.get(block.text)

    return render(doc, lookup)


def render_html(markdown_text: str, language: str, *, title: str | None = None) -> str:
    """Return a standalone HTML page of a Markdown release, escaped, with lang and dir."""
    lang = get_language(language)
    _HTML = _html_parser()
    tokens = _HTML.parse(markdown_text.lstrip("\ufeff"))
    if title is None:
        title = _title(tokens)
    body = _HTML.renderer.render(tokens, _HTML.options, {})
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang.code.replace("_", "-"))}" dir="{lang.direction}">\n'
        '<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def title_of(markdown_text: str) -> str:
    """Return the title a page of this Markdown gets: its first heading, else its first words."""
    return _title(_html_parser().parse(markdown_text.lstrip("\ufeff")))


def _title(tokens: list) -> str:
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            return tokens[i + 1].content
    for tok in tokens:
        if tok.type == "inline" and tok.content.strip():
            return " ".join(tok.content.split())[:120].replace("*", "")
    return "Release"
