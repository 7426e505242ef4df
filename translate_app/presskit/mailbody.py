"""A release as the body of an e-mail to journalists: HTML with inline styles, and plain text."""

from __future__ import annotations

import html
import re

from ..core.compiler import render_html
from ..core.languages import get_language
from .documents import plain_text

_BODY = re.compile(r"<main>\n(.*)</main>", re.S)
#: Inline styles: mail programs drop <style> elements.
_INLINE = {
    "<p>": '<p style="margin:0 0 1em">',
    "<ul>": '<ul style="margin:0 0 1em;padding-inline-start:1.5em">',
    "<ol>": '<ol style="margin:0 0 1em;padding-inline-start:1.5em">',
    "<h1>": '<h1 style="font-size:1.4em;line-height:1.25">',
    "<h2>": '<h2 style="font-size:1.2em;line-height:1.25">',
}


def email_bodies(markdown: str, language: str, *, title: str, text: bool = True) -> tuple[str, str]:
    """Return (HTML, plain text) bodies; the HTML says its language and direction on every wrapper.

    With text=False the plain text (made by pandoc, the slow part) is left empty.
    """
    lang = get_language(language)
    body = _BODY.search(render_html(markdown, language, title=title))
    inner = body.group(1) if body else ""
    for tag, styled in _INLINE.items():
        inner = inner.replace(tag, styled)
    code = html.escape(lang.code.replace("_", "-"))
    align = "right" if lang.is_rtl else "left"
    page = (
        f'<!DOCTYPE html>\n<html lang="{code}" dir="{lang.direction}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f'<body dir="{lang.direction}" style="margin:0;padding:0">\n'
        f'<div lang="{code}" dir="{lang.direction}" style="max-width:40em;margin:0 auto;padding:1em;'
        f'font:16px/1.5 Arial,sans-serif;text-align:{align};color:#1d1d1f">\n{inner}</div>\n</body>\n</html>\n'
    )
    return page, (plain_text(markdown).strip() + "\n") if text else ""
