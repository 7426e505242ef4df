"""Language codes, names, plural forms and text direction, all from Babel's CLDR data."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from .errors import LanguageError

if TYPE_CHECKING:
    from babel import Locale

_CODE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$")

# Offered first by the pickers: the languages coalitions most often ask for.
COMMON_LANGUAGES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "pt_BR",
    "ru",
    "uk",
    "pl",
    "nl",
    "el",
    "tr",
    "ar",
    "fa",
    "he",
    "zh_Hans",
    "zh_Hant",
    "ja",
    "ko",
    "hi",
    "lt",
    "lv",
    "et",
    "ro",
    "hu",
    "cs",
    "bg",
    "sr",
    "hr",
    "sv",
    "da",
    "fi",
    "nb",
    "ka",
    "hy",
    "az",
    "be",
    "kk",
)


@dataclass(frozen=True)
class Language:
    """What the service needs to know about one target language.

    Only the code is checked when it is made; the names, plural forms and
    direction are read from Babel's CLDR data when first asked for (loading a
    locale's data costs milliseconds, and `status` or `compile --check` need
    none of it).
    """

    code: str

    @cached_property
    def _locale(self) -> Locale:
        from babel import Locale

        return Locale.parse(self.code)

    @cached_property
    def english_name(self) -> str:
        """Return the name in English, e.g. 'German'."""
        return self._locale.english_name or self.code

    @cached_property
    def native_name(self) -> str:
        """Return the name in the language itself, e.g. 'Deutsch'."""
        return self._locale.display_name or self.code

    @cached_property
    def plural_forms(self) -> str:
        """Return the gettext Plural-Forms header value."""
        from babel.messages.plurals import get_plural

        return get_plural(self._locale).plural_forms

    @cached_property
    def direction(self) -> str:
        """Return "ltr" or "rtl"."""
        return self._locale.text_direction

    @property
    def is_rtl(self) -> bool:
        """Say whether the language is written right to left."""
        return self.direction == "rtl"


#: A code written as Babel writes the locales it has data for: language, or language_TERRITORY.
_CANONICAL = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")


@lru_cache(maxsize=1)
def _locale_data() -> str | None:
    """Return the folder of Babel's CLDR files (one `CODE.dat` per locale it knows), found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    return os.path.join(folders[0], "locale-data") if folders else None


def _known_as_written(code: str) -> bool:
    """Say whether Babel would take the code as it is: written as Babel writes it, and its data file is there.

    Babel's Locale.parse returns such a code unchanged (tests/core/test_cli_imports.py compares
    the two for every locale); importing Babel costs more than the rest of `status`, which
    checks a dozen codes and needs nothing else of it. Anything else is left to Babel.
    """
    if not _CANONICAL.match(code):
        return False
    folder = _locale_data()
    return folder is not None and os.path.isfile(os.path.join(folder, f"{code}.dat"))


