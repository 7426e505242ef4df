"""A release's glossary: terms kept as written or replaced per language, and their check.

The glossary of release NAME lives beside its source as ``source/NAME.glossary.yml``::

    # kept as written in every language (names of people and organisations)
    keep:
      - Maksim Kuzmin
      - UNHCR
    # replaced per language; a language not listed keeps the term as written
    replace:
      Regional Administrative Court:
        de: Regionales Verwaltungsgericht
        fr: Tribunal administratif régional
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .checks import Check
from .errors import TranslateAppError

MAX_GLOSSARY_BYTES = 1024 * 1024


class GlossaryError(TranslateAppError):
    """A glossary file that cannot be read or has the wrong shape."""


@dataclass(frozen=True)
class Term:
    """One glossary term and what it becomes in each language (nothing: kept)."""

    source: str
    translations: dict[str, str] = field(default_factory=dict)

    def target(self, language: str) -> str:
        """Return what the term must read in a language."""
        code = language.replace("-", "_")
        for key in (code, code.split("_")[0]):
            if key in self.translations:
                return self.translations[key]
        return self.source

    def pattern(self) -> re.Pattern[str]:
        """Return a pattern finding the term as a whole word."""
        return re.compile(r"(?<!\w)" + re.escape(self.source) + r"(?!\w)")


@dataclass(frozen=True)
class Glossary:
    """The terms of one release."""

    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def sources(self) -> list[str]:
        """Return every term as written in the source language."""
        return [t.source for t in self.terms]

    def replacements(self, language: str) -> dict[str, str]:
        """Return {source term: target text} for a language."""
        return {t.source: t.target(language) for t in self.terms}

    def missing(self, source: str, target: str, language: str) -> list[tuple[Term, str]]:
        """Return the terms of the source whose required form the translation lacks."""
        problems = []
        for term in self.terms:
            wanted = len(term.pattern().findall(source))
            if not wanted:
                continue
            expected = term.target(language)
            found = len(re.findall(r"(?<!\w)" + re.escape(expected) + r"(?!\w)", target, re.I))
            if found < wanted:
                problems.append((term, expected))
        return problems


def glossary_path(source_dir: Path | str, release: str) -> Path:
    """Return where the glossary of a release lives."""
    return Path(source_dir) / f"{release}.glossary.yml"


def load_glossary(path: Path | str) -> Glossary:
    """Read a glossary file; a missing file is an empty glossary."""
    path = Path(path)
    if not path.is_file():
        return Glossary()
    if path.stat().st_size > MAX_GLOSSARY_BYTES:
        raise GlossaryError(f"{path}: over {MAX_GLOSSARY_BYTES} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"{path}: cannot read: {exc}") from exc
    return parse_glossary(text, str(path))


def parse_glossary(text: str, name: str = "glossary") -> Glossary:
    """Parse the YAML text of a glossary, naming the file in every error."""
    import yaml  # only releases with a glossary need it

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise GlossaryError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise GlossaryError(f"{name}: expected a mapping with 'keep' and 'replace'")
    unknown = set(data) - {"keep", "replace"}
    if unknown:
        raise GlossaryError(f"{name}: unknown keys {', '.join(sorted(map(str, unknown)))}; use 'keep' and 'replace'")
    terms: dict[str, Term] = {}
    keep = data.get("keep") or []
    if not isinstance(keep, list) or not all(isinstance(t, (str, int, float)) for t in keep):
        raise GlossaryError(f"{name}: 'keep' must be a list of terms")
    for t in keep:
        if str(t).strip():
            terms[str(t).strip()] = Term(str(t).strip())
    replace = data.get("replace") or {}
    if not isinstance(replace, dict):
        raise GlossaryError(f"{name}: 'replace' must map each term to {{language: translation}}")
    for t, by_lang in replace.items():
        if not isinstance(by_lang, dict) or not all(isinstance(v, (str, int, float)) for v in by_lang.values()):
            raise GlossaryError(f"{name}: term {t!r} must map language codes to translations")
        source = str(t).strip()
        if source:
            terms[source] = Term(source, {str(k).replace("-", "_"): str(v) for k, v in by_lang.items()})
    return Glossary(tuple(terms.values()))


class GlossaryCheck(Check):
    """Flag a translation that drops a glossary term or ignores its required form."""

    id = "glossary"
    name = "Glossary terms"
    severity = "warning"
    description = "Names and terms of the release glossary appear as the glossary says."

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary

    def check(self, source: str, target: str, *, language: str = "") -> str | None:
        """Return which glossary terms the translation lacks, or None."""
        missing = self.glossary.missing(source, target, language)
        if not missing:
            return None
        return "; ".join(
            f"{term.source!r} missing" if expected == term.source else f"{term.source!r} should read {expected!r}"
            for term, expected in missing
        )


def glossary_checks(glossary: Glossary) -> Iterable[Check]:
    """Return the extra checks a glossary adds, for run_checks(extra=...)."""
    return [GlossaryCheck(glossary)] if glossary else []


MAX_TERM_CHARS = 200


def _clean_term(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise GlossaryError(f"the {what} must be text")
    text = " ".join(text.split())
    if len(text) > MAX_TERM_CHARS:
        raise GlossaryError(f"the {what} has more than {MAX_TERM_CHARS} characters")
    return text


def with_term(
    glossary: Glossary, source: str, language: str, target: str | None, *, old_source: str | None = None
) -> Glossary:
    """Return the glossary with a term added or changed: its source (renamed from old_source) and its target
    in a language.

    An empty target, or one equal to the source, means the term is kept as written in that language.
    """
    source = _clean_term(source, "term")
    if not source:
        raise GlossaryError("a glossary term needs a text")
    target = _clean_term(target or "", "translation")
    key = language.replace("-", "_")
    terms = list(glossary.terms)
    old = _clean_term(old_source, "term") if old_source else source
    where = next((i for i, t in enumerate(terms) if t.source == old), None)
    if old != source and any(t.source == source for t in terms):
        raise GlossaryError(f"the glossary has the term {source!r} already")
    if old_source and old != source and where is None:
        raise GlossaryError(f"the glossary has no term {old!r}")
    translations = dict(terms[where].translations) if where is not None else {}
    translations.pop(key, None)
    if target and target != source:
        translations[key] = target
    term = Term(source, translations)
    if where is None:
        terms.append(term)
    else:
        terms[where] = term
    return Glossary(tuple(terms))


def without_term(glossary: Glossary, source: str) -> Glossary:
    """Return the glossary without a term (GlossaryError when it has none such)."""
    if source not in glossary.sources():
        raise GlossaryError(f"the glossary has no term {source!r}")
    return Glossary(tuple(t for t in glossary.terms if t.source != source))


def dump_glossary(glossary: Glossary) -> str:
    """Return the YAML text of a glossary, in the file's shape (see the module docstring).

    parse_glossary reads it back.
    """
    import yaml

    data: dict = {}
    keep = [t.source for t in glossary.terms if not t.translations]
    replace = {t.source: dict(sorted(t.translations.items())) for t in glossary.terms if t.translations}
    if keep:
        data["keep"] = keep
    if replace:
        data["replace"] = replace
    body = (
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000) if data else ""
    )
    return (
        "# kept as written in every language (keep), or replaced per language (replace).\n"
        "# Edited in the browser too: comments other than this one are not kept.\n" + body
    )
