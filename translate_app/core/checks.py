"""Quality checks on translations: small classes in a registry, after Weblate's checks."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from markdown_it import MarkdownIt

from .markdown import shared

_INLINE = shared(MarkdownIt("commonmark"))
_NUMBER = re.compile(r"\d(?:[\d\u00a0\u202f.,' ]*\d)?")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")
_HTML_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^>]*>")  # not <https://…> nor <a@b.org>
_SENTENCE_END = {
    ".": ".。।۔።", "!": "!！", "?": "?？؟;;", ":": ":：", ";": ";；؛",
}


@dataclass(frozen=True)
class CheckResult:
    """One failing check on one translation."""

    id: str
    name: str
    severity: str  # "error" or "warning"
    message: str

    def as_dict(self) -> dict[str, str]:
        """Return the result as plain JSON-ready data."""
        return {"id": self.id, "name": self.name, "severity": self.severity, "message": self.message}


class Check:
    """A quality check: an id, a name, a severity and one function of source and target."""

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    description: ClassVar[str] = ""

    def check(self, source: str, target: str, *, language: str = "") -> str | None:
        """Return a message when the translation fails the check, else None."""
        raise NotImplementedError

    def run(self, source: str, target: str, *, language: str = "") -> CheckResult | None:
        """Run the check and wrap a failure in a CheckResult."""
        message = self.check(source, target, language=language)
        if message is None:
            return None
        return CheckResult(self.id, self.name, self.severity, message)


REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Add a check class to the registry under its id."""
    REGISTRY[cls.id] = cls
    return cls


@lru_cache(maxsize=8192)
def _markup(text: str) -> dict[str, Counter]:
    """Count the inline Markdown constructs a translation must keep (cached: do not mutate)."""
    found: dict[str, Counter] = {k: Counter() for k in ("emphasis", "links", "autolinks", "code", "images")}
    for block in _INLINE.parse(text):
        for tok in block.children or []:
            if tok.type in ("strong_open", "em_open"):
                found["emphasis"][tok.type] += 1
            elif tok.type == "link_open":
                key = "autolinks" if tok.markup == "autolink" else "links"
                found[key][str(tok.attrs.get("href", ""))] += 1
            elif tok.type == "code_inline":
                found["code"][tok.content] += 1
            elif tok.type == "image":
                found["images"][str(tok.attrs.get("src", ""))] += 1
    return found


def _diff(src: Counter, dst: Counter) -> str:
    missing = list((src - dst).elements())
    extra = list((dst - src).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(repr(m) for m in missing))
    if extra:
        parts.append("extra " + ", ".join(repr(e) for e in extra))
    return "; ".join(parts)


@register
class EmptyCheck(Check):
    id = "empty"
    name = "Empty translation"
    severity = "error"
    description = "The translation holds only white space."

    def check(self, source, target, *, language=""):
        if target and not target.strip():
            return "the translation is only white space"
        return None


@register
class LinksCheck(Check):
    id = "links"
    name = "Links and URLs"
    severity = "error"
    description = "Every link, autolink and image of the source keeps its URL."

    def check(self, source, target, *, language=""):
        s, t = _markup(source), _markup(target)
        problems = [f"{kind}: {d}" for kind in ("links", "autolinks", "images") if (d := _diff(s[kind], t[kind]))]
        return "; ".join(problems) or None


@register
class CodeSpanCheck(Check):
    id = "code"
    name = "Code spans"
    severity = "error"
    description = "Code spans are copied unchanged."

    def check(self, source, target, *, language=""):
        return _diff(_markup(source)["code"], _markup(target)["code"]) or None


@register
class EmphasisCheck(Check):
    id = "emphasis"
    name = "Bold and italic"
    severity = "warning"
    description = "The translation has as many bold and italic spans as the source."

    def check(self, source, target, *, language=""):
        s, t = _markup(source)["emphasis"], _markup(target)["emphasis"]
        if s == t:
            return None
        names = {"strong_open": "bold", "em_open": "italic"}
        return ", ".join(f"{names[k]}: {s[k]} in source, {t[k]} in translation" for k in names if s[k] != t[k])


@register
class FootnoteCheck(Check):
    id = "footnotes"
    name = "Footnote markers"
    severity = "error"
    description = "Footnote markers such as [^1] and ¹ are kept."

    def check(self, source, target, *, language=""):
        def markers(text: str) -> Counter:
            return Counter(_FOOTNOTE.findall(text)) + Counter(c for c in text if c in "¹²³⁴⁵⁶⁷⁸⁹⁰")
        return _diff(markers(source), markers(target)) or None


