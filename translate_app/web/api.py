"""The JSON API: scripts with bearer tokens, the pages with the session and CSRF."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask_login import current_user, login_required

from .. import bulk_review, claims, glossaries, offline, proposals, workflow
from ..core import segments as seg
from ..core.checks import run_checks
from ..core.languages import get_language
from ..core.states import STATES
from .access import project, release_language, settings, translator_language, uses_bearer_token
from .extensions import Database, csrf, db
from .openapi import MAX_ID, openapi_document
from .ratelimit import CHECKS as CHECKS_LIMIT

bp = Blueprint("api", __name__, url_prefix="/api")

_ID = f"int(max={MAX_ID})"  # a larger id cannot exist: 404 rather than a database overflow


@bp.before_request
def _authenticate_then_check_csrf():
    """Answer 401 to anonymous callers first; then session callers must send the CSRF token."""
    if request.endpoint == "api.openapi":
        return None
    if not current_user.is_authenticated:
        return jsonify({"error": "authentication required"}), 401
    if request.method not in ("GET", "HEAD", "OPTIONS") and not uses_bearer_token():
        csrf.protect()
    return None


def _json() -> dict:
    """Return the JSON object of the request body; 400 for anything else, nesting too deep included."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        abort(400, "the JSON is nested too deeply")
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


def _string(data: dict, name: str, default: str | None = None, *, limit: int | None = None, nul: bool = False) -> str:
    """Return a string field of the body; 400 when it is missing (without a default), not a string, too long
    or, unless nul, holding a NUL character (_json has already refused lone surrogates anywhere in the body)."""
    value = data.get(name, default)
    if not isinstance(value, str):
        abort(400, f"{name!r} must be a string")
    if limit is not None and len(value) > limit:
        abort(400, f"{name!r} is longer than {limit} characters")
    if not nul and "\x00" in value:
        abort(400, f"{name!r} contains a NUL character")
    return value


def _version(data: dict) -> str | None:
    """Return the optional 'version' field: a string or null; 400 otherwise."""
    version = data.get("version")
    if version is not None and not isinstance(version, str):
        abort(400, "'version' must be a string or null")
    return version


@bp.get("/openapi.json")
def openapi():
    """Describe this API in OpenAPI 3.1 (no login needed)."""
    return jsonify(openapi_document())


@bp.get("/releases")
@login_required
def releases():
    """List releases with per-language counts of every state."""
    result = []
    for visible in workflow.visible_releases(db.session, project(), current_user):
        rel, progress = visible.record, visible.languages
        result.append(
            {
                "name": rel.name,
                "title": rel.title,
                "deadline": rel.deadline.isoformat() if rel.deadline else None,
                "languages": {p.language: p.counts for p in progress},
                "risk": {p.language: p.risk for p in progress},
                "published": {p.language: p.publication for p in progress},
                "broken": {p.language: p.broken for p in progress if p.broken},
            }
        )
    db.session.commit()
    return jsonify(result)


@bp.get("/releases/<release>/<language>/segments")
@login_required
def segments(release: str, language: str):
    """List a language's segments with id, source, translation, state, version and checks."""
    release, language = translator_language(release, language)
    proj = project()
    po = proj.load_catalog(release, language)
    waiting = proposals.open_counts(db.session, release, language)
    db.session.commit()
    return jsonify(
        [dict(s.as_api(), proposals=waiting.get(s.id, 0)) for s in seg.views(po, language, proj.extra_checks(release))]
    )


@bp.put("/releases/<release>/<language>/segments/<segment_id>")
@login_required
def save(release: str, language: str, segment_id: str):
    """Save a translation based on a version; 409 with the current segment when stale.

    A change to approved text by someone without the reviewer right is kept as a
    proposal: 202 with the proposal and the (unchanged) segment.
    """
    release, language = release_language(release, language)
    data = _json()
    text = _string(data, "translation", nul=True)  # control characters are removed at the door
    after, proposal = workflow.save_or_propose(
        session=db.session,
        project=project(),
        user=current_user,
        release=release,
        language=language,
        segment_id=segment_id,
        text=text,
        version=_version(data),
    )
    claimed = claims.holder_of(db.session, release, language, segment_id, other_than=current_user)
    claim = claims.as_api(claimed) if claimed else None  # a warning: the save went through
    db.session.commit()
    if proposal is None:
        return jsonify(dict(after.as_api(), claim=claim) if claim else after.as_api())
    body = {
        "claim": claim,
        "proposal": proposals.as_api(
            db.session, proposal, after, language=language, extra=project().extra_checks(release)
        ),
        "segment": dict(
            after.as_api(), proposals=proposals.open_counts(db.session, release, language).get(after.id, 0)
        ),
    }
    db.session.commit()
    return jsonify(body), 202


