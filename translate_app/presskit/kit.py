"""Everything for the press, for every published language, in one zip."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from . import documents
from .mailbody import email_bodies
from .page import hreflang, language_page


@dataclass(frozen=True)
class Outputs:
    """One language's press outputs."""

    language: str
    page: str
    markdown: str
    docx: bytes
    odt: bytes
    pdf: bytes
    email_html: str
    email_text: str


def outputs(markdown: str, language: str, *, title: str, published: list[str], url_for: Callable[[str], str],
            default: str) -> Outputs:
    """Make every output of one language."""
    page = language_page(markdown, language, published=published, url_for=url_for, default=default, title=title)
    email_html, email_text = email_bodies(markdown, language, title=title)
    return Outputs(language, page, markdown, documents.docx(markdown, language, title),
                   documents.odt(markdown, language, title), documents.pdf(page), email_html, email_text)


def press_kit(release: str, languages: Mapping[str, tuple[str, str]], *, default: str,
              base_url: str | None = None, workers: int = 4) -> bytes:
    """Return a zip with every output of every published language.

    `languages` maps each published language to (title, approved Markdown);
    `default` is the x-default language (usually the source's). Pages link to
    each other by `base_url` + `LANG/` when given (what hreflang wants), else
    relatively inside the zip.
    """
    published = sorted(languages)
    if default not in languages:
        raise ValueError(f"the default language {default} is not published")

    def url_for(code: str) -> str:
        return f"{base_url.rstrip('/')}/{hreflang(code)}/" if base_url else f"../{hreflang(code)}/index.html"

    def make(code: str) -> Outputs:
        title, markdown = languages[code]
        return outputs(markdown, code, title=title, published=published, url_for=url_for, default=default)

    with ThreadPoolExecutor(max_workers=workers) as pool:  # pandoc runs as a child process: threads overlap it
        made = list(pool.map(make, published))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for out in made:
            folder = hreflang(out.language)
            stem = f"{folder}/{release}-{folder}"
            zf.writestr(f"{folder}/index.html", out.page)
            zf.writestr(f"{stem}.md", out.markdown)
            zf.writestr(f"{stem}.docx", out.docx)
            zf.writestr(f"{stem}.odt", out.odt)
            zf.writestr(f"{stem}.pdf", out.pdf)
            zf.writestr(f"{folder}/email.html", out.email_html)
            zf.writestr(f"{folder}/email.txt", out.email_text)
        zf.writestr("index.html", '<!DOCTYPE html>\n<meta charset="utf-8">\n'
                                  f'<meta http-equiv="refresh" content="0; url={hreflang(default)}/index.html">\n'
                                  f'<a href="{hreflang(default)}/index.html">{release}</a>\n')
    return buffer.getvalue()
