"""The Flask application factory."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from .config import Settings
from .core.errors import (
    CatalogBusyError,
    CatalogError,
    LanguageError,
    MalformedCatalogError,
    NotApprovedError,
    PermissionDeniedError,
    ReleaseNameError,
    StaleVersionError,
    StorageError,
    StorageFullError,
    TranslateAppError,
    UnknownReleaseError,
    public_message,
)
from .core.segments import UnknownSegmentError
from .web.extensions import csrf, db, login_manager


def create_app(config: dict | None = None) -> Flask:
    """Create the app from TRANSLATE_APP_* settings, overridden by `config` (for tests)."""
    settings = config["SETTINGS"] if config and "SETTINGS" in config else Settings.from_env()
    app = Flask(
        __name__, instance_path=str(settings.instance_dir), template_folder="web/templates", static_folder="web/static"
    )
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        MAX_CONTENT_LENGTH=settings.max_source_bytes + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        AUTO_MIGRATE=True,
    )
    if config:
        app.config.update({k: v for k, v in config.items() if k != "SETTINGS"})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.resolved_secret_key()
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = settings.resolved_database_url()
    if app.config["AUTO_MIGRATE"]:
        from .db import upgrade

        upgrade(app.config["DATABASE_URL"])

    if settings.trusted_proxies:
        # Behind N reverse proxies: the client's address, scheme and host are the
        # ones the proxies saw (login throttling, invitation links, Secure cookies).
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap it
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n
        )

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."

    from .web import api, auth, coordinate, review
    from .web import embargo as embargo_pages  # before the API is registered: its JSON routes are nested in it

    # First of all: a session cookie counts only while its person's session generation is unchanged.
    app.before_request(auth.check_session)
    app.register_blueprint(auth.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(coordinate.bp)
    app.register_blueprint(api.bp)
    from .web import links  # share links; keeps link people inside their release and languages

    app.register_blueprint(links.bp)
    from .web import sync as git_sync  # the coordinator's "Sync now", the push webhook (see gitsync/)

    app.register_blueprint(git_sync.bp)
    from .web import notify  # each person's notification settings; starts this process's delivery thread

    app.register_blueprint(notify.bp)
    from .web import partners as partner_pages  # partners' translations, the memory as TMX

    app.register_blueprint(partner_pages.bp)
    embargo_pages.register(app)  # the embargo page, preview links and the job's thread
    from .web import press  # public press pages of published languages, no login

    app.register_blueprint(press.bp)
    csrf.exempt(api.bp)  # the API checks CSRF itself for session users; bearer tokens need none
    _register_errors(app)
    _register_cli(app)
    from flask_compress import Compress

    from .web import assets

    Compress(app)  # gzip/brotli for pages, CSS, JS and JSON of 500 bytes or more
    assets.init_app(app)  # static URLs carry a content hash and are cached for a year

    policy = content_security_policy()
    preview_policy = content_security_policy(preview=True)
    hsts = settings.secure_cookies

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # The preview page carries the published page's own <style> (allowed by its hash, nothing else).
        response.headers.setdefault(
            "Content-Security-Policy", preview_policy if request.endpoint == "review.preview" else policy
        )
        if hsts:  # Secure cookies mean the service is reached over HTTPS only: browsers should never try HTTP
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return app


def content_security_policy(*, preview: bool = False) -> str:
    """Return the Content-Security-Policy: only this site's scripts, styles, images (and data: images), forms.

    No inline styles or scripts, no <base> and no form posting elsewhere. The
    live preview additionally allows the two fixed <style> elements it embeds,
    by their SHA-256 hash.
    """
    style = "'self'"
    if preview:
        style += "".join(f" '{digest}'" for digest in _preview_style_hashes())
    return (
        "default-src 'self'; img-src 'self' data:; style-src " + style + "; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )


def _preview_style_hashes() -> list[str]:
    """Return the CSP hashes of the <style> elements the live preview embeds."""
    import base64
    import hashlib

    from .core.compiler import PAGE_STYLE
    from .web.review import _PREVIEW_STYLE

    bodies = [PAGE_STYLE] + re.findall(r"<style>(.*?)</style>", _PREVIEW_STYLE, re.S)
    return ["sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in bodies]


_STATUS = {
    UnknownReleaseError: 404,
    UnknownSegmentError: 404,
    LanguageError: 404,
    ReleaseNameError: 400,
    StaleVersionError: 409,
    NotApprovedError: 409,
    # Faults of the server, not of the request: 5xx, so that clients and proxies retry or alert.
    StorageFullError: 507,
    StorageError: 503,
    CatalogBusyError: 503,
    MalformedCatalogError: 500,
    CatalogError: 500,
}


def _status_for(exc: Exception) -> int:
    from .accounts import TooManyAttemptsError

    if isinstance(exc, PermissionDeniedError):
        return 403
    if isinstance(exc, TooManyAttemptsError):
        return 429
    for cls, code in _STATUS.items():
        if isinstance(exc, cls):
            return code
    return 400


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_errors(app: Flask) -> None:
    """Turn domain errors and HTTP errors into JSON for the API and pages for people."""

    @app.errorhandler(TranslateAppError)
    def _domain_error(exc: TranslateAppError):
        code = _status_for(exc)
        message = public_message(str(exc), app.config["SETTINGS"].root)
        if code >= 500:
            app.logger.warning("%s %s: %s", request.method, request.path, exc)
        if _wants_json():
            body = {"error": message}
            current = getattr(exc, "current", None)
            if current is not None:
                body["current"] = current.as_api()
            return jsonify(body), code
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        if _wants_json():
            return jsonify({"error": f"CSRF check failed: {exc.description}"}), 400
        message = "The form expired or was sent twice; reload the page and try again."
        return render_template("error.html", code=400, message=message), 400

    for code, message in (
        (400, "Bad request"),
        (401, "Please log in"),
        (403, "You may not do this"),
        (404, "Not found"),
        (405, "Method not allowed"),
        (413, "The upload is too large"),
        (429, "Too many requests"),
    ):

        def handler(exc, code=code, message=message):
            text = getattr(exc, "description", None) or message
            if _wants_json():
                return jsonify({"error": text}), code
            return render_template("error.html", code=code, message=text), code

        app.register_error_handler(code, handler)


def _register_cli(app: Flask) -> None:
    """Make every translate-app command reachable as `flask --app wsgi ...`."""
    from .cli import all_commands

    for name, command in all_commands().items():
        if name not in app.cli.commands:
            app.cli.add_command(command, name)
