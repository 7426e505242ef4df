"""Mask what must survive machine translation into tokens, and restore it afterwards.

Inline Markdown (emphasis delimiters, link brackets and URLs, code spans,
autolinks, inline HTML, footnote markers, backslash escapes), bare URLs,
numbers and glossary terms become tokens such as ``[X3X]`` before a text goes
to a provider. Restoring is tolerant of what machines do to tokens (spaces
inside them, spaces around paired markup) and strict about Markdown: a pair
whose other half was lost is dropped whole, so a mangled token gives a
translation that fails a check, never unbalanced markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

ATOM = "atom"
OPEN = "open"
CLOSE = "close"

TOKEN = re.compile(r"\[\s*X\s*(\d{1,4})\s*X\s*\]")
_TOKEN_TEMPLATE = "[X{}X]"

# Patterns applied in this order; each sees earlier claims blanked out.
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*?)?/?>|<!--.*?-->", re.S)
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")
_LINK = re.compile(
    r"(!?\[)((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)(\]\((?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)|\]\[[^\]\n]*\])"
)
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\x00]*[^\s<>\"'.,;:!?)\]\x00]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
_HARD_BREAK = re.compile(r"\\\n| {2,}\n")
_STRONG = re.compile(r"(\*\*|__)(?=[^\s\x00])(.+?)(?<=[^\s\x00])\1", re.S)
_EMPH_STAR = re.compile(r"(?<![\*\w\x00])(\*)(?=[^\s\*\x00])(.+?)(?<=[^\s\*\x00])\*(?!\*)", re.S)
_EMPH_UNDER = re.compile(r"(?<![\w\x00])(_)(?=[^\s_\x00])(.+?)(?<=[^\s_\x00])_(?!\w)", re.S)
_NUMBER = re.compile(r"(?<![\w.,\x00])\d+(?:[.,:/\u00a0\u202f]\d+)*(?![^\W_¹²³⁴⁵⁶⁷⁸⁹⁰]|\x00)")
_SUPERSCRIPT = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")


@dataclass(frozen=True)
class Placeholder:
    """One masked piece of a text: its token index, original text and role."""

    index: int
    original: str
    kind: str = ATOM  # atom | open | close
    pair: int | None = None  # index of the other half of paired markup
    term: str | None = None  # glossary term this token stands for

    @property
    def token(self) -> str:
        """Return the token that stands for this piece in the masked text."""
        return _TOKEN_TEMPLATE.format(self.index)


@dataclass(frozen=True)
class Masked:
    """A text with its protected pieces replaced by tokens."""

    source: str
    text: str
    placeholders: tuple[Placeholder, ...] = ()

    @property
    def translatable(self) -> bool:
        """Say whether anything but tokens, digits and punctuation is left to translate."""
        return bool(re.search(r"[^\W\d_]", TOKEN.sub("", self.text)))


@dataclass(frozen=True)
class Restored:
    """A translation with its tokens put back, and what went wrong doing so."""

    text: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Say whether every token came back exactly once."""
        return not self.problems


@dataclass
class _Claims:
    """Spans of the source already claimed by a placeholder, kept in source order."""

    text: str
    spans: list[tuple[int, int, str, int | None, str | None]] = field(default_factory=list)
    next_pair: int = 0

    def blanked(self) -> str:
        """Return the text with claimed spans replaced by NUL characters of equal length."""
        chars = list(self.text)
        for start, end, *_ in self.spans:
            chars[start:end] = "\x00" * (end - start)
        return "".join(chars)

    def free(self, start: int, end: int) -> bool:
        """Say whether a span overlaps no claim."""
        return all(end <= s or start >= e for s, e, *_ in self.spans)

    def claim(self, start: int, end: int, kind: str = ATOM, pair: int | None = None, term: str | None = None) -> None:
        """Claim a span for a placeholder."""
        if end > start:
            self.spans.append((start, end, kind, pair, term))

    def claim_pair(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        """Claim an opening and a closing span that must come back together."""
        key = self.next_pair
        self.next_pair += 1
        self.claim(*a, kind=OPEN, pair=key)
        self.claim(*b, kind=CLOSE, pair=key)


def mask(text: str, *, terms: Iterable[str] = (), numbers: bool = True) -> Masked:
    """Replace inline Markdown, URLs, code, numbers and glossary terms with tokens."""
    claims = _Claims(text)
    for pattern in (_CODE_SPAN, _AUTOLINK, _HTML_TAG, _FOOTNOTE):
        for m in pattern.finditer(claims.blanked()):
            claims.claim(m.start(), m.end())
    for m in _LINK.finditer(claims.blanked()):
        claims.claim_pair(m.span(1), m.span(3))
    for pattern in (_BARE_URL, _EMAIL, _ESCAPE, _HARD_BREAK):
        for m in pattern.finditer(claims.blanked()):
            claims.claim(m.start(), m.end())
    for pattern in (_STRONG, _EMPH_STAR, _EMPH_UNDER):
        # Repeat so that nested emphasis (**a *b* c**) is found level by level.
        for _ in range(3):
            found = False
            for m in pattern.finditer(claims.blanked()):
                delim = len(m.group(1))
                open_span = (m.start(), m.start() + delim)
                close_span = (m.end() - delim, m.end())
                if claims.free(*open_span) and claims.free(*close_span):
                    claims.claim_pair(open_span, close_span)
                    found = True
            if not found:
                break
    for term in sorted({t for t in terms if t.strip()}, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w\x00])" + re.escape(term) + r"(?![\w\x00])")
        for m in pattern.finditer(claims.blanked()):
            claims.claim(m.start(), m.end(), term=term)
    if numbers:
        for pattern in (_NUMBER, _SUPERSCRIPT):
            for m in pattern.finditer(claims.blanked()):
                claims.claim(m.start(), m.end())
    return _build(text, claims)


