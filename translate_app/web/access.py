"""Who is asking: session users, bearer tokens, and the checks every view makes."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user, login_required

from ..config import Settings
from ..core.errors import UnknownReleaseError
from ..core.languages import get_language
from ..models import User
from ..project import Project
from .extensions import db, login_manager


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user and user.active else None


@login_manager.request_loader
def _load_user_from_token(req):
    """Return the TokenUser of a bearer token, or None."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from ..accounts import user_for_token

    # A connection of its own rather than the request's session: a script's
    # save needs nothing else from the database in this thread.
    user = user_for_token(db.lookup_engine(), header[7:].strip())
    g.token_user = user  # remembered: only a token that logged the caller in exempts from CSRF
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    from flask import jsonify, redirect, url_for

    if request.path.startswith("/api/"):
        return jsonify({"error": "authentication required"}), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))  # no stray "?" without a query


def settings() -> Settings:
    """Return the settings of the running app."""
    return current_app.config["SETTINGS"]


def project() -> Project:
    """Return the project the app serves."""
    return settings().project()


def release_language(release: str, language: str) -> tuple[str, str]:
    """Check that a release and one of its languages exist; 404 otherwise."""
    code = get_language(language).code
    proj = project()
    proj.require(release)
    visible_release(release)
    if not proj.catalog_path(release, code).is_file():
        raise UnknownReleaseError(f"release {release!r} has no language {code!r}")
    return release, code


def visible_release(release: str) -> str:
    """404 for a release under embargo that the person asking was not invited to (as if it did not exist)."""
    from ..embargo import require_visible

    if current_user.is_authenticated:
        require_visible(db.session, current_user, release)
    return release


def translator_language(release: str, language: str) -> tuple[str, str]:
    """Check release and language like release_language, and that the user works on it (403; suggesters too)."""
    from ..workflow import require_member

    release, code = release_language(release, language)
    require_member(current_user, code)
    return release, code


def coordinator_required(view):
    """Let only active coordinators through."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_coordinator:
            abort(403, "this page is for coordinators")
        return view(*args, **kwargs)

    return wrapped


def uses_bearer_token() -> bool:
    """Say whether the caller was authenticated by a valid API token (no CSRF needed).

    Any `Authorization: Bearer` header is not enough: a session request carrying
    a made-up token is still a session request and must send the CSRF token.
    """
    token_user = g.get("token_user")
    return token_user is not None and current_user.is_authenticated and current_user._get_current_object() is token_user
