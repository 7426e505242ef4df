"""Signatory lists: organisation names that stay, countries named in every language.

Half of a joint statement is often its list of signing organisations, one per
list item, written `Name – Country`, `Name (description) – Country` or just
`Name`. Translating those items one by one wastes volunteers' time and invites
mistakes (a translated organisation name, a misspelt country). Here:

* a list is a signatory list when at least three of its items, and at least
  half of them, end in a dash followed by one or more country names that CLDR
  knows in the source language (`Our House – Belarus & Lithuania`);
* every item of such a list is parsed into the organisation's name (kept as
  written, or replaced by a per-language form such as a transliteration), an
  optional description in parentheses or after a spaced hyphen (the only part
  left to translate), and the countries as CLDR territory codes;
* `fill` writes the item in a target language: the name, the description
  (its translation when one is given, else the source text, and the result
  says so), the dash as written, and the countries' names from CLDR through
  Babel joined by the target language's list pattern. In a right-to-left
  language the name (and a description still in the source language) is
  wrapped in Unicode isolates (FSI … PDI) when countries follow, so that a
  Latin name ending in a parenthesis or a digit is not reordered around the
  dash;
* `missing_countries` says why an item cannot be filled in a language (CLDR
  through Babel has no name for one of its countries there).

Pure functions on texts and parsed documents: no catalog or file is touched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.lists import format_list

from .blocks import Document

#: English forms in common use that CLDR does not give as the territory's main name.
ENGLISH_ALIASES: dict[str, str] = {
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "turkey": "TR",
    "czech republic": "CZ",
    "macedonia": "MK",
    "ivory coast": "CI",
    "palestine": "PS",
    "republic of korea": "KR",
    "korea": "KR",
    "burma": "MM",
    "swaziland": "SZ",
    "holland": "NL",
    "the netherlands": "NL",
    "drc": "CD",
    "dr congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "vatican": "VA",
    "east timor": "TL",
    "cape verde": "CV",
    "russian federation": "RU",
    "republic of moldova": "MD",
    "the gambia": "GM",
    "the philippines": "PH",
}

#: Territory codes that are regions or groupings rather than countries (001 World, 150 Europe, EU, UN...).
_NOT_COUNTRIES = re.compile(r"^\d{3}$|^(EU|EZ|UN|QO|ZZ|XA|XB)$")

#: `Name – Country`: the last spaced dash of the item (en dash, em dash or hyphen).
_DASH = re.compile(r"\s+([–—-])\s+")
#: Countries joined by "&", "and", "/", "," or "+".
_JOINERS = re.compile(r"\s*(?:&|/|,|\+|\band\b)\s*", re.IGNORECASE)
#: A trailing parenthesis: `Name (description)` or `Name (ACRONYM)`.
_PAREN = re.compile(r"^(?P<name>.*?\S)\s*\((?P<inner>[^()]*)\)$")
#: An acronym in parentheses is part of the name: capitals, digits and light punctuation.
_ACRONYM = re.compile(r"^[A-Z0-9][A-Za-z0-9&.\-/*]*$")
#: The least share of a list's items that must name a country.
MIN_SHARE = 0.5
MIN_ITEMS = 3


@dataclass(frozen=True)
class Signatory:
    """One signing organisation as written in the source."""

    text: str  # the whole item as written
    name: str  # the organisation's name, kept as written (acronym in parentheses included)
    description: str = ""  # the part to translate, if any: "(Indian branch of IFOR)" gives "Indian branch of IFOR"
    description_style: str = ""  # "paren" or the dash that introduced it
    countries: tuple[str, ...] = ()  # CLDR territory codes, in the order written
    dash: str = "–"  # the dash between the name and the countries, as written


@dataclass(frozen=True)
class Filled:
    """An item written in a target language, and what is still in the source language."""

    text: str
    untranslated: tuple[str, ...] = ()  # descriptions left in the source language

    @property
    def complete(self) -> bool:
        """Say whether nothing in the text is left to translate."""
        return not self.untranslated


def _fold(text: str) -> str:
    """Compare country names without case, accents or curly apostrophes."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).casefold()
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


