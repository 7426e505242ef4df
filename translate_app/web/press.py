"""Public press pages: each published language of a release at /press/RELEASE/LANG/, no login needed.

Only languages with a publication exist here, and each page shows exactly
what was published (the Publication row), inside presskit.page's frame:
`lang`, `dir`, a switcher of the published languages, `hreflang` links both
ways and an x-default, which is /press/RELEASE/ (it sends a browser to the
published language it prefers). Pages carry an ETag and may be cached
briefly; a conditional request for an unchanged page answers 304.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Blueprint, Response, abort, redirect, request, url_for

from ..core.errors import LanguageError, ReleaseNameError, UnknownReleaseError
from ..core.languages import get_language
from ..presskit.page import hreflang, language_page
from ..presskit.published import PublishedText, default_language, negotiate, published_texts
from .access import project
from .extensions import db

bp = Blueprint("press", __name__, url_prefix="/press")

#: How long browsers and proxies may keep a page before asking again (with its ETag).
MAX_AGE = 300
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _published(release: str) -> dict[str, PublishedText]:
    """Return the published languages of a release; 404 when there is no such release or nothing is published."""
    proj = project()
    try:
        release = proj.require(release)
    except (ReleaseNameError, UnknownReleaseError):
        abort(404)
    texts = published_texts(db.session, release, proj.languages(release))
    db.session.commit()
    if not texts:
        abort(404)
    return texts


def _page_url(release: str, code: str) -> str:
    return url_for("press.page", release=release, language=hreflang(code), _external=True)


@bp.get("/<release>/")
def choose(release: str):
    """Send the browser to the published language it prefers (Accept-Language), else to the default one."""
    texts = _published(release)
    codes = list(texts)
    code = negotiate(request.accept_languages, codes) or default_language(codes)
    response = redirect(url_for("press.page", release=release, language=hreflang(code)), 302)
    response.vary.add("Accept-Language")
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.get("/<release>/<language>/")
def page(release: str, language: str):
    """Serve the published page of one language; 404 for a language that is not published."""
    texts = _published(release)
    try:
        code = get_language(language).code
    except LanguageError:
        abort(404)
    if code not in texts:
        abort(404)
    if language != hreflang(code):  # one address per page: pt_BR and pt-br go to pt-BR
        return redirect(url_for("press.page", release=release, language=hreflang(code)), 301)
    text = texts[code]
    body = language_page(
        text.markdown,
        code,
        published=list(texts),
        url_for=lambda other: _page_url(release, other),
        default=default_language(list(texts)),
        default_url=url_for("press.choose", release=release, _external=True),
        title=text.title,
    )
    response = Response(body, mimetype="text/html")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.last_modified = text.at
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.headers["Content-Security-Policy"] = _policy(body)
    return response.make_conditional(request)


def _policy(body: str) -> str:
    """Return a CSP for a press page: no scripts at all; only its own <style> elements, by their hashes."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in _STYLE.findall(body)
    )
    return (
        f"default-src 'none'; style-src {hashes}; img-src 'self' https: data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
