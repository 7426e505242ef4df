"""TMX in and out: a real OmegaT memory, round trips, hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_app.core import tmx

DATA = Path(__file__).resolve().parents[1] / "data" / "tmx"


def test_a_real_omegat_memory_is_read():
    units = list(tmx.read((DATA / "omegat-l10n-de.tmx").read_bytes(), "en", "de"))
    assert len(units) == 8
    assert units[1].source == '"Tag groups" in this context are a single tag (such as <i0> and </i0>).'
    assert units[1].target == '"Tag Gruppen" sind in diesem Kontext einzelne Tags (wie <i0> und </i0>).'
    assert units[2].source == "#!/bin/bash java\njava -jar OmegaT.jar $*"
    assert units[5].target == "Ü&ber..."
    assert list(tmx.read((DATA / "omegat-l10n-de.tmx").read_bytes(), "en", "fr")) == []


def test_round_trip_keeps_text_languages_and_properties():
    units = [
        tmx.Unit("Maksim Kuzmin – 2 April", "Maksim Kuzmin – 2. April", {"release": "kuzmin", "state": "approved"}),
        tmx.Unit('A & B <c> "q"\nline', "A & B <c> „q“\nZeile"),
    ]
    data = tmx.write(units, "en", "pt_BR")
    assert b'xml:lang="pt-br"' in data and b'srclang="en"' in data
    assert list(tmx.read(data, "en", "pt_BR")) == [units[0], tmx.Unit(units[1].source, units[1].target, {})]
    assert list(tmx.read(data, "en", "pt")) == list(tmx.read(data, "en", "pt_BR"))  # pt-BR serves pt


def test_region_tags_match_the_language_but_not_the_other_way():
    data = tmx.write([tmx.Unit("Hello", "Hallo")], "en", "de")
    assert list(tmx.read(data, "en", "de_AT")) == []
    data = tmx.write([tmx.Unit("Hello", "Servus")], "en-US", "de-AT")
    assert [u.target for u in tmx.read(data, "en", "de")] == ["Servus"]


def test_inline_codes_of_other_tools_are_dropped_keeping_the_text():
    data = b"""<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>
    <tu><tuv xml:lang="en"><seg>Press <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> now</seg></tuv>
        <tuv xml:lang="de"><seg>Jetzt <bpt i="1">&lt;b&gt;</bpt>Speichern<ept i="1">&lt;/b&gt;</ept> dr\xc3\xbccken</seg></tuv></tu>
    </body></tmx>"""  # noqa: E501 - a <seg> stays on one line: its whitespace is text
    assert list(tmx.read(data, "en", "de")) == [tmx.Unit("Press Save now", "Jetzt Speichern drücken")]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"<html><body>not tmx</body></html>", "root element is <html>"),
        (b"<tmx><body><tu>", "not well-formed"),
        (b"\x00\x01binary", "not well-formed"),
        (b"", "not well-formed"),
    ],
)
def test_what_is_not_tmx_gets_a_clear_error(data, message):
    with pytest.raises(tmx.TMXError, match=message):
        list(tmx.read(data, "en", "de"))


def test_entity_expansion_attacks_are_refused():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
    <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
    <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
    <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
    <tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&i;</seg></tuv>
    <tuv xml:lang="de"><seg>x</seg></tuv></tu></body></tmx>"""
    with pytest.raises(tmx.TMXError):
        list(tmx.read(bomb, "en", "de"))


def test_external_entities_are_not_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY s SYSTEM "file://{secret}">]>'
        '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&s;</seg></tuv>'
        '<tuv xml:lang="de"><seg>x</seg></tuv></tu></body></tmx>'
    ).encode()
    try:
        units = list(tmx.read(data, "en", "de"))
    except tmx.TMXError:
        return
    assert all("TOP SECRET" not in u.source for u in units)


def test_characters_xml_cannot_hold_are_refused_on_writing():
    with pytest.raises(tmx.TMXError, match="U\\+0004"):
        tmx.write([tmx.Unit("ok", "bad\x04")], "en", "de")


def test_a_large_memory_streams():
    units = [tmx.Unit(f"Sentence number {i}.", f"Satz Nummer {i}.") for i in range(20_000)]
    data = tmx.write(units, "en", "de")
    back = list(tmx.read(data, "en", "de"))
    assert len(back) == 20_000 and back[-1].target == "Satz Nummer 19999."