@lru_cache(maxsize=32)
def _country_names(language: str) -> dict[str, str]:
    """Map the folded names of countries in a language (CLDR, plus English aliases) to territory codes."""
    territories: Mapping[str, str]
    try:
        territories = Locale.parse(language.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        territories = {}
    names = {_fold(name): code for code, name in territories.items() if not _NOT_COUNTRIES.match(code)}
    if language.split("-")[0].split("_")[0] == "en":
        names.update({alias: code for alias, code in ENGLISH_ALIASES.items()})
    return names


def countries_in(text: str, language: str = "en") -> tuple[str, ...] | None:
    """Return the territory codes of a text made only of country names, or None."""
    names = _country_names(language)
    parts = [p for p in _JOINERS.split(text.strip().rstrip(".")) if p]
    codes = []
    for part in parts:
        code = names.get(_fold(part))
        if code is None:
            return None
        codes.append(code)
    return tuple(codes) or None


def _name_and_description(text: str) -> tuple[str, str, str]:
    """Split `Name (description)` or `Name - description`; an acronym in parentheses stays in the name."""
    paren = _PAREN.match(text)
    if paren and not _ACRONYM.match(paren.group("inner").strip()):
        return paren.group("name"), paren.group("inner").strip(), "paren"
    return text, "", ""


def parse(text: str, language: str = "en") -> Signatory:
    """Read one item of a signatory list (the item need not name a country)."""
    stripped = text.strip()
    for match in reversed(list(_DASH.finditer(stripped))):
        codes = countries_in(stripped[match.end() :], language)
        if codes:
            head = stripped[: match.start()]
            name, description, style = _name_and_description(head)
            return Signatory(text, name, description, style, codes, match.group(1))
    name, description, style = _name_and_description(stripped)
    if not description:
        # "Pressenza International - Press Agency for Peace and Nonviolence": a spaced hyphen, no country.
        dash = _DASH.search(stripped)
        if dash and dash.group(1) == "-":
            return Signatory(text, stripped[: dash.start()], stripped[dash.end() :], " - ")
    return Signatory(text, name, description, style)


def is_signatory_list(items: Iterable[str], language: str = "en") -> bool:
    """Say whether a list's items are mostly `Name – Country` (at least MIN_ITEMS of them and MIN_SHARE)."""
    items = list(items)
    with_country = sum(1 for item in items if parse(item, language).countries)
    return with_country >= MIN_ITEMS and with_country >= MIN_SHARE * len(items)


def _lists(doc: Document) -> list[list[str]]:
    """Group the document's list items into lists, in order (from the segmenter's "list item i of n")."""
    lists: list[list[str]] = []
    for block in doc.blocks:
        match = re.match(r"list item (\d+) of (\d+)", block.comment)
        if not match:
            continue
        if match.group(1) == "1" or not lists:
            lists.append([])
        lists[-1].append(block.text)
    return lists


def recognise(doc: Document, language: str = "en") -> dict[str, Signatory]:
    """Return every item of the document's signatory lists, by its text.

    Lists split by something in between (the sample release's list is cut in
    two by a footnote) are judged together when they follow each other, so
    the second part, shorter or without countries, is not missed.
    """
    found: dict[str, Signatory] = {}
    lists = _lists(doc)
    for i, items in enumerate(lists):
        neighbours = items + (lists[i - 1] if i else []) + (lists[i + 1] if i + 1 < len(lists) else [])
        if is_signatory_list(items, language) or (
            any(parse(t, language).countries for t in items) and is_signatory_list(neighbours, language)
        ):
            for text in items:
                found[text] = parse(text, language)
    return found


def country_name(code: str, language: str) -> str | None:
    """Return a territory's name in a language from CLDR, or None when Babel does not know it."""
    try:
        return Locale.parse(language.replace("-", "_")).territories.get(code)
    except (UnknownLocaleError, ValueError):
        return None


#: First strong isolate and pop directional isolate: a run laid out on its own inside right-to-left text.
FSI, PDI = "\u2068", "\u2069"


@lru_cache(maxsize=64)
def _is_rtl(language: str) -> bool:
    try:
        return Locale.parse(language.replace("-", "_")).text_direction == "rtl"
    except (UnknownLocaleError, ValueError):
        return False


def _isolated(text: str, rtl: bool) -> str:
    return f"{FSI}{text}{PDI}" if rtl and text else text


def missing_countries(sig: Signatory, language: str) -> tuple[str, ...]:
    """Return the territory codes of an item that CLDR (through Babel) cannot name in a language."""
    return tuple(code for code in sig.countries if not country_name(code, language))


def fill(
    sig: Signatory, language: str, *, names: Mapping[str, str] | None = None, description: str | None = None
) -> Filled:
    """Write a signatory in a language.

    `names` gives per-language forms of organisation names (a transliteration);
    `description` the translated description. A country Babel cannot name in
    the language is written as in the source (see missing_countries).
    """
    rtl = bool(sig.countries) and _is_rtl(language)  # an item that is only a name has no dash to reorder around
    name = (names or {}).get(sig.name, sig.name)
    untranslated: tuple[str, ...] = ()
    if sig.description:
        if description is None:
            description, untranslated = sig.description, (sig.description,)
        joined_name = f"{name} ({description})" if sig.description_style == "paren" else f"{name} - {description}"
        if untranslated:
            name = _isolated(joined_name, rtl)  # all of it in the source language's direction until translated
        elif sig.description_style == "paren":
            name = f"{_isolated(name, rtl)} ({description})"
        else:
            name = f"{_isolated(name, rtl)} - {description}"
    else:
        name = _isolated(name, rtl)
    if not sig.countries:
        return Filled(name, untranslated)
    try:
        countries = [country_name(code, language) for code in sig.countries]
        if None in countries:
            raise ValueError(language)
        joined = format_list([c for c in countries if c], locale=language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        joined = sig.text[sig.text.rfind(sig.dash) + 1 :].strip()
    return Filled(f"{name} {sig.dash} {joined}", untranslated)
