"""poparse.parse reads a PO file exactly as polib.pofile does: the same objects, the same errors."""

from __future__ import annotations

import random
from pathlib import Path

import polib
import pytest

from tests.conftest import CORPUS, ROOT
from translate_app.core import catalog as cat
from translate_app.core.poparse import parse

FIELDS = (
    "msgid",
    "msgstr",
    "msgid_plural",
    "msgstr_plural",
    "msgctxt",
    "obsolete",
    "encoding",
    "comment",
    "tcomment",
    "occurrences",
    "flags",
    "previous_msgctxt",
    "previous_msgid",
    "previous_msgid_plural",
    "linenum",
)


def snapshot(po: polib.POFile) -> tuple:
    """Everything polib's reading sets, with the types (polib sets obsolete to 0 or 1), and the text it writes."""
    entries = [tuple((f, repr(getattr(e, f)), type(getattr(e, f)).__name__) for f in FIELDS) for e in po]
    header = (po.fpath, po.encoding, po.header, dict(po.metadata), po.metadata_is_fuzzy, po.check_for_duplicates)
    return (*header, entries, [type(e).__name__ for e in po], str(po))


def read_both(path: Path) -> tuple[object, object]:
    """Return polib's reading and ours: a snapshot each, or the error each raised."""
    text = path.read_bytes().decode("utf-8")
    results = []
    for read in (lambda: polib.pofile(str(path), encoding="utf-8"), lambda: parse(text, str(path))):
        try:
            po = read()
        except Exception as exc:  # noqa: BLE001 - the errors are compared
            results.append((type(exc).__name__, str(exc)))
        else:
            po.wrapwidth = 78
            results.append(snapshot(po))
    return results[0], results[1]


