"""The JSON API: scripts with bearer tokens, the pages with the session and CSRF."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from .. import workflow
from ..core import segments as seg
from ..core.checks import run_checks
from ..core.errors import TranslateAppError
from ..core.languages import get_language
from .access import project, release_language, settings, translator_language, uses_bearer_token
from .extensions import Database, csrf, db
from .ratelimit import CHECKS as CHECKS_LIMIT

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def _authenticate_then_check_csrf():
    """Answer 401 to anonymous callers first; then session callers must send the CSRF token."""
    if not current_user.is_authenticated:
        return jsonify({"error": "authentication required"}), 401
    if request.method not in ("GET", "HEAD", "OPTIONS") and not uses_bearer_token():
        csrf.protect()
    return None


def _json() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "expected a JSON object")
    _refuse_lone_surrogates(data)
    return data


def _refuse_lone_surrogates(data: dict) -> None:
    """Refuse text no file or database can store (JSON's "\\ud800"), at the door, naming the field."""
    stack: list[tuple[str, object]] = [(str(key), value) for key, value in data.items()]
    stack += [("field name", key) for key in data]
    while stack:  # not recursive: the nesting is the client's choice
        name, value = stack.pop()
        if isinstance(value, str):
            seg.require_unicode(value, name if name in ("translation", "source", "field name") else f"'{name}' field")
        elif isinstance(value, dict):
            stack += [(name, v) for v in value.values()] + [(name, k) for k in value]
        elif isinstance(value, list):
            stack += [(name, v) for v in value]


@bp.get("/releases")
@login_required
def releases():
    """List releases with per-language counts of every state."""
    proj = project()
    result = []
    for name in proj.releases():
        rel = workflow.release_record(db.session, proj, name)
        langs = current_user.visible_languages(proj.languages(name))
        progress = workflow.progress(db.session, proj, name, langs)
        result.append({
            "name": name, "title": rel.title,
            "deadline": rel.deadline.isoformat() if rel.deadline else None,
            "languages": {p.language: p.counts for p in progress},
            "risk": {p.language: p.risk for p in progress},
            "published": {p.language: p.publication for p in progress},
        })
    db.session.commit()
    return jsonify(result)


@bp.get("/releases/<release>/<language>/segments")
@login_required
def segments(release: str, language: str):
    """List a language's segments with id, source, translation, state, version and checks."""
    release, language = translator_language(release, language)
    proj = project()
    po = proj.load_catalog(release, language)
    return jsonify([s.as_api() for s in seg.views(po, language, proj.extra_checks(release))])


@bp.put("/releases/<release>/<language>/segments/<segment_id>")
@login_required
def save(release: str, language: str, segment_id: str):
    """Save a translation based on a version; 409 with the current segment when stale."""
    release, language = release_language(release, language)
    data = _json()
    text = data.get("translation")
    if not isinstance(text, str):
        abort(400, "'translation' must be a string")
    after = workflow.save_segment(session=db.session, project=project(), user=current_user, release=release,
                                  language=language, segment_id=segment_id, text=text, version=data.get("version"))
    return jsonify(after.as_api())


@bp.post("/releases/<release>/<language>/segments/<segment_id>/approve")
@login_required
def approve(release: str, language: str, segment_id: str):
    """Approve a segment; 403 without the reviewer right, 409 when stale, 422 while checks fail.

    Failing blocking checks (numbers, links) are approved only with
    {"override": "reason"}, which is recorded in the catalog and the history.
    """
    release, language = release_language(release, language)
    data = _json()
    try:
        after = workflow.approve_segment(session=db.session, project=project(), user=current_user, release=release,
                                         language=language, segment_id=segment_id, version=data.get("version"),
                                         override=data.get("override"))
    except seg.BlockingChecksError as exc:
        return jsonify({"error": str(exc), "blocking": exc.checks}), 422
    return jsonify(after.as_api())


@bp.get("/releases/<release>/<language>/segments/<segment_id>/history")
@login_required
def history(release: str, language: str, segment_id: str):
    """Return the changes and comments of a segment."""
    release, language = translator_language(release, language)
    return jsonify(workflow.history(db.session, release, language, segment_id))


@bp.post("/releases/<release>/<language>/segments/<segment_id>/comments")
@login_required
def comment(release: str, language: str, segment_id: str):
    """Add a comment to a segment."""
    release, language = release_language(release, language)
    text = _json().get("text")
    c = workflow.add_comment(session=db.session, project=project(), user=current_user, release=release,
                             language=language, segment_id=segment_id, text=text if isinstance(text, str) else "")
    return jsonify({"at": c.at.isoformat(), "user": current_user.name, "text": c.text}), 201


@bp.get("/releases/<release>/<language>/segments/<segment_id>/suggestions")
@login_required
def suggestions(release: str, language: str, segment_id: str):
    """Return translation-memory matches for a segment from other releases."""
    release, language = translator_language(release, language)
    proj = project()
    entry = seg.require_entry(proj.load_catalog(release, language), segment_id)
    from ..mt.memory import memory_matches

    matches = memory_matches(proj, language, entry.msgid, limit=3, exclude_release=release)
    return jsonify([{"text": m.text, "score": m.score, "origin": m.origin} for m in matches])


@bp.post("/checks")
@login_required
def checks():
    """Run the quality checks on a draft translation, for warnings while typing.

    Every text is capped at the translation limit, and each person may ask
    10 times a second and 300 times a minute (per worker process; 429 beyond).
    """
    if not CHECKS_LIMIT.hit(current_user.get_id()):
        wait = CHECKS_LIMIT.retry_after(current_user.get_id())
        return jsonify({"error": f"too many checks at once; try again in {wait} s"}), 429, {"Retry-After": str(wait)}
    data = _json()
    source, target = data.get("source"), data.get("translation")
    if not isinstance(source, str) or not isinstance(target, str):
        abort(400, "'source' and 'translation' must be strings")
    language, release = data.get("language") or "", data.get("release")
    if not isinstance(language, str) or not (release is None or isinstance(release, str)):
        abort(400, "'language' and 'release' must be strings")
    for name, value in (("source", source), ("translation", target), ("language", language),
                        ("release", release or "")):
        if len(value) > seg.MAX_TRANSLATION_CHARS:
            abort(400, f"'{name}' is longer than {seg.MAX_TRANSLATION_CHARS} characters")
    extra = project().extra_checks(release) if release and release in project().releases() else []
    return jsonify([r.as_dict() for r in run_checks(source, target, language=language, extra=extra)])


@bp.post("/releases/<release>/<language>/publish")
@login_required
def publish(release: str, language: str):
    """Publish a language; 409 while a segment is not approved."""
    release, language = release_language(release, language)
    pub = workflow.publish(session=db.session, project=project(), user=current_user, release=release,
                           language=language)
    return jsonify({"release": pub.release, "language": pub.language, "at": pub.at.isoformat(),
                    "content_hash": pub.content_hash, "by": current_user.name})


@bp.post("/releases/<release>/pretranslate")
@login_required
def pretranslate(release: str):
    """Start machine pre-translation of some languages; coordinators only."""
    if not current_user.is_coordinator:
        raise workflow.PermissionDeniedError("only coordinators start pre-translation")
    data = _json()
    proj = project()
    proj.require(release)
    languages = data.get("languages") or proj.languages(release)
    if isinstance(languages, str):
        languages = [languages]
    codes = [get_language(c).code for c in languages]
    from ..mt.jobs import start_pretranslation

    job_id = start_pretranslation(settings=settings(), session_factory=Database.factory(current_app._get_current_object()),
                                  release=release, languages=codes,
                                  provider=data.get("provider") or settings().mt_provider, user_id=current_user.id)
    return jsonify({"job": job_id}), 202


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """Return the progress of a background job."""
    from ..mt.jobs import job_progress

    try:
        return jsonify(job_progress(db.session, job_id))
    except TranslateAppError:
        abort(404, "no such job")
