"""Everything for the press, for every published language, in one zip."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

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


class DocumentCache:
    """Documents already made, by what they are made from (so publishing one more language redoes one).

    A document depends only on its language's Markdown, language and title;
    the pages, which list the other languages, are made anew every time.
    Files are written whole under a temporary name and renamed, so a reader
    never sees half of one; two makers of the same key write the same bytes.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, kind: str, markdown: str, language: str, title: str, make: Callable[[], bytes]) -> bytes:
        if self.folder is None:
            return make()
        key = hashlib.sha256("\x00".join([kind, language, title, markdown]).encode()).hexdigest()[:32]
        path = self.folder / f"{key}.{kind}"
        if path.is_file():
            return path.read_bytes()
        data = make()
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{id(data)}.part")
        partial.write_bytes(data)
        partial.replace(path)
        return data


def outputs(
    markdown: str,
    language: str,
    *,
    title: str,
    published: list[str],
    url_for: Callable[[str], str],
    default: str,
    cache: DocumentCache | None = None,
) -> Outputs:
    """Make every output of one language."""
    cache = cache or DocumentCache(None)
    page = language_page(markdown, language, published=published, url_for=url_for, default=default, title=title)
    alone = language_page(markdown, language, published=[language], url_for=url_for, default=language, title=title)
    email_html, _ = email_bodies(markdown, language, title=title, text=False)
    email_text = cache.get(
        "txt", markdown, language, title, lambda: email_bodies(markdown, language, title=title)[1].encode()
    ).decode()
    return Outputs(
        language,
        page,
        markdown,
        cache.get("docx", markdown, language, title, lambda: documents.docx(markdown, language, title)),
        cache.get("odt", markdown, language, title, lambda: documents.odt(markdown, language, title)),
        cache.get("pdf", markdown, language, title, lambda: documents.pdf(alone)),
        email_html,
        email_text,
    )


def press_kit(
    release: str,
    languages: Mapping[str, tuple[str, str]],
    *,
    default: str,
    base_url: str | None = None,
    workers: int = 4,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """Return a zip with every output of every published language.

    `languages` maps each published language to (title, approved Markdown);
    `default` is the x-default language (usually the source's). Pages link to
    each other by `base_url` + `LANG/` when given (what hreflang wants), else
    relatively inside the zip. With `cache_dir`, documents made before for
    the same Markdown are taken from there; `progress` is called with each
    language as it is done.
    """
    cache = DocumentCache(cache_dir)
    published = sorted(languages)
    if default not in languages:
        raise ValueError(f"the default language {default} is not published")

    def url_for(code: str) -> str:
        return f"{base_url.rstrip('/')}/{hreflang(code)}/" if base_url else f"../{hreflang(code)}/index.html"

    def make(code: str) -> Outputs:
        title, markdown = languages[code]
        made = outputs(markdown, code, title=title, published=published, url_for=url_for, default=default, cache=cache)
        if progress is not None:
            progress(code)
        return made

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
        zf.writestr(
            "index.html",
            '<!DOCTYPE html>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="refresh" content="0; url={hreflang(default)}/index.html">\n'
            f'<a href="{hreflang(default)}/index.html">{release}</a>\n',
        )
    return buffer.getvalue()


#: The documents of one language that can be downloaded alone: kind -> (file ending, media type).
DOCUMENTS = {
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": ("odt", "application/vnd.oasis.opendocument.text"),
    "pdf": ("pdf", "application/pdf"),
    "email.html": ("email.html", "text/html"),
    "email.txt": ("email.txt", "text/plain"),
}


def document(kind: str, markdown: str, language: str, *, title: str, cache: DocumentCache | None = None) -> bytes:
    """Make one document of one language (a kind of DOCUMENTS), from the cache when it was made before."""
    cache = cache or DocumentCache(None)
    if kind == "docx":
        return cache.get("docx", markdown, language, title, lambda: documents.docx(markdown, language, title))
    if kind == "odt":
        return cache.get("odt", markdown, language, title, lambda: documents.odt(markdown, language, title))
    if kind == "pdf":

        def pdf() -> bytes:
            alone = language_page(
                markdown, language, published=[language], url_for=lambda c: "", default=language, title=title
            )
            return documents.pdf(alone)

        return cache.get("pdf", markdown, language, title, pdf)
    if kind == "email.html":
        return email_bodies(markdown, language, title=title, text=False)[0].encode()
    if kind == "email.txt":
        return cache.get(
            "txt", markdown, language, title, lambda: email_bodies(markdown, language, title=title)[1].encode()
        )
    raise ValueError(f"no document of kind {kind!r}")
