"""The pieces of a source segment a translator must carry over unchanged, as tokens to insert.

Links (their destination), images, code spans, autolinks and written-out URLs,
footnote references, placeholders (`{name}`, `%s`, `{{ x }}`, shortcodes and
Liquid tags) and bold or italic spans. The editor shows them as buttons that
insert the token at the caret (wrapping the selection for links and emphasis)
and warns, while the translator types, when the translation lost one: each
token carries a `needle`, the text that must occur in the translation as often
as in the source (None for emphasis, which the emphasis check counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .markup_checks import protected_markup

# One alternation, scanned left to right; every part is bounded by a character class that cannot
# hold its own closer, so the scan stays linear. Emphasis is looked for afterwards, with these masked.
_ATOMIC = re.compile(
    r"(?P<code>`[^`\n]{1,300}`)"
    r"|(?P<footnote>\[\^[^\]\[\s]{1,40}\])"
    r"|(?P<image>!\[(?P<alt>[^\]\[\n]{0,300})\]\((?P<isrc>[^()\s]{0,500}(?:\s+\"[^\"\n]{0,200}\")?)\))"
    r"|(?P<link>\[(?P<label>[^\]\[\n]{0,300})\]\((?P<href>[^()\s]{0,500}(?:\s+\"[^\"\n]{0,200}\")?)\))"
    r"|(?P<autolink><(?:https?|ftp|mailto):[^<>\s]{1,500}>)"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>\"]{0,500}[^\s<>\".,;:!?)\]'’”])"
    r"|(?P<brace>\{[A-Za-z_][\w.]{0,60}\})"
    r"|(?P<printf>%(?:\d\$)?(?:\(\w{1,40}\))?[-+#0]?\d{0,3}(?:\.\d{1,3})?[sdifuxXc])"
)
_EMPHASIS = re.compile(
    r"(?P<strong>\*\*|__)(?=\S)(?P<sbody>[^\n]{1,300}?)(?<=\S)(?P=strong)"
    r"|(?<![\w*])(?P<em>[*_])(?=[^\s*_])(?P<ebody>[^*_\n]{1,300}?)(?<=[^\s*_])(?P=em)(?![\w*])"
)


@dataclass(frozen=True)
class MarkupToken:
    """One piece of markup of a source: how it is shown, what a click inserts, what the check looks for."""

    kind: str  # link, image, code, footnote, url, placeholder, bold, italic
    text: str  # as in the source
    label: str  # short, for the button
    open: str  # inserted before the caret (or the selection)
    close: str = ""  # inserted after it: links and emphasis wrap the translated words
    needle: str | None = None  # must occur in the translation as often as in the source
    count: int = 1  # how often the source has it

    def as_dict(self) -> dict:
        """Return the token as JSON-ready data."""
        return dict(vars(self))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _atomic(match: re.Match) -> MarkupToken:
    kind = match.lastgroup if match.lastgroup not in ("alt", "isrc", "label", "href") else "link"
    assert kind is not None  # every alternative of the pattern is a named group
    text = match.group(0)
    if match.group("image") is not None:
        close = f"]({match.group('isrc')})"
        return MarkupToken("image", text, "image " + _short(match.group("isrc")), "![", close, close)
    if match.group("link") is not None:
        close = f"]({match.group('href')})"
        return MarkupToken("link", text, "link " + _short(match.group("href")), "[", close, close)
    if kind in ("brace", "printf"):
        kind = "placeholder"
    elif kind == "autolink":
        kind = "url"
    return MarkupToken(kind, text, _short(text), text, "", text)


def markup_tokens(source: str) -> list[MarkupToken]:
    """Return the tokens of a source in order of first appearance, each once with its count."""
    found: list[tuple[int, MarkupToken]] = []
    masked = list(source)
    # Shortcodes, Liquid and attribute lists first, as the markup check sees them: `{{x}}` is one token, not `{x}`.
    for placeholder, n in protected_markup(source).items():
        first = at = source.find(placeholder)
        if first == -1:  # white space inside differs from the normalised form: the markup check still sees it
            continue
        while at != -1:
            masked[at : at + len(placeholder)] = " " * len(placeholder)
            at = source.find(placeholder, at + 1)
        found.append(
            (first, MarkupToken("placeholder", placeholder, _short(placeholder), placeholder, "", placeholder, n))
        )
    for match in _ATOMIC.finditer("".join(masked)):
        found.append((match.start(), _atomic(match)))
        masked[match.start() : match.end()] = " " * (match.end() - match.start())
    plain = "".join(masked)
    for match in _EMPHASIS.finditer(plain):
        mark = match.group("strong") or match.group("em")
        body = source[match.start() + len(mark) : match.end() - len(mark)]
        kind = "bold" if match.group("strong") else "italic"
        found.append(
            (
                match.start(),
                MarkupToken(kind, source[match.start() : match.end()], f"{kind} {_short(body, 24)}", mark, mark),
            )
        )
    tokens: dict[str, MarkupToken] = {}
    for _, token in sorted(found, key=lambda pair: pair[0]):
        key = token.needle or token.text
        if key in tokens:
            old = tokens[key]
            tokens[key] = MarkupToken(old.kind, old.text, old.label, old.open, old.close, old.needle, old.count + 1)
        else:
            tokens[key] = token
    return list(tokens.values())
