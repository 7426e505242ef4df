"""Text a reader sees inside raw HTML blocks: found with the standard library's HTML parser.

Every tag, comment, declaration and the content of script and style elements
is markup; the text between them is prose. Prose runs joined only by inline
tags (`<b>`, `<a href>`, `<br>`…) form one segment that keeps those tags, so a
translator sees a sentence, not its pieces. Writing back escapes `&` and `<`
of the translation, except for tags the source text itself holds.
"""

from __future__ import annotations

import html
import re

INLINE_TAGS = frozenset(
    "a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q s samp small span strong sub sup "
    "time u var wbr".split()
)
_RAW_TEXT = frozenset({"script", "style", "textarea", "template"})
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_LOOSE_AMP = re.compile(r"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


def prose_runs(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Return (start, end, inline tag names) of each run of prose with letters in an HTML fragment."""
    from .html_markup import Spans  # the HTML parser: only documents with raw HTML need it

    parser = Spans(text)
    parser.feed(text)
    parser.close()
    spans = sorted(parser.markup)
    runs: list[tuple[int, int, tuple[str, ...]]] = []
    run_start: int | None = None
    run_end = 0
    run_tags: list[str] = []
    pos = 0

    def finish() -> None:
        if run_start is not None:
            piece = text[run_start:run_end]
            inner = piece.strip()
            if any(c.isalpha() for c in _TAG_NAME.sub("", re.sub(r"<[^<>]*>", "", inner))):
                lead = len(piece) - len(piece.lstrip())
                runs.append((run_start + lead, run_start + lead + len(inner), tuple(sorted(set(run_tags)))))

    for start, end, tag, inline in spans + [(len(text), len(text), "", False)]:
        if start < pos:
            continue
        gap = text[pos:start]
        if gap.strip():
            if run_start is None:
                run_start, run_tags = pos + (len(gap) - len(gap.lstrip())), []
            run_end = pos + len(gap.rstrip())
        if inline and run_start is not None:
            run_tags.append(tag)
            run_end = end
        elif inline and tag:
            # An inline tag may open a run: <a href="…">text</a> more.
            run_start, run_tags, run_end = start, [tag], end
        elif tag or start == len(text):
            finish()
            run_start, run_tags = None, []
        pos = max(pos, end)
    # A run that ends in inline tags without text after them keeps them; trim trailing tags only if empty.
    return [(s, e, t) for s, e, t in runs]


def escape_html_text(translation: str, allowed: tuple[str, ...]) -> str:
    """Escape a translation for HTML: `&` and `<`, except tags whose names the source text held."""
    text = " ".join(translation.split("\n")).strip()
    text = _LOOSE_AMP.sub("&amp;", text)

    def tag(m: re.Match[str]) -> str:
        return m.group(0) if m.group(1).lower() in allowed else "&lt;" + m.group(0)[1:]

    text = re.sub(r"<(?=[^A-Za-z/])", "&lt;", text)
    return _TAG_NAME.sub(tag, text)


def plain(text: str) -> str:
    """Return the text of an HTML fragment without its tags, entities resolved (for tests and checks)."""
    return html.unescape(re.sub(r"<[^<>]*>", "", text))
