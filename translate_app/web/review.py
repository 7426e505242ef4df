"""Volunteers' pages: the dashboard of my languages, the editor, the live preview."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache
from typing import Any

import polib
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import proposals, workflow
from ..core import segments as seg
from ..core.compiler import render_html, render_markdown, translations
from ..core.languages import get_language
from ..core.markdown import shared
from ..core.markup_tokens import markup_tokens
from ..core.states import STATES
from .access import project, translator_language
from .extensions import db

bp = Blueprint("review", __name__)

# Raw HTML off: a source or translation holding <script> is shown as text.
_INLINE = shared(MarkdownIt("commonmark", {"html": False}))

STATE_LABELS = {
    "untranslated": "Untranslated",
    "machine": "Machine",
    "needs_review": "Needs review",
    "translated": "Translated",
    "approved": "Approved",
}


@bp.app_template_filter("markdown_inline")
@lru_cache(maxsize=8192)
def markdown_inline(text: str) -> Markup:
    """Render inline Markdown (bold, links, code) safely for display (cached per text)."""
    return Markup(_INLINE.renderInline(text or ""))


@bp.app_context_processor
def _globals() -> dict:
    return {"STATES": STATES, "STATE_LABELS": STATE_LABELS, "language_of": get_language}


@bp.route("/")
@login_required
def dashboard():
    """Show every release with a progress bar per language I work on."""
    today = date.today()
    releases = [(r.record, r.languages) for r in workflow.visible_releases(db.session, project(), current_user, today)]
    db.session.commit()
    return render_template("dashboard.html", releases=releases, today=today)


@bp.route("/releases/<release>/<language>")
@login_required
def editor(release: str, language: str):
    """Show the editor for one release and one language; a big release a page at a time.

    A release of up to seg.PAGE_SIZE segments is one page, filtered in the
    browser. A bigger one is paged and filtered here (?page=, ?state=, ?check=,
    ?q=), so that the page stays small; ?next_open_after=ID goes to the page of
    the next open segment (Ctrl+Enter past the end of a page).
    """
    release, language = translator_language(release, language)
    proj = project()
    rel = workflow.release_record(db.session, proj, release)
    po = proj.load_catalog(release, language)
    extra = proj.extra_checks(release)
    waiting = proposals.open_counts(db.session, release, language)
    names = workflow.shown_names(db.session)
    commented = workflow.comment_counts(db.session, release, language)
    db.session.commit()
    filters = _filters()
    counts = seg.counts(po)
    paged = sum(counts.values()) > seg.PAGE_SIZE
    if paged and request.args.get("next_open_after"):
        found = seg.next_open_position(
            po, filters, request.args["next_open_after"], proposals=waiting, language=language, extra=extra
        )
        if found is None:
            return redirect(
                _page_url(release, language, filters, _page_arg(), nothing_open=1)
                + f"#seg-{request.args['next_open_after']}"
            )
        return redirect(_page_url(release, language, filters, found[0]) + f"#seg-{found[1]}")
    page = seg.editor_page(
        po,
        filters if paged else seg.Filters(),
        _page_arg() if paged else 1,
        proposals=waiting,
        language=language,
        extra=extra,
    )
    rows = [(number, seg.view(entry, language, extra), markup_tokens(entry.msgid)) for number, entry in page.rows]
    return render_template(
        "editor.html",
        release=rel,
        lang=get_language(language),
        rows=rows,
        counts=counts,
        can_review=current_user.can_review(language),
        proposals=waiting,
        paged=paged,
        page=page,
        filters=filters,
        nothing_open=bool(request.args.get("nothing_open")),
        page_url=lambda n: _page_url(release, language, filters, n),
        names=names,
        commented=commented,
    )


def _page_arg() -> int:
    try:
        return min(max(1, int(request.args.get("page", "1"))), 10**6)
    except ValueError:
        return 1


def _filters() -> seg.Filters:
    """Read the editor's filters from the query string; unknown values mean no filter."""
    state = request.args.get("state", "")
    check = request.args.get("check", "")
    return seg.Filters(
        state=state if state in ("open", "proposals", *STATES) else "",
        check=check if check in ("failing", "error") else "",
        text=request.args.get("q", "").strip()[:200],
    )


