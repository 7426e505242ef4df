"""The markup of a source as tokens a translator inserts: what each looks like, inserts and must keep."""

from __future__ import annotations

import pytest

from translate_app.core.markup_tokens import markup_tokens


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # (kind, text in the source, inserted before the caret, after it, what the translation must keep)
        (
            "Protect [Maksim Kuzmin](https://example.org/mk).",
            [
                (
                    "link",
                    "[Maksim Kuzmin](https://example.org/mk)",
                    "[",
                    "](https://example.org/mk)",
                    "](https://example.org/mk)",
                )
            ],
        ),
        (
            'See ![the logo](img/logo.png "Logo")',
            [("image", '![the logo](img/logo.png "Logo")', "![", '](img/logo.png "Logo")', '](img/logo.png "Logo")')],
        ),
        ("Run `make test` now", [("code", "`make test`", "`make test`", "", "`make test`")]),
        ("As said[^1].", [("footnote", "[^1]", "[^1]", "", "[^1]")]),
        (
            "Hello {name}, %s and %(count)d",
            [
                ("placeholder", "{name}", "{name}", "", "{name}"),
                ("placeholder", "%s", "%s", "", "%s"),
                ("placeholder", "%(count)d", "%(count)d", "", "%(count)d"),
            ],
        ),
        (
            'Site {{ site.title }} and {{< ref "x" >}}',
            [
                ("placeholder", "{{ site.title }}", "{{ site.title }}", "", "{{ site.title }}"),
                ("placeholder", '{{< ref "x" >}}', '{{< ref "x" >}}', "", '{{< ref "x" >}}'),
            ],
        ),
        (
            "Read https://example.org/a. Or <https://example.org/b>",
            [
                ("url", "https://example.org/a", "https://example.org/a", "", "https://example.org/a"),
                ("url", "<https://example.org/b>", "<https://example.org/b>", "", "<https://example.org/b>"),
            ],
        ),
        ("The **Court** and *now*", [("bold", "**Court**", "**", "**", None), ("italic", "*now*", "*", "*", None)]),
        # Not markup: a percentage, a word with underscores, a lone brace.
        ("50% discount for snake_case_names { }", []),
    ],
)
def test_tokens_of_a_source(source, expected):
    got = [(t.kind, t.text, t.open, t.close, t.needle) for t in markup_tokens(source)]
    assert got == expected


def test_a_liquid_placeholder_is_one_token_not_a_brace_placeholder_inside_it():
    assert [t.text for t in markup_tokens("x {{x}} y")] == ["{{x}}"]


def test_a_repeated_token_comes_once_with_its_count_in_order_of_first_appearance():
    tokens = markup_tokens("[a](u) `c` [b](u) `c` `c`")
    assert [(t.text, t.count) for t in tokens] == [("[a](u)", 2), ("`c`", 3)]


def test_emphasis_inside_a_link_is_part_of_the_link():
    assert [t.kind for t in markup_tokens("[**bold** words](https://example.org)")] == ["link"]


def test_tokens_are_linear_on_long_hostile_text():
    import time

    for text in ("[" * 50_000, "{" * 50_000, "*a" * 25_000, "`" * 50_000, "%(" * 25_000):
        start = time.perf_counter()
        markup_tokens(text)
        assert time.perf_counter() - start < 1.0, text[:4]