@register
class NumbersCheck(Check):
    id = "numbers"
    name = "Numbers"
    severity = "warning"
    description = "Numbers (years, dates, counts) appear in the translation too."

    def check(self, source, target, *, language=""):
        def numbers(text: str) -> Counter:
            text = _strip_urls(text)
            # Compare digit values, so that Arabic-Indic ٢٠٢٦ is the same number as 2026.
            return Counter("".join(str(unicodedata.digit(c)) for c in n if c.isdecimal())
                           for n in _NUMBER.findall(text))
        return _diff(numbers(source), numbers(target)) or None


@register
class WhitespaceCheck(Check):
    id = "whitespace"
    name = "Leading and trailing space"
    severity = "warning"
    description = "The translation starts and ends with the same white space as the source."

    def check(self, source, target, *, language=""):
        def edges(text: str) -> tuple[str, str]:
            return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        if edges(source) != edges(target):
            return "leading or trailing white space differs from the source"
        return None


@register
class PunctuationCheck(Check):
    id = "punctuation"
    name = "Ending punctuation"
    severity = "warning"
    description = "A sentence that ends with . ! ? : or ; ends likewise in the translation."

    def check(self, source, target, *, language=""):
        s, t = source.rstrip()[-1:], target.rstrip()[-1:]
        if s in _SENTENCE_END and t not in _SENTENCE_END[s]:
            return f"the source ends with {s!r}, the translation with {t!r}"
        if s and t and t in ".!?" and s not in _SENTENCE_END and s.isalnum():
            return f"the translation ends with {t!r}, the source does not"
        return None


@register
class UnchangedCheck(Check):
    id = "unchanged"
    name = "Unchanged source"
    severity = "warning"
    description = "A sentence copied unchanged, where it should be translated."

    def check(self, source, target, *, language=""):
        words = re.findall(r"[^\W\d_]{2,}", _strip_urls(source))
        if target.strip() == source.strip() and len(words) >= 4:
            return "the translation is the same as the source"
        return None


@register
class LengthCheck(Check):
    id = "length"
    name = "Length far off"
    severity = "warning"
    description = "The translation is less than a third or more than three times the source's length."

    def check(self, source, target, *, language=""):
        if len(source) < 20 or not target:
            return None
        ratio = len(target) / len(source)
        if ratio < 0.33 or ratio > 3.0:
            return f"the translation is {ratio:.1f} times the length of the source"
        return None


@register
class HtmlCheck(Check):
    id = "html"
    name = "HTML markup"
    severity = "error"
    description = "The translation adds no HTML tags that the source does not have."

    def check(self, source, target, *, language=""):
        s = Counter(m.lower() for m in _HTML_TAG.findall(source))
        t = Counter(m.lower() for m in _HTML_TAG.findall(target))
        extra = t - s
        if extra:
            return "HTML tags not in the source: " + ", ".join(sorted(f"<{tag}>" for tag in extra))
        return None


def _strip_urls(text: str) -> str:
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"<?https?://\S+", "", text)


@lru_cache(maxsize=16384)
def _registered_results(source: str, target: str, language: str,
                        enabled: tuple[str, ...] | None) -> tuple[CheckResult, ...]:
    """Run the registered checks; cached, since the editor asks again for unchanged texts."""
    results = []
    for cid, cls in REGISTRY.items():
        if enabled is not None and cid not in enabled:
            continue
        result = cls().run(source, target, language=language)
        if result is not None:
            results.append(result)
    return tuple(results)


def run_checks(source: str, target: str, *, language: str = "",
               enabled: list[str] | None = None, extra: Iterable[Check] = ()) -> list[CheckResult]:
    """Run every registered check (or the enabled ones), plus extra instances, and return the failures."""
    if not target:
        return []
    source = unicodedata.normalize("NFC", source)
    target = unicodedata.normalize("NFC", target)
    results = list(_registered_results(source, target, language, tuple(enabled) if enabled is not None else None))
    # Extra checks carry data of their own, such as a release glossary.
    for check in extra:
        if enabled is not None and check.id not in enabled:
            continue
        result = check.run(source, target, language=language)
        if result is not None:
            results.append(result)
    return results
from . import markup_checks  # noqa: E402,F401  (registers the markup placeholder check)
