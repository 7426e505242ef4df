"""One web page per published language, linked to the others both ways."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from ..core.compiler import render_html
from ..core.languages import get_language


def hreflang(code: str) -> str:
    """Return a gettext language code as a BCP 47 tag (pt_BR -> pt-BR, zh_Hant -> zh-Hant)."""
    return code.replace("_", "-")


def switcher(current: str, published: Sequence[str], url_for: Callable[[str], str]) -> str:
    """Return the language switcher: every published language in its own name, the current one marked."""
    items = []
    for code in published:
        lang = get_language(code)
        name = html.escape(lang.native_name)
        attrs = f'lang="{hreflang(code)}" dir="{lang.direction}" hreflang="{hreflang(code)}"'
        if code == current:
            items.append(f'<li><a {attrs} href="{html.escape(url_for(code))}" aria-current="page">{name}</a></li>')
        else:
            items.append(f'<li><a {attrs} href="{html.escape(url_for(code))}">{name}</a></li>')
    return '<nav class="languages" aria-label="Languages"><ul>' + "".join(items) + "</ul></nav>\n"


def alternates(
    published: Sequence[str], url_for: Callable[[str], str], default: str, *, default_url: str | None = None
) -> str:
    """Return the <link rel="alternate"> of every published language and the x-default.

    The x-default is the page of `default`, or `default_url` when given (a page
    that picks the language by the browser's Accept-Language, for example).
    """
    links = [
        f'<link rel="alternate" hreflang="{hreflang(code)}" href="{html.escape(url_for(code))}">' for code in published
    ]
    x_default = default_url if default_url is not None else url_for(default)
    links.append(f'<link rel="alternate" hreflang="x-default" href="{html.escape(x_default)}">')
    return "\n".join(links) + "\n"


SWITCHER_STYLE = (
    ".languages ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:1rem 0}"
    ".languages a[aria-current]{font-weight:bold;text-decoration:none}"
)


def language_page(
    markdown: str,
    language: str,
    *,
    published: Sequence[str],
    url_for: Callable[[str], str],
    default: str,
    title: str | None = None,
    default_url: str | None = None,
) -> str:
    """Return the standalone page of one language.

    `published` lists the languages to link (the source language included when
    it is published as such); `default` is the page for x-default, unless
    `default_url` names another. An errata note a correction
    was republished with is part of the published Markdown (at its end).
    """
    if language not in published:
        raise ValueError(f"{language} is not among the published languages")
    page = render_html(markdown, language, title=title)
    head = alternates(published, url_for, default, default_url=default_url) + f"<style>{SWITCHER_STYLE}</style>\n"
    page = page.replace("</head>", head + "</head>", 1)
    top = switcher(language, published, url_for)
    return page.replace("<main>\n", "<main>\n" + top, 1)
