"""Language codes, names, plural forms and text direction, all from Babel's CLDR data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from .errors import LanguageError

_CODE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$")


@dataclass(frozen=True)
class Language:
    """What the service needs to know about one target language."""

    code: str
    english_name: str
    native_name: str
    plural_forms: str
    direction: str  # "ltr" or "rtl"

    @property
    def is_rtl(self) -> bool:
        """Say whether the language is written right to left."""
        return self.direction == "rtl"


@lru_cache(maxsize=512)
def get_language(code: str) -> Language:
    """Return the language for a gettext or BCP 47 code, or raise LanguageError naming it."""
    raw = (code or "").strip()
    if not _CODE.match(raw):
        raise LanguageError(f"malformed language code {code!r} (expected e.g. de, pt_BR, zh_Hant)")
    try:
        locale = Locale.parse(raw.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise LanguageError(f"unknown language code {code!r}") from exc
    plural = get_plural(locale)
    return Language(
        code=str(locale),
        english_name=locale.english_name or str(locale),
        native_name=locale.display_name or str(locale),
        plural_forms=plural.plural_forms,
        direction=locale.text_direction,
    )


def parse_language_list(text: str) -> list[str]:
    """Split 'de, fr,pt-BR' into normalised codes, refusing any unknown one."""
    codes = [part for part in re.split(r"[\s,]+", text or "") if part]
    if not codes:
        raise LanguageError("no language given")
    return list(dict.fromkeys(get_language(c).code for c in codes))


def all_languages() -> list[Language]:
    """Return every language Babel knows, for pickers, sorted by English name."""
    from babel.localedata import locale_identifiers

    langs = []
    for ident in locale_identifiers():
        if "_" in ident and ident.count("_") > 1:
            continue
        try:
            langs.append(get_language(ident))
        except LanguageError:
            continue
    return sorted(langs, key=lambda lang: lang.english_name)
