"""The spans of markup in an HTML fragment, found with the standard library's HTML parser (see html_blocks.py).

A module of its own so that only documents with raw HTML blocks load the parser.
"""

from __future__ import annotations

import html.parser

from .html_blocks import _RAW_TEXT, INLINE_TAGS


class Spans(html.parser.HTMLParser):
    """Collect the spans of markup in an HTML fragment, in characters from its start."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0]
        for i, c in enumerate(text):
            if c == "\n":
                self.line_starts.append(i + 1)
        self.markup: list[tuple[int, int, str, bool]] = []  # start, end, tag name, inline?
        self.raw_until: str | None = None

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _close(self, start: int, end_marker: str) -> int:
        end = self.text.find(end_marker, start)
        return len(self.text) if end < 0 else end + len(end_marker)

    def handle_starttag(self, tag, attrs):
        start = self._pos()
        raw = self.get_starttag_text() or ""
        self.markup.append((start, start + len(raw), tag, tag in INLINE_TAGS))
        if tag in _RAW_TEXT:
            self.raw_until = tag

    def handle_startendtag(self, tag, attrs):
        start = self._pos()
        raw = self.get_starttag_text() or ""
        self.markup.append((start, start + len(raw), tag, tag in INLINE_TAGS))

    def handle_endtag(self, tag):
        start = self._pos()
        self.markup.append((start, self._close(start, ">"), tag, tag in INLINE_TAGS))
        if tag == self.raw_until:
            self.raw_until = None

    def handle_data(self, data):
        if self.raw_until is not None:
            start = self._pos()
            self.markup.append((start, start + len(data), self.raw_until, False))

    def handle_comment(self, data):
        start = self._pos()
        self.markup.append((start, self._close(start, "-->"), "!--", False))

    def handle_decl(self, decl):
        start = self._pos()
        self.markup.append((start, self._close(start, ">"), "!", False))

    def handle_pi(self, data):
        start = self._pos()
        self.markup.append((start, self._close(start, ">"), "?", False))

    def unknown_decl(self, data):
        start = self._pos()
        self.markup.append((start, self._close(start, "]]>"), "!", False))