def _build(text: str, claims: _Claims) -> Masked:
    spans = sorted(claims.spans)
    index_of_pair: dict[tuple[int, str], int] = {}
    for i, (_, _, kind, pair, _) in enumerate(spans):
        if pair is not None:
            index_of_pair[(pair, kind)] = i
    placeholders = []
    out = []
    pos = 0
    for i, (start, end, kind, pair, term) in enumerate(spans):
        other = None
        if pair is not None:
            other = index_of_pair[(pair, CLOSE if kind == OPEN else OPEN)]
        ph = Placeholder(i, text[start:end], kind, other, term)
        placeholders.append(ph)
        out.append(text[pos:start])
        out.append(ph.token)
        pos = end
    out.append(text[pos:])
    return Masked(text, "".join(out), tuple(placeholders))


def unmask(masked: Masked, translated: str, *, replacements: dict[str, str] | None = None) -> Restored:
    """Put the masked pieces back into a translation; glossary terms may be replaced."""
    by_index = {p.index: p for p in masked.placeholders}
    problems: list[str] = []
    seen: dict[int, int] = {}
    for m in TOKEN.finditer(translated):
        idx = int(m.group(1))
        seen[idx] = seen.get(idx, 0) + 1
    unknown = sorted(i for i in seen if i not in by_index)
    if unknown:
        problems.append("unknown tokens " + ", ".join(_TOKEN_TEMPLATE.format(i) for i in unknown))
    missing = [p for p in masked.placeholders if p.index not in seen]
    if missing:
        problems.append("lost " + ", ".join(repr(p.original) for p in missing))
    doubled = [by_index[i] for i, n in seen.items() if n > 1 and i in by_index]
    if doubled:
        problems.append("repeated " + ", ".join(repr(p.original) for p in doubled))
    # A pair comes back only when both halves do, in order; else both halves go.
    dropped: set[int] = set()
    first_pos: dict[int, int] = {}
    for m in TOKEN.finditer(translated):
        first_pos.setdefault(int(m.group(1)), m.start())
    for p in masked.placeholders:
        if p.pair is None or p.kind != OPEN:
            continue
        o, c = first_pos.get(p.index), first_pos.get(p.pair)
        if o is None or c is None or o > c:
            dropped.update({p.index, p.pair})
            if o is not None and c is not None:
                problems.append(f"markup {p.original!r} reordered")
    replacements = replacements or {}
    used: set[int] = set()

    def keep_once(m: re.Match[str]) -> str:
        idx = int(m.group(1))
        if idx not in by_index or idx in used or idx in dropped:
            return ""
        used.add(idx)
        return _TOKEN_TEMPLATE.format(idx)

    text = TOKEN.sub(keep_once, translated)
    if len(used) != len(seen) or dropped:
        text = re.sub(r"[ \t]{2,}", " ", text)
    # Paired delimiters hug their content: "[X0X] word [X1X]" must give "**word**".
    text = re.sub(
        r"(\[X(\d+)X\])\s+", lambda m: m.group(1) if by_index[int(m.group(2))].kind == OPEN else m.group(0), text
    )
    text = re.sub(
        r"\s+(\[X(\d+)X\])", lambda m: m.group(1) if by_index[int(m.group(2))].kind == CLOSE else m.group(0), text
    )

    def put_back(m: re.Match[str]) -> str:
        ph = by_index[int(m.group(1))]
        if ph.term is not None:
            return replacements.get(ph.term, ph.original)
        return ph.original

    text = re.sub(r"\[X(\d+)X\]", put_back, text)
    # Machines add or drop outer white space; the source's edges are the rule.
    source = masked.source
    text = source[: len(source) - len(source.lstrip())] + text.strip() + source[len(source.rstrip()) :]
    return Restored(text, tuple(problems))
