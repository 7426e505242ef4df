"""Small cases for every construct of issue 10: escaping, placement, line structure, markup, raw HTML."""

from __future__ import annotations

import html
import re
import tomllib

import polib
import pytest
import yaml
from markdown_it import MarkdownIt

from tests.core.test_documents_structure import differences, front_matter, structure
from translate_app.core.checks import run_checks
from translate_app.core.compiler import render_html, render_markdown
from translate_app.core.segmenter import render, segment

_HTML = MarkdownIt("commonmark", {"html": False}).enable("table")  # as the compiler publishes


def shown(markdown: str) -> str:
    """The text a reader of the published HTML sees, white space normalised."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _HTML.render(markdown))).split())


def translate(source: str, table: dict[str, str]) -> str:
    doc = segment(source)
    return render(doc, lambda b: table.get(b.text))


def texts(source: str) -> list[str]:
    return [b.text for b in segment(source).blocks]


# -- 1. escaping ---------------------------------------------------------------------

MARKERS = [
    "30. März 2026",
    "2024. március 3-án",
    "1) eins",
    "- minus",
    "+ plus",
    "* Stern",
    "> Zitat",
    "# Raute",
    "| Pipe |",
    "***",
    "---",
    "___",
    "```",
    "~~~",
    "    eingerückt",
    "[^1]: Fußnote",
    "[a]: https://example.org/",
    "<div>Kasten</div>",
    "<!-- Kommentar -->",
    "{: .note}",
    ":::tip",
    "!!! note",
    '=== "Tab"',
    ": Definition",
    "Zeile\n===",
    "Zeile\n---",
    "Zeile\n- Liste",
    "Zeile\n```",
    "Zeile\n> Zitat",
    "Zeile\n1. eins",
    "Kopf | Kopf\n---|---",
    "Titel #",
]


@pytest.mark.parametrize("translation", MARKERS)
@pytest.mark.parametrize(
    "source",
    [
        "Datum\n\nNext paragraph.\n",
        "- Datum\n- Next item.\n",
        "> Datum\n>\n> Next paragraph.\n",
        "1. Datum\n2. Next item.\n",
        "# Datum\n\nNext paragraph.\n",
    ],
)
def test_a_translation_that_looks_like_a_block_stays_text(source: str, translation: str) -> None:
    out = translate(source, {"Datum": translation})
    assert differences(structure(source), structure(out)) == []
    seen = shown(out)
    expected = " ".join(translation.split())
    if source.startswith("#"):  # a heading is one line
        assert expected in seen
    else:
        # A line break in a translation is a hard break: the reader sees every line, in order.
        assert " ".join(line.strip() for line in translation.split("\n")) in seen or expected.strip() in seen


def test_a_german_date_stays_a_date_in_the_preview() -> None:
    source = "# Release\n\nMarch 30, 2026\n\nText.\n"
    po = polib.POFile()
    po.append(polib.POEntry(msgid="March 30, 2026", msgstr="30. März 2026"))
    page = render_html(render_markdown(segment(source), po), "de")
    assert "<p>30. März 2026</p>" in page
    assert "<ol" not in page


def test_a_table_cell_translation_with_pipes_stays_in_its_cell() -> None:
    source = "| a | b |\n|---|---|\n| one | two |\n"
    out = translate(source, {"one": "x | y", "two": "- z"})
    assert out.splitlines()[2] == "| x \\| y | - z |"
    assert differences(structure(source), structure(out)) == []


@pytest.mark.parametrize("value", ["Titel: mit # Zeichen", "---", "- Liste", "a\nb", "'quoted' \"both\"", "#"])
def test_front_matter_values_stay_valid(value: str) -> None:
    source = "---\ntitle: Plain\ndescription: 'single'\nsummary: \"double\"\n---\n\nBody\n"
    out = translate(source, {"Plain": value, "single": value, "double": value})
    kind, meta, _ = front_matter(out)
    flat = " ".join(value.split())
    assert meta == {"title": flat, "description": flat, "summary": flat}
    assert out.endswith("---\n\nBody\n")


# -- 5. exact placement ------------------------------------------------------------------


@pytest.mark.parametrize("translation", ["- x", "> x", "# x", "1. x", "```", "<div>"])
def test_the_first_cell_of_a_row_without_pipes_is_escaped_like_a_line(translation: str) -> None:
    source = "a | b\n--|--\nc | d\n"
    out = translate(source, {"a": translation, "c": translation})
    assert differences(structure(source), structure(out)) == []
    assert shown(out).split()[: len(translation.split())] == translation.split()


def test_a_cell_is_found_by_position_not_by_searching_the_row() -> None:
    out = translate("| `help` | help |\n|---|---|\n", {"help": "Hilfe"})
    assert out == "| `help` | Hilfe |\n|---|---|\n"
    out = translate("| [docs](https://x.org/help) | help |\n|---|---|\n", {"help": "Hilfe"})
    assert out == "| [docs](https://x.org/help) | Hilfe |\n|---|---|\n"


def test_cells_with_escaped_pipes_are_offered_and_placed() -> None:
    source = "| a \\| b | c |\n|---|---|\n| d | e \\| f |\n"
    assert texts(source) == ["a \\| b", "c", "d", "e \\| f"]
    out = translate(source, {"e \\| f": "E | F", "c": "C"})
    assert out == "| a \\| b | C |\n|---|---|\n| d | E \\| F |\n"


def test_code_spans_keep_their_inner_white_space() -> None:
    source = "# Use `a  b` now\n\n| x |\n|---|\n| run `c   d` |\n"
    out = translate(source, {"Use `a  b` now": "Nutze `a  b` jetzt", "run `c   d`": "starte `c   d`"})
    assert "# Nutze `a  b` jetzt\n" in out
    assert "| starte `c   d` |" in out


def test_crlf_stays_crlf_also_inside_translations_with_hard_breaks() -> None:
    source = "# Title\r\n\r\n- Line one\r\n  line two\r\n\r\n> quote\r\n"
    out = translate(source, {"Line one line two": "Zeile eins\nZeile zwei", "quote": "Zitat\nzwei"})
    assert "\n" not in out.replace("\r\n", "")
    assert "- Zeile eins\\\r\n  Zeile zwei\r\n" in out
    assert "> Zitat\\\r\n> zwei\r\n" in out


def test_a_byte_order_mark_stays() -> None:
    source = "\ufeff# Title\r\n\r\nText\r\n"
    out = translate(source, {"Title": "Titel", "Text": "1. Text"})
    assert out == "\ufeff# Titel\r\n\r\n1\\. Text\r\n"


# -- 2. line structure -------------------------------------------------------------------


def test_toml_front_matter_is_offered_field_by_field() -> None:
    source = (
        '+++\ntitle = "Hermit"\ndescription = \'Minimal theme\'\ntemplate = "theme.html"\n'
        '[extra]\ntitle = "no"\n+++\n\nBody\n'
    )
    assert texts(source) == ["Hermit", "Minimal theme", "Body"]
    out = translate(source, {"Hermit": 'Ein "Eremit"', "Minimal theme": "Thema's \\ minimal"})
    meta = tomllib.loads(out.split("+++\n")[1])
    assert meta["title"] == 'Ein "Eremit"' and meta["description"] == "Thema's \\ minimal"
    assert meta["extra"] == {"title": "no"} and meta["template"] == "theme.html"


def test_toml_front_matter_after_blank_lines_never_becomes_a_paragraph() -> None:
    source = '\n+++\ntitle = "Hermit"\ndate = 2025-04-06\n+++        \n\n# Hermit\n'
    assert texts(source) == ["Hermit", "Hermit"]
    assert [b.kind for b in segment(source).blocks] == ["front matter", "heading"]


def test_yaml_block_scalars_keep_their_style_and_comments() -> None:
    source = (
        "---\ntitle: Plain # a comment\ndescription: >-\n  Folded text\n  over lines\nsummary: |\n"
        '  Literal line\n  second line\nsubtitle: "quoted\n  over two"\n---\n\nBody\n'
    )
    assert texts(source) == ["Plain", "Folded text over lines", "Literal line\nsecond line", "quoted over two", "Body"]
    out = translate(
        source,
        {
            "Plain": "Schlicht",
            "Folded text over lines": "Gefalteter Text",
            "Literal line\nsecond line": "Wörtlich\nzweite",
            "quoted over two": "zitiert",
        },
    )
    assert "title: Schlicht # a comment\n" in out
    assert "description: >-\n  Gefalteter Text\n" in out
    assert "summary: |\n  Wörtlich\n  zweite\n" in out
    meta = yaml.safe_load(out.split("---\n")[1])
    assert meta == {
        "title": "Schlicht",
        "description": "Gefalteter Text",
        "summary": "Wörtlich\nzweite\n",
        "subtitle": "zitiert",
    }


def test_a_folded_translation_with_a_dash_line_falls_back_to_a_quoted_value() -> None:
    source = "---\ndescription: >\n  Text\n---\n\nBody\n"
    out = translate(source, {"Text": "eins\n---\nzwei"})
    assert yaml.safe_load(out.split("---\n")[1]) == {"description": "eins --- zwei"}


def test_footnote_definitions_are_one_segment_each() -> None:
    source = "Text[^1] and[^2].\n\n[^1]: First note\n    continues here.\n[^2]: Second note.\n"
    doc = segment(source)
    assert [b.text for b in doc.blocks] == ["Text[^1] and[^2].", "First note continues here.", "Second note."]
    assert [b.comment for b in doc.blocks][1:] == ["footnote [^1]", "footnote [^2]"]
    out = render(doc, lambda b: "- " + b.text)
    assert differences(structure(source), structure(out)) == []


def test_definition_lists_offer_terms_and_definitions() -> None:
    source = "Apple\n:   A fruit.\n\nOrange\n:   Another fruit.\n"
    assert texts(source) == ["Apple", "A fruit.", "Orange", "Another fruit."]
    out = translate(source, {"A fruit.": ": Eine Frucht.", "Apple": "Apfel"})
    assert differences(structure(source), structure(out)) == []
    assert "Apfel\n:   \\: Eine Frucht.\n" in out


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title {#custom-id}\n\nText\n{: .note }\n", ["Title", "Text"]),
        ("## Heading {: .no_toc .text-delta }\n", ["Heading"]),
        ("{: .warning }\nThese names are *not* defined.\n", ["These names are *not* defined."]),
        ("> {: .highlight }\n  A paragraph\n", ["A paragraph"]),
        ('Paragraph\n{.text-center #alert-id data-debug="testing"}\n', ["Paragraph"]),
    ],
)
def test_attribute_lists_stay_out_of_the_text_and_in_place(source: str, expected: list[str]) -> None:
    assert texts(source) == expected
    out = translate(source, {t: t.upper() for t in expected})
    for ial in re.findall(r"\{[^{}]*\}", source):
        assert ial in out
    assert differences(structure(source), structure(out)) == []


def test_github_alerts_keep_their_marker_line() -> None:
    source = "> [!NOTE]\n> Useful information.\n\n> [!TIP] Title text\n>\n> Body.\n"
    assert texts(source) == ["Useful information.", "Title text", "Body."]
    out = translate(source, {"Useful information.": "Nützlich.", "Title text": "Titel"})
    assert out.startswith("> [!NOTE]\n> Nützlich.\n\n> [!TIP] Titel\n")


def test_containers_keep_their_fences_and_offer_their_title() -> None:
    source = ":::tip What You'll Learn\n\n- How to use it\n\n:::\n\n:::info\nBody text\n:::\n"
    assert texts(source) == ["What You'll Learn", "How to use it", "Body text"]
    out = translate(source, {"What You'll Learn": "Was du lernst", "Body text": "- Text"})
    assert out.startswith(":::tip Was du lernst\n")
    assert ":::info\n\\- Text\n:::\n" in out


def test_admonitions_and_tabs_offer_their_indented_bodies_as_prose() -> None:
    source = (
        '!!! note "Phasellus posuere"\n\n    Lorem ipsum dolor.\n\n???+ warning\n    Hidden body.\n\n'
        '=== "Unordered list"\n\n    * Sed sagittis\n\n=== "Ordered"\n    Text\n'
    )
    doc = segment(source)
    assert [b.text for b in doc.blocks] == [
        "Phasellus posuere",
        "Lorem ipsum dolor.",
        "Hidden body.",
        "Unordered list",
        "Sed sagittis",
        "Ordered",
        "Text",
    ]
    assert [b.kind for b in doc.blocks][:3] == ["admonition title", "admonition", "admonition"]
    out = render(doc, lambda b: '"' + b.text + '" # x')
    assert '!!! note "&quot;Phasellus posuere&quot; # x"\n' in out
    assert differences(structure(source), structure(out)) == []


def test_shortcode_and_liquid_lines_stay_out_of_the_text() -> None:
    source = (
        '{{% alert title="Note" color="primary" %}}\nA simple alert.\n{{% /alert %}}\n\n'
        "{% include note.html %}\nMore text.\n\n{{% alert %}} A _nota bene_ alert. {{% /alert %}}\n"
    )
    assert texts(source) == ["A simple alert.", "More text.", "A _nota bene_ alert."]
    out = translate(source, {"A simple alert.": "Ein Hinweis.", "A _nota bene_ alert.": "Ein _NB_."})
    assert out.startswith('{{% alert title="Note" color="primary" %}}\nEin Hinweis.\n{{% /alert %}}\n')
    assert out.endswith("{{% alert %}} Ein _NB_. {{% /alert %}}\n")


def test_shortcodes_whose_content_is_code_are_not_offered() -> None:
    source = (
        '{{< highlight go >}}\nfunc main() { say("hello world") }\n{{< /highlight >}}\n\n'
        '{{< tabpane >}}\n{{< tab header="toml" lang="toml" >}}\ntitle = "My section"\n{{< /tab >}}\n'
        "{{< /tabpane >}}\n\nProse.\n"
    )
    assert texts(source) == ["Prose."]


def test_liquid_highlight_and_comment_blocks_are_not_offered() -> None:
    source = (
        "{% highlight ruby %}\ndef foo\n  puts 'some words'\nend\n{% endhighlight %}\n\n"
        "{% comment %}\nA note for editors only.\n{% endcomment %}\n\nProse.\n"
    )
    assert texts(source) == ["Prose."]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (":::tip[Docusaurus title]\nBody.\n:::\n", ["Docusaurus title", "Body."]),
        (":::{note}\n:class: dropdown\n:name: my-note\nMyST body.\n:::\n", ["MyST body."]),
        ("::::{admonition} My title\n:class: tip\nText.\n::::\n", ["My title", "Text."]),
    ],
)
def test_docusaurus_and_myst_containers(source: str, expected: list[str]) -> None:
    assert texts(source) == expected
    out = translate(source, {t: "- " + t for t in expected})
    assert differences(structure(source), structure(out)) == []
    assert out.count(":::") == source.count(":::")


def test_task_boxes_mdx_lines_and_url_only_paragraphs_stay_out() -> None:
    source = (
        "import Tabs from '@theme/Tabs'\nexport const x = 1\n\n- [ ] open task\n- [x] done task\n\n"
        "https://example.org/only-a-url\n\n- www.example.org/page\n"
    )
    assert texts(source) == ["open task", "done task"]
    out = translate(source, {"open task": "offen", "done task": "erledigt"})
    assert "- [ ] offen\n- [x] erledigt\n" in out


def test_a_multi_line_mdx_export_stays_out() -> None:
    source = "export const meta = {\n  title: 'Some words here',\n  tags: ['a', 'b'],\n}\n\nProse.\n"
    assert texts(source) == ["Prose."]


def test_cells_of_a_table_inside_a_list_or_quote_are_placed_in_their_cells() -> None:
    source = "- | head | other |\n  |---|---|\n  | one | two |\n\n> 1. a | b\n>    --|--\n>    c | d\n"
    doc = segment(source, "t.md")
    assert [b.text for b in doc.blocks] == [
        "head",
        "other",
        "one",
        "two",
        "1. a",
        "b",
        "c",
        "d",
    ]  # as markdown-it reads it
    assert doc.warnings == []
    for block in doc.blocks:
        assert source[block.start : block.end] == block.text
    out = render(doc, lambda b: b.text.upper())
    assert differences(structure(source), structure(out)) == []


def test_grid_tables_are_left_out_with_a_warning() -> None:
    source = "Intro\n\n+-----+-----+\n| a   | b   |\n+=====+=====+\n| one | two |\n+-----+-----+\n\nAfter\n"
    doc = segment(source, "grid.md")
    assert [b.text for b in doc.blocks] == ["Intro", "After"]
    assert doc.warnings == [
        "grid.md:3: a grid table (lines 3-7) is not offered for translation; write it as a pipe table to translate it"
    ]


def test_shortcodes_inside_a_sentence_are_checked_placeholders() -> None:
    import translate_app.core.markup_checks  # noqa: F401  (registers the check)

    source = 'See [the page]({{< ref "x.md" >}}) and {% link a.md %} {: .x}'
    assert not [r for r in run_checks(source, source.replace("See", "Siehe")) if r.id == "markup"]
    broken = run_checks(source, 'Siehe [die Seite]({{< ref "y.md" >}}) und {% link a.md %}')
    (result,) = [r for r in broken if r.id == "markup"]
    assert result.severity == "error"
    assert "'{{< ref \"x.md\" >}}'" in result.message and "{: .x}" in result.message


# -- 4. prose in raw HTML ---------------------------------------------------------------


def test_prose_in_raw_html_is_offered_and_written_back_escaped() -> None:
    source = (
        '<div class="box"><p>Hello <b>world</b> &amp; all.</p>\n<!-- a comment -->\n'
        '<script>var s = "not prose";</script>\n<details><summary>More</summary>\n'
        "Hidden text\nover two lines\n</details></div>\n\nAfter\n"
    )
    doc = segment(source)
    assert [b.text for b in doc.blocks] == [
        "Hello <b>world</b> &amp; all.",
        "More",
        "Hidden text over two lines",
        "After",
    ]
    out = render(
        doc,
        lambda b: {"Hello <b>world</b> &amp; all.": "Hallo <b>Welt</b> & <script>x</script> <i>", "More": "Mehr"}.get(
            b.text
        ),
    )
    assert '<div class="box"><p>Hallo <b>Welt</b> &amp; &lt;script>x&lt;/script> &lt;i></p>\n' in out
    assert '<!-- a comment -->\n<script>var s = "not prose";</script>\n<details><summary>Mehr</summary>' in out


def test_html_text_that_starts_with_a_marker_gets_a_character_reference() -> None:
    source = "<div>\nPlain text\n</div>\n"
    out = translate(source, {"Plain text": '=== "Tab" text'})
    assert out == '<div>\n&#61;== "Tab" text\n</div>\n'


def test_deep_nesting_is_reported_not_dropped_silently() -> None:
    source = "> " * 30 + "deep text\n\nAfter\n"
    doc = segment(source, "deep.md")
    assert doc.warnings and "deep.md:1" in doc.warnings[0]


def test_extract_prints_what_it_left_out(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from translate_app.cli import main

    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(tmp_path))
    source = tmp_path / "grid.md"
    source.write_text("Intro\n\n+---+---+\n| a | b |\n+---+---+\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(source), "-o", str(tmp_path / "grid.pot")])
    assert result.exit_code == 0, result.output
    assert "1 segments" in result.stdout
    assert "warning: " in result.stderr and "a grid table (lines 3-5) is not offered" in result.stderr


def test_documents_with_nothing_left_out_have_no_warnings() -> None:
    assert segment("Text [a].\n\n[a]: https://example.org\n\n[b]: https://example.org/b\n").warnings == []
    assert segment("> " * 19 + "deep but within the limit\n").warnings == []
    assert [b.text for b in segment("> " * 19 + "deep but within the limit\n").blocks] == ["deep but within the limit"]
