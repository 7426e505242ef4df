"""Quality checks on translations: small classes in a registry, after Weblate's checks."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

# Every pattern here is linear in the text: no part can rescan what another
# part already passed (a 1 MB adversarial draft must not pin a worker; see
# tests/core/test_checks_linear.py). Markdown is parsed by pulldown-cmark
# (pyromark), which is linear by design, where markdown-it-py took 20 µs a
# character on "[" * n.

# A number: digit groups of three after a separator (1,000 / 1.000 / 1 000),
# or a plain run of digits; then an optional decimal part (3.5 / 3,5).
_NUMBER = re.compile(r"(?<!\d)(?:\d{1,3}(?:[,.'\u2019 \u00a0\u202f]\d{3})+(?!\d)|\d+)(?:[.,]\d+)?")
_DIGITS = re.compile(r"\d+")
_FOOTNOTE = re.compile(r"\[\^[^\]\[\s]+\]")
_HTML_TAG = re.compile(r"<\s*(?:/\s*)?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>")  # not <https://…> nor <a@b.org>
_BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"]*[^\s<>\".,;:!?)\]'’”]")
#: Texts longer than this are checked without caching their results (the caches must stay small).
_CACHED_CHARS = 4096
_SENTENCE_END = {
    ".": ".。।۔።",
    "!": "!！",
    "?": "?？؟;;",
    ":": ":：",
    ";": ";；؛",
}


@dataclass(frozen=True)
class CheckResult:
    """One failing check on one translation."""

    id: str
    name: str
    severity: str  # "error" or "warning"
    message: str
    blocking: bool = False

    def as_dict(self) -> dict[str, str | bool]:
        """Return the result as plain JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "blocking": self.blocking,
        }


class Check:
    """A quality check: an id, a name, a severity and one function of source and target.

    A blocking check (wrong figures, links or URLs) stops an approval unless the
    reviewer overrides it with a reason; an error that is not blocking (an empty
    or broken translation) stops it without exception.
    """

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    blocking: ClassVar[bool] = False
    description: ClassVar[str] = ""

    def check(self, source: str, target: str, *, language: str = "") -> str | None:
        """Return a message when the translation fails the check, else None."""
        raise NotImplementedError

    def run(self, source: str, target: str, *, language: str = "") -> CheckResult | None:
        """Run the check and wrap a failure in a CheckResult."""
        message = self.check(source, target, language=language)
        if message is None:
            return None
        return CheckResult(self.id, self.name, self.severity, message, self.blocking)


REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Add a check class to the registry under its id."""
    REGISTRY[cls.id] = cls
    return cls


def blocking_check_ids() -> tuple[str, ...]:
    """Return the ids of the registered checks whose failure blocks an approval, sorted."""
    return tuple(sorted(cid for cid, cls in REGISTRY.items() if cls.blocking))


_MARKUP_KINDS = ("emphasis", "links", "autolinks", "urls", "code", "images")


def _markup(text: str) -> dict[str, Counter]:
    """Count the inline Markdown constructs a translation must keep (do not mutate the result)."""
    if len(text) <= _CACHED_CHARS:
        return _markup_cached(text)
    return _scan_markup(text)


@lru_cache(maxsize=8192)
def _markup_cached(text: str) -> dict[str, Counter]:
    return _scan_markup(text)


def _scan_markup(text: str) -> dict[str, Counter]:
    found: dict[str, Counter] = {k: Counter() for k in _MARKUP_KINDS}
    import pyromark  # here: a catalog without translations never needs it

    if not text.isascii():  # the parser takes UTF-8 only: a lone surrogate (refused at the door) becomes "?"
        text = text.encode("utf-8", "replace").decode("utf-8")
    for event in pyromark.events(text):
        if not isinstance(event, dict):  # "SoftBreak", "HardBreak", "Rule"
            continue
        if "Text" in event:
            found["urls"].update(_BARE_URL.findall(event["Text"]))
        elif "Code" in event:
            found["code"][event["Code"]] += 1
        elif "Start" in event:
            start = event["Start"]
            if start in ("Strong", "Emphasis"):
                found["emphasis"][start] += 1
            elif isinstance(start, dict) and "Link" in start:
                link = start["Link"]
                key = "autolinks" if link.get("link_type") in ("Autolink", "Email") else "links"
                found[key][str(link.get("dest_url", ""))] += 1
            elif isinstance(start, dict) and "Image" in start:
                found["images"][str(start["Image"].get("dest_url", ""))] += 1
    return found


def count_difference(src: Counter, dst: Counter, *, missing: str = "missing", extra: str = "extra") -> str:
    """Say what the source has that the translation lacks, and the other way round ("" when alike)."""
    lacking = list((src - dst).elements())
    added = list((dst - src).elements())
    parts = []
    if lacking:
        parts.append(f"{missing} " + ", ".join(repr(m) for m in lacking))
    if added:
        parts.append(f"{extra} " + ", ".join(repr(e) for e in added))
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
    blocking = True
    description = "Every link, autolink, image and written-out URL of the source keeps its URL."

    def check(self, source, target, *, language=""):
        s, t = _markup(source), _markup(target)
        problems = [
            f"{kind}: {d}"
            for kind in ("links", "autolinks", "urls", "images")
            if (d := count_difference(s[kind], t[kind]))
        ]
        return "; ".join(problems) or None


@register
class CodeSpanCheck(Check):
    id = "code"
    name = "Code spans"
    severity = "error"
    description = "Code spans are copied unchanged."

    def check(self, source, target, *, language=""):
        return count_difference(_markup(source)["code"], _markup(target)["code"]) or None


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
        names = {"Strong": "bold", "Emphasis": "italic"}
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

        return count_difference(markers(source), markers(target)) or None


_SEPARATORS = str.maketrans("", "", ",.'\u2019 \u00a0\u202f")


def _value(digits: str) -> str:
    """Return a run of digits of any script as ASCII digits without leading zeros."""
    if not digits.isascii():
        digits = "".join(str(unicodedata.digit(c)) for c in digits)
    return digits.lstrip("0") or "0"


def _numbers(text: str) -> Counter:
    """Count the numbers of a text by value, whatever their group and decimal separators."""
    return Counter(_value(n.translate(_SEPARATORS)) for n in _NUMBER.findall(_strip_urls(text)))


def _digit_runs(text: str) -> Counter:
    """Count the runs of digits of a text by value (10:30 and 10.30 both give 10 and 30)."""
    return Counter(_value(d) for d in _DIGITS.findall(_strip_urls(text)))


@register
class NumbersCheck(Check):
    id = "numbers"
    name = "Numbers"
    severity = "error"
    blocking = True
    description = (
        "The translation has the same numbers as the source (years, dates, counts, amounts), "
        "written in its own style: 1,000 = 1.000 = 1 000, 3.5 = 3,5."
    )

    def check(self, source, target, *, language=""):
        s, t = _numbers(source), _numbers(target)
        if s == t or _digit_runs(source) == _digit_runs(target):
            return None
        missing, extra = sorted((s - t).elements(), key=_order), sorted((t - s).elements(), key=_order)
        parts = []
        if missing:
            parts.append("not in the translation: " + ", ".join(missing))
        if extra:
            parts.append("not in the source: " + ", ".join(extra))
        return "; ".join(parts)


def _order(value: str) -> tuple[int, str]:
    return len(value), value


@register
class WhitespaceCheck(Check):
    id = "whitespace"
    name = "Leading and trailing space"
    severity = "warning"
    description = "The translation starts and ends with the same white space as the source."

    def check(self, source, target, *, language=""):
        def edges(text: str) -> tuple[str, str]:
            return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]

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


_LINK_DESTINATION = re.compile(r"\]\([^()]*\)")
_URL = re.compile(r"<?https?://\S+")


def _strip_urls(text: str) -> str:
    """Drop link destinations and URLs, whose digits are no numbers of the text."""
    return _URL.sub("", _LINK_DESTINATION.sub("]", text))


def _registered_results(
    source: str, target: str, language: str, enabled: tuple[str, ...] | None
) -> tuple[CheckResult, ...]:
    """Run the registered checks; cached for texts of ordinary length, since the editor asks again."""
    if len(source) + len(target) <= _CACHED_CHARS:
        return _cached_results(source, target, language, enabled)
    return _run_registered(source, target, language, enabled)


@lru_cache(maxsize=16384)
def _cached_results(
    source: str, target: str, language: str, enabled: tuple[str, ...] | None
) -> tuple[CheckResult, ...]:
    return _run_registered(source, target, language, enabled)


def _run_registered(
    source: str, target: str, language: str, enabled: tuple[str, ...] | None
) -> tuple[CheckResult, ...]:
    results = []
    for cid, cls in REGISTRY.items():
        if enabled is not None and cid not in enabled:
            continue
        result = cls().run(source, target, language=language)
        if result is not None:
            results.append(result)
    return tuple(results)


def run_checks(
    source: str, target: str, *, language: str = "", enabled: list[str] | None = None, extra: Iterable[Check] = ()
) -> list[CheckResult]:
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
