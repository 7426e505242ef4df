"""Git sync on the web: the coordinator's "Sync now", the push webhook, and the status for the page."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user

from ..gitsync.repo import GitError
from ..gitsync.scheduler import SyncScheduler
from ..gitsync.service import merge_conflicts
from ..gitsync.webhook import WebhookRefusedError, pushed_branch, verify
from .access import coordinator_required, settings
from .extensions import csrf, db

bp = Blueprint("sync", __name__)


def scheduler(app: Flask | None = None) -> SyncScheduler:
    """Return the app's sync scheduler, made on first use."""
    from .extensions import Database

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's target
    found = app.extensions.get("translate_app.git_scheduler")
    if found is None:
        found = app.extensions["translate_app.git_scheduler"] = SyncScheduler(
            app.config["SETTINGS"], Database.factory(app)
        )
    return found


@bp.before_app_request
def _start() -> None:
    """Start this process's scheduler thread on its first request, when automatic sync is on (not under tests).

    On the first request rather than in the factory: a server that preloads the
    app forks its workers after the factory ran, and threads do not survive a fork.
    """
    app = current_app
    if not app.config["SETTINGS"].git_sync or app.testing:
        return
    sched = scheduler()
    if sched.alive() or app.extensions.get("translate_app.git_not_a_clone"):
        return
    if sched.sync.repo.is_clone():
        sched.start()
    else:
        app.extensions["translate_app.git_not_a_clone"] = True  # asked once, not on every request


@bp.route("/coordinate/sync", methods=["POST"])
@coordinator_required
def sync_now():
    """Ask for a sync now; it runs in the background and the page shows its outcome."""
    sched = scheduler()
    if not sched.sync.repo.is_clone():
        abort(409, "the project folder is not a git clone")
    sched.request(f"asked by {current_user.name}")
    flash("Sync started. Saving goes on meanwhile; reload this page to see the outcome.", "ok")
    return redirect(url_for("coordinate.overview") + "#git-sync")


@bp.route("/hooks/git", methods=["POST"])
@csrf.exempt
def webhook():
    """Pull when the forge says the branch moved (GitHub, Gitea or GitLab push webhook)."""
    secret = settings().git_webhook_secret
    if not secret:
        abort(404)
    body = request.get_data(cache=False)
    try:
        forge = verify(request.headers, body, secret)
    except WebhookRefusedError as exc:
        return jsonify({"error": str(exc)}), 403
    sched = scheduler()
    branch = pushed_branch(body)
    try:
        wanted = sched.sync.repo.upstream(settings().git_remote, settings().git_branch)[1]
    except GitError as exc:
        return jsonify({"error": str(exc)}), 409
    if branch is not None and branch != wanted:
        return jsonify({"status": "ignored", "reason": f"a push to {branch}, not {wanted}"}), 202
    sched.request(f"{forge} webhook")
    return jsonify({"status": "sync requested"}), 202


@bp.after_app_request
def _after_publish(response):
    """Ask for a sync after a successful publish, when the settings say so."""
    if (
        request.endpoint == "coordinate.publish"
        and request.method == "POST"
        and response.status_code < 400
        and settings().git_commit_on_publish
        and settings().git_sync
    ):
        flashes = session.get("_flashes") or []  # the view says how it went in its flash, not its status
        if flashes and flashes[-1][0] == "ok":
            scheduler().request("publish")
    return response


@bp.app_context_processor
def _status_helper():
    return {"git_sync_status": sync_status}


def _source_text(release: str, language: str, segment_id: str) -> str:
    """Return the source text of a segment, or "" when it is gone."""
    from ..core.catalog import find_entry
    from ..core.errors import TranslateAppError

    try:
        entry = find_entry(settings().project().load_catalog(release, language), segment_id)
    except TranslateAppError:
        return ""
    return entry.msgid if entry is not None else ""


def sync_status() -> dict | None:
    """Return what the coordinator's page shows about git, or None when the folder is not a clone."""
    sched = scheduler()
    service = sched.sync
    if not service.repo.is_clone():
        return None
    state = service.state.load()
    try:
        remote, branch = service.repo.upstream(settings().git_remote, settings().git_branch)
        if settings().git_push == "pull-request":  # pushed to the translation branches, not to the branch
            pushed = state.get("last_pushed") or f"refs/remotes/{remote}/{branch}"
        else:
            pushed = f"refs/remotes/{remote}/{branch}"
        ahead = service.repo.text("rev-list", "--count", "--no-merges", f"{pushed}..HEAD", check=False)
    except GitError as exc:
        remote, branch, ahead = None, None, ""
        state.setdefault("last_error", str(exc))
    conflicts = [
        {
            "release": p.release,
            "language": p.language,
            "text": p.text,
            "at": p.at,
            "source": _source_text(p.release, p.language, p.segment_id),
        }
        for p in merge_conflicts(db.session, limit=50)
    ]
    db.session.commit()
    return {
        "automatic": settings().git_sync,
        "remote": remote,
        "branch": branch,
        "state": state,
        "pending": service.pending_changes()["changes"],
        "unpushed": int(ahead) if ahead.isdigit() else None,
        "running": sched.running or bool(state.get("requested")),
        "conflicts": conflicts,
        "push": settings().git_push,
        "translation_prefix": settings().git_translation_branch_prefix,
    }