@bp.post("/releases/<release>/<language>/segments/<segment_id>/approve")
@login_required
def approve(release: str, language: str, segment_id: str):
    """Approve a segment; 403 without the reviewer right, 409 when stale, 422 while checks fail.

    Failing blocking checks (numbers, links) are approved only with
    {"override": "reason"}, which is recorded in the catalog and the history.
    """
    release, language = release_language(release, language)
    data = _json()
    override = data.get("override")
    if override is not None and not isinstance(override, str):
        abort(400, "'override' must be a string (the reason) or null")
    try:
        after = workflow.approve_segment(
            session=db.session,
            project=project(),
            user=current_user,
            release=release,
            language=language,
            segment_id=segment_id,
            version=_version(data),
            override=override,
        )
    except seg.BlockingChecksError as exc:
        return jsonify({"error": str(exc), "blocking": exc.checks}), 422
    return jsonify(after.as_api())


@bp.get("/releases/<release>/<language>/segments/<segment_id>/history")
@login_required
def history(release: str, language: str, segment_id: str):
    """Return the changes and comments of a segment, with word diffs, and its source change if any."""
    release, language = translator_language(release, language)
    entry = seg.require_entry(project().load_catalog(release, language), segment_id)
    source = (entry.previous_msgid, entry.msgid) if entry.previous_msgid else None
    return jsonify(workflow.history(db.session, release, language, segment_id, source=source))


@bp.post("/releases/<release>/<language>/segments/<segment_id>/comments")
@login_required
def comment(release: str, language: str, segment_id: str):
    """Add a comment to a segment."""
    release, language = release_language(release, language)
    text = _string(_json(), "text")
    c = workflow.add_comment(
        session=db.session,
        project=project(),
        user=current_user,
        release=release,
        language=language,
        segment_id=segment_id,
        text=text,
    )
    return jsonify({"at": c.at.isoformat(), "user": current_user.name, "text": c.text}), 201


@bp.get("/releases/<release>/<language>/segments/<segment_id>/suggestions")
@login_required
def suggestions(release: str, language: str, segment_id: str):
    """Return translation-memory matches from other releases: text, score, origin, their source and its diff."""
    release, language = translator_language(release, language)
    proj = project()
    entry = seg.require_entry(proj.load_catalog(release, language), segment_id)
    from ..embargo import hidden_from
    from ..mt.memory import memory_matches

    hidden = hidden_from(db.session, current_user)  # nothing of a release under embargo they may not see
    matches = memory_matches(proj, language, entry.msgid, limit=3 + len(hidden), exclude_release=release)
    matches = [m for m in matches if m.origin not in hidden][:3]
    return jsonify([m.as_suggestion(entry.msgid) for m in matches])


@bp.get("/releases/<release>/<language>/segments/<segment_id>/proposals")
@login_required
def segment_proposals(release: str, language: str, segment_id: str):
    """List a segment's proposals (open first), each with its checks against the source."""
    release, language = translator_language(release, language)
    proj = project()
    extra = proj.extra_checks(release)
    current = seg.view(
        seg.require_entry(proj.load_catalog(release, language), segment_id), language, extra, checks=False
    )
    found = proposals.for_segment(db.session, release, language, segment_id)
    body = [
        proposals.as_api(db.session, p, current, language=language, extra=extra, viewer=current_user) for p in found
    ]
    db.session.commit()
    return jsonify(body)


