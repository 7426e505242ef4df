"""Volunteers' pages: the dashboard of my languages, the editor, the live preview."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import workflow
from ..core import segments as seg
from ..core.compiler import render_html, render_markdown
from ..core.languages import get_language
from ..core.markdown import shared
from ..core.states import STATES
from .access import project, translator_language
from .extensions import db

bp = Blueprint("review", __name__)

# Raw HTML off: a source or translation holding <script> is shown as text.
_INLINE = shared(MarkdownIt("commonmark", {"html": False}))

STATE_LABELS = {
    "untranslated": "Untranslated", "machine": "Machine", "needs_review": "Needs review",
    "translated": "Translated", "approved": "Approved",
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
    proj = project()
    releases = []
    for name in proj.releases():
        rel = workflow.release_record(db.session, proj, name)
        mine = current_user.visible_languages(proj.languages(name))
        if not mine:
            continue
        releases.append((rel, workflow.progress(db.session, proj, name, mine)))
    db.session.commit()
    return render_template("dashboard.html", releases=releases, today=date.today())


@bp.route("/releases/<release>/<language>")
@login_required
def editor(release: str, language: str):
    """Show the editor for one release and one language."""
    release, language = translator_language(release, language)
    proj = project()
    rel = workflow.release_record(db.session, proj, release)
    po = proj.load_catalog(release, language)
    segments = seg.views(po, language, proj.extra_checks(release))
    counts = seg.counts(po)
    db.session.commit()
    return render_template(
        "editor.html", release=rel, lang=get_language(language), segments=segments, counts=counts,
        can_review=current_user.can_review(language),
    )


@bp.route("/releases/<release>/<language>/preview")
@login_required
def preview(release: str, language: str):
    """Show the whole release as it would be published with today's translations."""
    release, language = translator_language(release, language)
    proj = project()
    markdown = render_markdown(proj.document(release), proj.load_catalog(release, language))
    return render_html(markdown, language)
