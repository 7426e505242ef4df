"""Press documents: DOCX and ODT through pandoc, PDF through WeasyPrint; partners' files read back.

pandoc comes with pypandoc-binary (no system package needed). The Markdown is
read as CommonMark with pandoc's extensions but without raw HTML, so markup in
a translation is text, as on the web pages. Right-to-left languages get
`dir: rtl` (pandoc marks the paragraphs bidi in DOCX and ODT).

PDFs are drawn from the language's web page by WeasyPrint (Pango and
fontconfig do the shaping and font fallback): the page's `lang` and `dir` set
the direction, and the font list names faces with Arabic, Hebrew and CJK
glyphs (Debian's fonts-noto-core and fonts-wqy-microhei; CI installs them).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..core.languages import get_language

#: How pandoc reads the release's Markdown.
MARKDOWN = "commonmark_x-raw_html"
#: Fonts tried in order for PDFs, so every script of a release has glyphs.
PDF_FONTS = (
    '"Noto Sans", "DejaVu Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "WenQuanYi Micro Hei", '
    '"Noto Sans CJK SC", sans-serif'
)
#: What partners send, by file name ending, as pandoc names the format.
READABLE = {
    ".docx": "docx",
    ".odt": "odt",
    ".html": "html",
    ".htm": "html",
    ".md": "commonmark_x",
    ".txt": "commonmark_x",
}


class DocumentError(ValueError):
    """A partner's file that cannot be read (corrupt, or not what its name says)."""


def _pandoc():
    import pypandoc  # imported when a document is made: the CLI's core commands never need it

    return pypandoc


def _metadata(language: str, title: str) -> list[str]:
    lang = get_language(language)
    return [
        "--metadata",
        f"title={title}",
        "--metadata",
        f"lang={lang.code.replace('_', '-')}",
        "--metadata",
        f"dir={lang.direction}",
    ]


def _convert_to_file(markdown: str, to: str, language: str, title: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="presskit-") as tmp:
        out = Path(tmp) / f"release.{to}"
        _pandoc().convert_text(
            markdown, to, format=MARKDOWN, outputfile=str(out), extra_args=["--quiet", *_metadata(language, title)]
        )
        return out.read_bytes()


def docx(markdown: str, language: str, title: str) -> bytes:
    """Return the release as a Word document."""
    return _convert_to_file(markdown, "docx", language, title)


def odt(markdown: str, language: str, title: str) -> bytes:
    """Return the release as an OpenDocument text."""
    return _convert_to_file(markdown, "odt", language, title)


def plain_text(markdown: str) -> str:
    """Return the release as plain text (links as text with their address), for e-mail."""
    return _pandoc().convert_text(
        markdown, "plain", format=MARKDOWN, extra_args=["--quiet", "--wrap=none", "--reference-links"]
    )


def pdf(page_html: str) -> bytes:
    """Return a PDF of a language's web page (see page.language_page)."""
    from weasyprint import CSS, HTML

    style = CSS(string=f"body{{font-family:{PDF_FONTS}}} nav.languages{{display:none}} @page{{size:A4;margin:2cm}}")
    return HTML(string=page_html).write_pdf(stylesheets=[style])


def to_markdown(data: bytes, filename: str) -> str:
    """Read a partner's translated document (DOCX, ODT, HTML, Markdown or text) into Markdown."""
    suffix = os.path.splitext(filename.lower())[1]
    fmt = READABLE.get(suffix)
    if fmt is None:
        raise DocumentError(
            f"{filename}: send DOCX, ODT, HTML, Markdown or plain text (files ending in {', '.join(sorted(READABLE))})"
        )
    if fmt == "commonmark_x":
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{filename}: not UTF-8 text (byte {exc.start})") from exc
    with tempfile.TemporaryDirectory(prefix="partner-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return _pandoc().convert_file(
                str(path),
                "commonmark_x-raw_html-smart",
                format=fmt,  # keep – “ ” ’ as typed
                extra_args=["--quiet", "--wrap=none"],
            )
        except RuntimeError as exc:
            raise DocumentError(f"{filename}: cannot be read as {fmt.upper()} ({str(exc).strip()[:200]})") from exc