@bp.post("/releases/<release>/<language>/segments/<segment_id>/proposals")
@login_required
def create_proposal(release: str, language: str, segment_id: str):
    """Suggest a text for a segment (any state); 201 with the suggestion and the unchanged segment."""
    release, language = translator_language(release, language)
    text = _string(_json(), "text", nul=True)
    proj = project()
    extra = proj.extra_checks(release)
    current = seg.view(seg.require_entry(proj.load_catalog(release, language), segment_id), language, extra)
    proposal = proposals.suggest(
        db.session, user=current_user, release=release, language=language, segment=current, text=text
    )
    body = {
        "proposal": proposals.as_api(
            db.session, proposal, current, language=language, extra=extra, viewer=current_user
        ),
        "segment": dict(
            current.as_api(), proposals=proposals.open_counts(db.session, release, language).get(current.id, 0)
        ),
    }
    db.session.commit()
    return jsonify(body), 201


@bp.post(f"/releases/<release>/<language>/proposals/<{_ID}:proposal_id>/vote")
@login_required
def vote_proposal(release: str, language: str, proposal_id: int):
    """Give an open suggestion a +1 ({"up": true}, the default) or take it back ({"up": false})."""
    release, language = translator_language(release, language)
    up = _json().get("up", True)
    if not isinstance(up, bool):
        abort(400, "'up' must be true or false")
    votes = proposals.vote(
        db.session, user=current_user, release=release, language=language, proposal_id=proposal_id, up=up
    )
    return jsonify({"id": proposal_id, "votes": votes, "voted": up})


@bp.post(f"/releases/<release>/<language>/proposals/<{_ID}:proposal_id>/accept")
@login_required
def accept_proposal(release: str, language: str, proposal_id: int):
    """Accept a proposal: its text becomes approved by this reviewer; 409 when the segment changed."""
    release, language = release_language(release, language)
    proposal, after = proposals.accept(
        db.session,
        project=project(),
        user=current_user,
        release=release,
        language=language,
        proposal_id=proposal_id,
        version=_version(_json()),
    )
    body = {
        "proposal": proposals.as_api(db.session, proposal, viewer=current_user),
        "segment": dict(
            after.as_api(), proposals=proposals.open_counts(db.session, release, language).get(after.id, 0)
        ),
    }
    db.session.commit()
    return jsonify(body)


@bp.post(f"/releases/<release>/<language>/proposals/<{_ID}:proposal_id>/reject")
@login_required
def reject_proposal(release: str, language: str, proposal_id: int):
    """Reject a proposal with an optional reason; the approved text stays."""
    release, language = release_language(release, language)
    reason = _string(_json(), "reason", "")
    proposal = proposals.reject(
        db.session, user=current_user, release=release, language=language, proposal_id=proposal_id, reason=reason
    )
    body = proposals.as_api(db.session, proposal, viewer=current_user)
    db.session.commit()
    return jsonify({"proposal": body})


def _filters(data: dict) -> seg.Filters:
    """Read the editor's filters (state, check, q) from a request body; unknown values mean no filter."""
    state, check = _string(data, "state", "", limit=40), _string(data, "check", "", limit=40)
    return seg.Filters(
        state=state if state in ("open", "proposals", *STATES) else "",
        check=check if check in ("failing", "error") else "",
        text=_string(data, "q", "", limit=200).strip(),
    )


@bp.post("/releases/<release>/<language>/bulk/plan")
@login_required
def bulk_plan(release: str, language: str):
    """List what a bulk review of the filtered segments would do, with each text's failing checks (writes nothing)."""
    release, language = release_language(release, language)
    data = _json()
    items = bulk_review.plan(
        db.session,
        project=project(),
        user=current_user,
        release=release,
        language=language,
        action=_string(data, "action", limit=20),
        filters=_filters(data),
    )
    return jsonify(bulk_review.as_api(items))