@lru_cache(maxsize=512)
def get_language(code: str) -> Language:
    """Return the language for a gettext or BCP 47 code, or raise LanguageError naming it."""
    raw = (code or "").strip()
    if not _CODE.match(raw):
        raise LanguageError(f"malformed language code {code!r} (expected e.g. de, pt_BR, zh_Hant)")
    if _known_as_written(raw):
        return Language(code=raw)  # its Babel locale is made when first asked for (_locale)
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(raw.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise LanguageError(f"unknown language code {code!r}") from exc
    language = Language(code=str(locale))
    language.__dict__["_locale"] = locale  # what the lazy attributes read
    return language


def _fold(text: str) -> str:
    """Lower-case a name and drop accents and extra spaces, for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Map every folded English and native name to its code (English names win a clash)."""
    names: dict[str, str] = {}
    for lang in all_languages():
        names.setdefault(_fold(lang.native_name), lang.code)
    for lang in all_languages():
        names[_fold(lang.english_name)] = lang.code
    return names


def find_language(text: str) -> Language:
    """Return the language for a code ('de', 'pt-BR') or a name ('German', 'Deutsch', 'portuguese (brazil)')."""
    raw = " ".join((text or "").split())
    code_error = None
    if _CODE.match(raw):
        try:
            return get_language(raw)
        except LanguageError as exc:
            code_error = exc  # 'Ewe' looks like a code; try it as a name
    code = _names().get(_fold(raw))
    if code is not None:
        return get_language(code)
    if code_error is not None and len(raw) <= 3:
        raise code_error
    if re.search(r"[^\w\s()'’.-]|\d", raw):
        raise LanguageError(
            f"malformed language code {raw!r} (expected e.g. de, pt_BR, zh_Hant, or a name such as German)"
        )
    import difflib  # only a misspelt name needs it

    hint = difflib.get_close_matches(_fold(raw), list(_names()), n=1, cutoff=0.75)
    suggestion = f"; did you mean {get_language(_names()[hint[0]]).english_name}?" if hint else ""
    raise LanguageError(
        f"unknown language {raw!r}: write a name such as German or Deutsch, or a code such as de or pt_BR{suggestion}"
    )


def parse_language_list(text: str) -> list[str]:
    """Turn 'German, fr, Portuguese (Brazil)' or 'de fr uk' into normalised codes, refusing any unknown one."""
    codes = []
    for part in re.split(r"[,;\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        try:
            codes.append(find_language(part).code)
        except LanguageError:
            words = part.split()
            if len(words) < 2:
                raise
            try:  # 'de fr uk': codes separated by spaces
                codes.extend(get_language(word).code for word in words)
            except LanguageError:
                raise LanguageError(
                    f"unknown language {part!r}: separate languages with commas and write "
                    f"names such as German or codes such as de"
                ) from None
    if not codes:
        raise LanguageError("no language given")
    return list(dict.fromkeys(codes))


def language_names(codes: list[str] | tuple[str, ...] | str) -> str:
    """Return 'French, Ukrainian' for ['fr', 'uk'] (or 'fr,uk'), keeping unknown codes as they are."""
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c.strip()]
    names = []
    for code in codes:
        try:
            names.append(get_language(code).english_name)
        except LanguageError:
            names.append(code)
    return ", ".join(names)


def _scan() -> list[tuple[str, str, str, str]]:
    """Return code, English name, native name and direction of every language Babel knows.

    This reads every locale's CLDR data (about 200 MB, which Babel keeps), so
    _all_languages runs it in a child process when it can.
    """
    from babel.localedata import locale_identifiers

    rows = []
    for ident in locale_identifiers():
        if "_" in ident and ident.count("_") > 1:
            continue
        try:
            lang = get_language(ident)
        except LanguageError:
            continue
        rows.append((lang.code, lang.english_name, lang.native_name, lang.direction))
    return rows


def _scan_in_child() -> list[tuple[str, str, str, str]] | None:
    """Run _scan in a fresh Python process and return its rows, or None if that cannot be done."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    if not sys.executable:
        return None
    package_parent = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))}
    code = "import json, sys; from translate_app.core.languages import _scan; json.dump(_scan(), sys.stdout)"
    try:
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=300, check=True)
        rows = json.loads(proc.stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return [tuple(row) for row in rows]


@lru_cache(maxsize=1)
def _all_languages() -> tuple[Language, ...]:
    # The names of all ~1000 languages are a few hundred kB; the CLDR data they
    # are read from is ~200 MB that Babel would keep for good (in every web
    # worker), so it is read in a child process that then exits.
    langs = []
    for code, english, native, direction in _scan_in_child() or _scan():
        lang = Language(code)
        lang.__dict__.update(english_name=english, native_name=native, direction=direction)
        langs.append(lang)
    return tuple(sorted(langs, key=lambda lang: lang.english_name))


def all_languages() -> list[Language]:
    """Return every language Babel knows, for pickers, sorted by English name."""
    return list(_all_languages())


def picker_languages() -> list[Language]:
    """Return every language for a picker: the common ones first (in COMMON_LANGUAGES order), then by name."""
    known = {lang.code: lang for lang in _all_languages()}
    common = [known.get(code) or get_language(code) for code in COMMON_LANGUAGES]
    first = {lang.code for lang in common}
    return common + [lang for lang in _all_languages() if lang.code not in first]