def _page_url(release: str, language: str, filters: seg.Filters, page: int, **more) -> str:
    args: dict[str, Any] = {
        k: v for k, v in (("state", filters.state), ("check", filters.check), ("q", filters.text)) if v
    }
    if page > 1:
        args["page"] = page
    return url_for("review.editor", release=release, language=language, **args, **more)


# Characters around the source text of segments that are still untranslated: they pass through
# Markdown rendering and HTML escaping unchanged, and are removed from the source first (see
# _preview_catalog). They are symbols (Unicode category So), which CommonMark counts as punctuation,
# so that emphasis at a segment's edge still opens and closes as in the source (`risk.**` closes
# before a symbol, not before a letter-like private-use character).
_OPEN, _CLOSE = "\u2e50", "\u2e51"
_TAG = re.compile(r"(<[^>]*>)")
_PREVIEW_STYLE = (
    "<style>.untranslated{background:#fff3cd;outline:1px dashed #c9a227;unicode-bidi:isolate}"
    ".preview-note{font:14px system-ui,sans-serif;background:#f6f6f4;border-bottom:1px solid #ddd;"
    "padding:.4rem 1rem;margin:0}"
    # Links, code and placeholders keep their own direction inside right-to-left text (no scrambled URLs).
    "[dir=rtl] a,[dir=rtl] code,[dir=rtl] kbd{unicode-bidi:isolate}</style>\n"
    '<meta name="translate-app-preview" content="{version}">\n'
)
_PREVIEW_NOTE = (
    '<p class="preview-note" dir="ltr" lang="en">Live preview: updates after every save. '
    '<span class="untranslated" lang="en" dir="ltr">Marked text</span> is still in English.</p>\n'
)


def _preview_catalog(po: polib.POFile) -> polib.POFile:
    """Return a copy of the catalog in which every untranslated segment is its source between sentinels."""
    usable = translations(po)
    copy = polib.POFile()
    for entry in po:
        if entry.obsolete or not entry.msgid or entry.msgctxt:
            continue
        text = usable.get(entry.msgid)
        if text is None:
            text = _OPEN + entry.msgid.replace(_OPEN, "").replace(_CLOSE, "") + _CLOSE
        copy.append(polib.POEntry(msgid=entry.msgid, msgstr=text))
    return copy


def _mark_untranslated(page: str) -> str:
    """Turn the sentinels into isolated left-to-right spans in text, and drop them inside tags and the head."""
    head, sep, body = page.partition("<body>")
    if not sep:
        return page.replace(_OPEN, "").replace(_CLOSE, "")
    head = head.replace(_OPEN, "").replace(_CLOSE, "")
    parts = _TAG.split(body)
    for i, part in enumerate(parts):
        if i % 2:  # a tag: sentinels in attribute values (image alt text) are just removed
            parts[i] = part.replace(_OPEN, "").replace(_CLOSE, "")
        else:
            parts[i] = part.replace(_OPEN, '<span class="untranslated" lang="en" dir="ltr">').replace(_CLOSE, "</span>")
    return head + sep + "".join(parts)


def _preview_version(release: str, language: str) -> str:
    """Return a cheap version of what the preview shows: the source's and the catalog's file identity."""
    proj = project()
    parts = []
    for path in (proj.source_path(release), proj.catalog_path(release, language)):
        st = path.stat()
        parts.append(f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@bp.route("/releases/<release>/<language>/preview")
@login_required
def preview(release: str, language: str):
    """Show the whole release with today's translations, untranslated parts marked; it follows saves."""
    release, language = translator_language(release, language)
    version = _preview_version(release, language)
    if request.if_none_match.contains(version):
        return Response(status=304, headers={"ETag": f'"{version}"', "Cache-Control": "no-cache"})
    proj = project()
    po = _preview_catalog(proj.load_catalog(release, language))
    page = _mark_untranslated(render_html(render_markdown(proj.document(release), po), language))
    page = page.replace("</head>", _PREVIEW_STYLE.replace("{version}", version) + "</head>", 1)
    script = f'<script src="{url_for("static", filename="editor.js")}" defer></script>\n'
    page = page.replace("<head>", "<head>\n" + script, 1).replace("<body>", "<body>\n" + _PREVIEW_NOTE, 1)
    response = Response(page, mimetype="text/html")
    response.set_etag(version)
    response.headers["Cache-Control"] = "no-cache"
    return response