@bp.post("/releases/<release>/<language>/bulk")
@login_required
def bulk_run(release: str, language: str):
    """Approve (or accept the best suggestion of) the listed segments in one batch; each item's outcome."""
    release, language = release_language(release, language)
    data = _json()
    items = data.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        abort(400, '\'items\' must be a list of {"id", "version", "override"?, "proposal"?}')
    for item in items:
        _version(item)
        if item.get("override") is not None and not isinstance(item["override"], str):
            abort(400, "'override' must be a string (the reason) or null")
        if item.get("proposal") is not None and not isinstance(item["proposal"], int):
            abort(400, "'proposal' must be a suggestion id")
    results = bulk_review.run(
        db.session,
        project=project(),
        user=current_user,
        release=release,
        language=language,
        action=_string(data, "action", limit=20),
        items=items,
    )
    return jsonify({"results": results, "done": sum(1 for r in results if r["outcome"] in ("approved", "accepted"))})


@bp.get("/releases/<release>/<language>/claims")
@login_required
def language_claims(release: str, language: str):
    """List the live claims of a language and the sections one can claim."""
    release, language = translator_language(release, language)
    po = project().load_catalog(release, language)
    body = {
        "claims": [claims.as_api(c, current_user) for c in claims.active(db.session, release, language)],
        "sections": [{"label": s["label"], "first": s["ids"][0], "size": len(s["ids"])} for s in claims.sections(po)],
        "default_hours": claims.DEFAULT_HOURS,
    }
    db.session.commit()
    return jsonify(body)


@bp.post("/releases/<release>/<language>/claims")
@login_required
def make_claim(release: str, language: str):
    """Claim a section ({"first"}) or a range ({"first", "last"}) for some hours ({"hours"}, default 2)."""
    release, language = translator_language(release, language)
    data = _json()
    last = data.get("last")
    if last is not None and not isinstance(last, str):
        abort(400, "'last' must be a segment id or null")
    hours = data.get("hours")
    row = claims.claim(
        db.session,
        user=current_user,
        release=release,
        language=language,
        po=project().load_catalog(release, language),
        first=_string(data, "first", limit=40),
        last=last,
        hours=hours,
    )
    return jsonify(claims.as_api(row, current_user)), 201


@bp.post(f"/releases/<release>/<language>/claims/<{_ID}:claim_id>/renew")
@login_required
def renew_claim(release: str, language: str, claim_id: int):
    """Renew one's own claim for some hours from now ({"hours"}, default 2)."""
    release, language = translator_language(release, language)
    row = claims.renew(
        db.session, user=current_user, release=release, language=language, claim_id=claim_id, hours=_json().get("hours")
    )
    return jsonify(claims.as_api(row, current_user))


@bp.post(f"/releases/<release>/<language>/claims/<{_ID}:claim_id>/release")
@login_required
def end_claim(release: str, language: str, claim_id: int):
    """Release a claim: its holder or a coordinator."""
    release, language = release_language(release, language)
    _json()
    row = claims.release_claim(db.session, user=current_user, release=release, language=language, claim_id=claim_id)
    return jsonify(claims.as_api(row, current_user))


@bp.get("/releases/<release>/claims")
@login_required
def release_claims(release: str):
    """List the live claims of every language of a release: coordinators only."""
    if not current_user.is_coordinator:
        raise workflow.PermissionDeniedError("only coordinators see the claims of every language")
    project().require(release)
    body = [claims.as_api(c, current_user) for c in claims.active(db.session, release)]
    db.session.commit()
    return jsonify(body)


@bp.get("/releases/<release>/<language>/glossary")
@login_required
def glossary(release: str, language: str):
    """Return the release glossary as it reads in one language, with its version."""
    release, language = translator_language(release, language)
    return jsonify(glossaries.as_api(*glossaries.read(project(), release), language))


@bp.put("/releases/<release>/<language>/glossary")
@login_required
def glossary_term(release: str, language: str):
    """Add or change a term ({"source", "target", "version", "old_source"?}); 409 when the glossary changed."""
    release, language = release_language(release, language)
    data = _json()
    target, old_source = data.get("target"), data.get("old_source")
    if target is not None and not isinstance(target, str) or old_source is not None and not isinstance(old_source, str):
        abort(400, "'target' and 'old_source' must be strings or null")
    found, version = glossaries.set_term(
        db.session,
        project=project(),
        user=current_user,
        release=release,
        language=language,
        source=_string(data, "source", limit=400),
        target=target,
        version=_version(data),
        old_source=old_source,
    )
    return jsonify(glossaries.as_api(found, version, language))