def catalogs() -> list[Path]:
    found = sorted(ROOT.glob("locales/**/*.po")) + sorted(ROOT.glob("locales/**/*.pot"))
    found += sorted((ROOT / "tests").rglob("*.po")) + sorted((ROOT / "tests").rglob("*.pot"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.rglob("*.po")) + sorted(CORPUS.rglob("*.pot"))
    return found


@pytest.mark.parametrize("path", catalogs(), ids=lambda p: p.name)
def test_every_catalog_we_have_reads_the_same(path: Path) -> None:
    by_polib, by_us = read_both(path)
    assert isinstance(by_polib, tuple) and len(by_polib) > 2  # read, not refused
    assert by_us == by_polib


CORNERS = {
    "header comments with an empty one first": '#\n# Title\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: de\\n"\n',
    "metadata continued without a colon": 'msgid ""\nmsgstr ""\n"X-A: 1\\n"\n"more\\n"\n"X-B: 2\\n"\n',
    "no header entry": 'msgid "a"\nmsgstr "b"\n',
    "byte order mark and CRLF": '\ufeffmsgid ""\r\nmsgstr ""\r\n"Language: de\\n"\r\n\r\nmsgid "a"\r\nmsgstr "b"\r\n',
    "old Mac line ends": 'msgid ""\rmsgstr ""\r\rmsgid "a"\rmsgstr "b"\r',
    "escapes": 'msgid "a\\"b\\\\c\\n\\t\\r\\v\\b\\f\\q"\nmsgstr "x"\n',
    "unicode line separators inside a string": 'msgid "a\u2028b\u0085c"\nmsgstr "d\u2029"\n',
    "context, plural, previous": (
        '#| msgctxt "old"\n#| msgid "o"\n#| "ld"\n#| msgid_plural "os"\nmsgctxt "c"\n"tx"\nmsgid "one"\n'
        'msgid_plural "many"\n"s"\nmsgstr[0] "eins"\n"!"\nmsgstr[1] "viele"\n'
    ),
    "occurrences of every shape": '#: a.md:1 b.md:x c.md d:e:3\n#: more.md:9\nmsgid "a"\nmsgstr ""\n',
    "flags with blanks": '#, fuzzy,  c-format ,,\nmsgid "a"\nmsgstr ""\n',
    "obsolete entries": (
        '#~ msgctxt "c"\n#~ msgid "gone"\n#~ "!"\n#~ msgstr "weg"\n#~| msgid "x"\n\n#~ msgid "b"\n#~ msgstr "c"\n'
    ),
    "trailing comments are dropped": 'msgid "a"\nmsgstr "b"\n\n# left over\n#. too\n',
    "translator comments of every shape": '#  two\n##double\n#\nmsgid "a"\nmsgstr "b"\n',
    "an unescaped quote": 'msgid "a"b"\nmsgstr ""\n',
    "an unescaped quote in a continuation": 'msgid ""\n"a"b"\nmsgstr ""\n',
    "msgstr before msgid": 'msgstr "a"\nmsgid "b"\n',
    "a bad plural index": 'msgid "a"\nmsgid_plural "b"\nmsgstr[x] "c"\n',
    "a continuation of a missing plural": 'msgid "a"\nmsgid_plural "b"\nmsgstr[1] "c"\n"d"\n',
    "an unknown previous keyword": '#| msgfoo "x"\nmsgid "a"\nmsgstr ""\n',
    "a previous keyword without a string": '#| msgid\nmsgid "a"\nmsgstr ""\n',
    "a bare #|": '#|\nmsgid "a"\nmsgstr ""\n',
    "a comment without a space": '#note\nmsgid "a"\nmsgstr ""\n',
    "a bare #~": '#~\nmsgid "a"\nmsgstr ""\n',
    "words": "this is not a catalog\n",
}


@pytest.mark.parametrize("text", CORNERS.values(), ids=CORNERS.keys())
def test_the_corners_of_the_syntax_read_the_same(text: str, tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_bytes(text.encode("utf-8"))
    by_polib, by_us = read_both(path)
    assert by_us == by_polib


def _random_catalog(rng: random.Random) -> str:
    strings = ["", "a", "x\\ny", 'q\\"q', "tab\\t", "back\\\\slash", "ü ∑ 日本", "a:b", "colon: val", "\\q"]

    def s() -> str:
        return '"' + rng.choice(strings) + '"'

    lines: list[str] = [rng.choice(["# header", "#", "#, fuzzy", "#. g"]) for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.8:
        lines += ['msgid ""', 'msgstr ""', '"Language: de\\n"', rng.choice(['"no colon\\n"', '"X: y\\n"', '""'])]
    for _ in range(rng.randint(0, 6)):
        prefix = "#~ " if rng.random() < 0.15 else ""
        lines.append("")
        for _ in range(rng.randint(0, 4)):
            lines.append(
                rng.choice(
                    [
                        "# tc",
                        "#",
                        "#. gen",
                        f"#: f.md:{rng.randint(1, 99)} h:x",
                        "#, fuzzy, c-format",
                        "#| msgid " + s(),
                        "#| " + s(),
                        "##x",
                    ]
                )
            )
        if rng.random() < 0.3:
            lines.append(prefix + "msgctxt " + s())
        lines += [prefix + "msgid " + s()] + [prefix + s() for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.2:
            lines.append(prefix + "msgid_plural " + s())
            lines += [prefix + f"msgstr[{k}] " + s() for k in range(rng.randint(1, 3))]
        else:
            lines += [prefix + "msgstr " + s()] + [prefix + s() for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.1:
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(['msgstr "stray"', '"stray"', "#~", "msgstr[0] x"]))
    newline = rng.choice(["\n", "\n", "\r\n", "\r"])
    return newline.join(lines) + (newline if rng.random() < 0.8 else "")


def test_random_catalogs_read_the_same(tmp_path: Path) -> None:
    rng = random.Random(12)
    read = refused = 0
    for number in range(400):
        path = tmp_path / f"{number}.po"
        path.write_bytes(_random_catalog(rng).encode("utf-8"))
        by_polib, by_us = read_both(path)
        assert by_us == by_polib, path.read_text()
        read += len(by_polib) > 2
        refused += len(by_polib) == 2
    assert read > 200 and refused > 5  # both kinds were tried


def test_load_keeps_polibs_reading_and_the_catalogs_own_wrap_width() -> None:
    path = ROOT / "locales" / "de" / "LC_MESSAGES" / "kuzmin-2026-03-30.po"
    po = cat.load(path)
    assert po.wrapwidth == cat.WRAP_WIDTH and po.fpath == str(path)
    expected = polib.pofile(str(path), encoding="utf-8", wrapwidth=cat.WRAP_WIDTH)
    assert snapshot(po) == snapshot(expected)