@bp.post("/releases/<release>/<language>/glossary/delete")
@login_required
def glossary_delete(release: str, language: str):
    """Delete a term ({"source", "version"}); 409 when the glossary changed."""
    release, language = release_language(release, language)
    data = _json()
    found, version = glossaries.delete_term(
        db.session,
        project=project(),
        user=current_user,
        release=release,
        language=language,
        source=_string(data, "source", limit=400),
        version=_version(data),
    )
    return jsonify(glossaries.as_api(found, version, language))


@bp.get("/releases/<release>/<language>/catalog.po")
@login_required
def download_catalog(release: str, language: str):
    """Download the language's catalog for offline work, stamped with the version of every entry."""
    release, language = translator_language(release, language)
    name, data = offline.download(project(), release, language)
    return Response(
        data,
        mimetype="text/x-gettext-translation",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.post("/releases/<release>/<language>/upload")
@login_required
def upload_catalog(release: str, language: str):
    """Merge an uploaded catalog (multipart field "file") entry by entry; the report lists conflicts to resolve."""
    release, language = translator_language(release, language)
    upload = request.files.get("file")
    if upload is None:
        abort(400, "send the catalog as the multipart field 'file'")
    data = upload.stream.read(offline.MAX_UPLOAD_BYTES + 1)
    report = offline.upload(
        db.session, project=project(), user=current_user, release=release, language=language, data=data
    )
    db.session.commit()
    return jsonify(report.as_api())


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
    source, target = (
        _string(data, name, limit=seg.MAX_TRANSLATION_CHARS, nul=True) for name in ("source", "translation")
    )
    language, release = (_string(data, name, "", limit=seg.MAX_TRANSLATION_CHARS) for name in ("language", "release"))
    extra = project().extra_checks(release) if isinstance(release, str) and release in project().releases() else []
    return jsonify([r.as_dict() for r in run_checks(source, target, language=language, extra=extra)])


@bp.post("/releases/<release>/<language>/publish")
@login_required
def publish(release: str, language: str):
    """Publish a language; 409 while a segment is not approved."""
    release, language = release_language(release, language)
    pub = workflow.publish(session=db.session, project=project(), user=current_user, release=release, language=language)
    return jsonify(
        {
            "release": pub.release,
            "language": pub.language,
            "at": pub.at.isoformat(),
            "content_hash": pub.content_hash,
            "by": current_user.name,
        }
    )


@bp.post("/releases/<release>/pretranslate")
@login_required
def pretranslate(release: str):
    """Start machine pre-translation of some languages; coordinators only."""
    data = _json()
    proj = project()
    proj.require(release)
    languages = data.get("languages") or proj.languages(release)
    if isinstance(languages, str):
        languages = [languages]
    if not isinstance(languages, list) or not all(isinstance(c, str) for c in languages):
        abort(400, "'languages' must be a language code or a list of them")
    provider = data.get("provider") or settings().mt_provider
    if not isinstance(provider, str):
        abort(400, "'provider' must be a string")
    codes = [get_language(c).code for c in languages]
    from ..mt.jobs import start_pretranslation

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy, typed as Flask
    job_id = start_pretranslation(
        settings=settings(),
        session_factory=Database.factory(app),
        release=release,
        languages=codes,
        provider=provider,
        by=current_user,
    )
    return jsonify({"job": job_id}), 202


@bp.get(f"/jobs/<{_ID}:job_id>")
@login_required
def job(job_id: int):
    """Return the progress of a background job to coordinators and to the person who started it."""
    from ..mt.errors import JobError
    from ..mt.jobs import job_progress

    try:
        state = job_progress(db.session, job_id, viewer=current_user)
    except JobError:
        abort(404, "no such job")
    return jsonify(state)


# -- corrections after publication (issue 15) ---------------------------------------------------------


@bp.get("/releases/<release>/corrections")
@login_required
def corrections(release: str):
    """List the source changes waiting for a decision, once per segment, and each language's readiness."""
    from .. import corrections_workflow

    workflow.require_coordinator(current_user, "see corrections")
    proj = project()
    release = proj.require(release)
    changes = corrections_workflow.pending_changes(db.session, proj, release)
    readiness = corrections_workflow.readiness(db.session, proj, release)
    db.session.commit()
    return jsonify({"changes": [c.as_api() for c in changes], "languages": [vars(r) for r in readiness]})


@bp.post("/releases/<release>/corrections")
@login_required
def decide_corrections(release: str):
    """Apply {"decisions": {segment id: "wording" | "meaning"}} to every language of the release."""
    from .. import corrections_workflow
    from ..core.corrections import parse_decision

    workflow.require_coordinator(current_user, "decide what a source change means for translations")
    data = _json()
    decisions = data.get("decisions")
    if not isinstance(decisions, dict):
        abort(400, "'decisions' must be an object of segment ids and decisions")
    release = project().require(release)
    report = corrections_workflow.decide(
        db.session, project(), current_user, release, {str(k): parse_decision(v) for k, v in decisions.items()}
    )
    return jsonify(report.as_api())


@bp.post("/releases/<release>/republish")
@login_required
def republish(release: str):
    """Publish again every published language that is ready; {"notes": {language: errata note}} optional."""
    from .. import corrections_workflow

    workflow.require_coordinator(current_user, "republish")
    data = _json()
    notes = data.get("notes") or {}
    if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
        abort(400, "'notes' must be an object of language codes and texts")
    languages = data.get("languages")
    if languages is not None and (not isinstance(languages, list) or not all(isinstance(c, str) for c in languages)):
        abort(400, "'languages' must be a list of language codes")
    proj = project()
    release = proj.require(release)
    codes = [get_language(c).code for c in languages] if languages is not None else None
    report = corrections_workflow.republish(
        db.session,
        proj,
        current_user,
        release,
        notes={get_language(k).code: v for k, v in notes.items()},
        languages=codes,
    )
    return jsonify(report.as_api())


def _kit_state(release: str, job) -> dict:
    """Return a press kit job's progress, with its download address once the zip is there."""
    from ..presskit.jobs import kit_progress

    state = kit_progress(job)
    state["download"] = (
        url_for("api.presskit_download", release=release, job_id=job.id) if job.status == "done" else None
    )
    return state


@bp.post("/releases/<release>/presskit")
@login_required
def presskit_build(release: str):
    """Start building the press kit of the published languages (all, or `languages`); coordinators only."""
    from ..presskit.jobs import start_kit

    data = _json() if request.get_data() else {}  # no body: every published language
    languages = data.get("languages")
    if isinstance(languages, str):
        languages = [languages]
    if languages is not None and (not isinstance(languages, list) or not all(isinstance(c, str) for c in languages)):
        abort(400, "'languages' must be a language code or a list of them")
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy, typed as Flask
    job_id = start_kit(
        settings=settings(),
        session_factory=Database.factory(app),
        release=release,
        languages=languages or None,
        by=current_user,
        base_url=url_for("press.choose", release=release, _external=True),
    )
    return jsonify({"job": job_id, "status": url_for("api.presskit_status", release=release, job_id=job_id)}), 202


def _kit_job(release: str, job_id: int):
    from ..presskit.jobs import kit_job

    if not current_user.is_coordinator:
        abort(403, "only coordinators build press kits")
    job = kit_job(db.session, job_id, release)
    if job is None:
        abort(404, "no such press kit job")
    return job


@bp.get(f"/releases/<release>/presskit/<{_ID}:job_id>")
@login_required
def presskit_status(release: str, job_id: int):
    """Return the progress of a press kit job (one step per language)."""
    state = _kit_state(release, _kit_job(release, job_id))
    db.session.commit()
    return jsonify(state)


@bp.get(f"/releases/<release>/presskit/<{_ID}:job_id>/kit.zip")
@login_required
def presskit_download(release: str, job_id: int):
    """Download the zip a finished press kit job made."""
    from ..presskit.jobs import kit_path

    job = _kit_job(release, job_id)
    db.session.commit()
    path = kit_path(project(), release, job.id)
    if job.status != "done" or not path.is_file():
        abort(404, "this press kit is not ready")
    return Response(
        path.read_bytes(),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{release}-press-kit.zip"'},
    )
