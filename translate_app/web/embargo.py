"""Embargo on the web: the coordinator's embargo page, preview links for journalists, the API, the job's thread."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Blueprint, Flask, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import embargo
from ..core.errors import PermissionDeniedError, TranslateAppError
from ..core.languages import get_language
from ..models import as_utc
from . import api
from .access import coordinator_required, project
from .auth import ActionForm, flash_form_errors
from .extensions import Database, csrf, db

bp = Blueprint("embargo", __name__)
#: The embargo's JSON routes, nested in the API's blueprint (/api/..., endpoints api.embargo_api.*): the API's
#: authentication and CSRF rule apply, and they are part of the API that web/openapi.py describes.
api_bp = Blueprint("embargo_api", __name__)
api.bp.register_blueprint(api_bp)


class EmbargoForm(FlaskForm):
    """The embargo time: a date, a time and the IANA zone they are in."""

    date = DateField("Date", validators=[DataRequired()])
    time = TimeField("Time", validators=[DataRequired()])
    zone = SelectField("Time zone", validators=[DataRequired()])


class InviteForm(FlaskForm):
    """A person (login name) who may see the release before the embargo."""

    name = StringField("Login name", validators=[DataRequired(), Length(max=120)])


class PreviewForm(FlaskForm):
    """A preview link: one language or all, how many hours it stays open, a note."""

    language = SelectField("Language", validators=[Optional()])
    hours = IntegerField(
        "Open for (hours)",
        default=embargo.DEFAULT_PREVIEW_HOURS,
        validators=[DataRequired(), NumberRange(1, embargo.MAX_PREVIEW_HOURS)],
    )
    label = StringField("Note (who it is for)", validators=[Optional(), Length(max=embargo.MAX_LABEL)])


def _embargo_form(record=None, *, submitted: bool = False) -> EmbargoForm:
    """Return the embargo form: what was sent (submitted), else the embargo as it is."""
    form = EmbargoForm() if submitted else EmbargoForm(formdata=None)
    form.zone.choices = [(z, z) for z in embargo.zone_names()]
    if not submitted and record is not None:
        form.date.data, form.time.data = record.local.date(), record.local.time()
        form.zone.data = record.zone
    return form


def _preview_form(release: str, *, submitted: bool = True) -> PreviewForm:
    form = PreviewForm() if submitted else PreviewForm(formdata=None)
    form.language.choices = [("", "Every language")] + [
        (c, f"{get_language(c).english_name} ({c})") for c in project().languages(release)
    ]
    return form


# -- the coordinator's page ----------------------------------------------------------------------------


@bp.route("/coordinate/releases/<release>/embargo", methods=["GET", "POST"])
@coordinator_required
def manage(release: str):
    """Show and set a release's embargo, the people invited before it, and its preview links."""
    proj = project()
    release = proj.require(release)
    record = embargo.embargo_of(db.session, release)
    form = _embargo_form(record, submitted=request.method == "POST")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                at = embargo.parse_local(f"{form.date.data.isoformat()} {form.time.data:%H:%M}", form.zone.data)
                found = embargo.set_embargo(db.session, proj, release, at=at, zone=form.zone.data, by=current_user)
                db.session.commit()
                flash(found.describe() + ".", "ok")
                return redirect(_back(release))
            except TranslateAppError as exc:
                db.session.rollback()
                flash(str(exc), "error")
        else:
            flash_form_errors(form)
        status = 400
    return _page(release, form, status=status)


def panel(release: str, form: EmbargoForm | None = None, *, created: dict | None = None, back: str = "embargo"):
    """Return what the embargo sections show (embargo/_panel.html), on this page and on the release's page."""
    record = embargo.embargo_of(db.session, release)
    return {
        "release": release,
        "record": record,
        "active": record is not None and record.active(),
        "form": form or _embargo_form(record),
        "invite_form": InviteForm(formdata=None),
        "preview_form": _preview_form(release, submitted=False),
        "invited": embargo.invited(db.session, release),
        "previews": embargo.previews(db.session, release),
        "state": embargo.preview_state,
        "created": created,
        "now": embargo.clock.now(),
        "back": back,
    }


def _page(release: str, form: EmbargoForm, *, created: dict | None = None, status: int = 200):
    page = render_template(
        "embargo/manage.html", release=release, p=panel(release, form, created=created), action=ActionForm()
    )
    db.session.commit()
    return page, status


def _back(release: str, anchor: str = "") -> str:
    """Where a form of the embargo sections returns to: the release's page or this one."""
    if request.form.get("back") == "release":
        return url_for("coordinate.release", release=release) + "#embargo"
    return url_for("embargo.manage", release=release) + anchor


@bp.post("/coordinate/releases/<release>/embargo/clear")
@coordinator_required
def clear(release: str):
    """Lift the embargo now."""
    if not ActionForm().validate_on_submit():
        abort(400)
    embargo.clear_embargo(db.session, project(), project().require(release), by=current_user)
    db.session.commit()
    flash("Embargo cleared: the release is visible to the people of its languages and can be published.", "ok")
    return redirect(_back(release))


@bp.post("/coordinate/releases/<release>/embargo/people")
@coordinator_required
def invite(release: str):
    """Let one more person see the release before the embargo."""
    form = InviteForm()
    release = project().require(release)
    if form.validate_on_submit():
        try:
            user = embargo.invite(db.session, project(), release, form.name.data, by=current_user)
            db.session.commit()
            flash(f"{user.shown_name} may now see {release} before the embargo.", "ok")
        except TranslateAppError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    else:
        flash_form_errors(form)
    return redirect(_back(release, "#people"))


@bp.post("/coordinate/releases/<release>/embargo/people/<int:user_id>/remove")
@coordinator_required
def uninvite(release: str, user_id: int):
    """Take back one person's access before the embargo."""
    if not ActionForm().validate_on_submit():
        abort(400)
    embargo.uninvite(db.session, project().require(release), user_id, by=current_user)
    db.session.commit()
    flash("Removed.", "ok")
    return redirect(_back(release, "#people"))


@bp.post("/coordinate/releases/<release>/embargo/previews")
@coordinator_required
def create_preview(release: str):
    """Make a preview link; its address is shown once."""
    release = project().require(release)
    form = _preview_form(release)
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            link, token = embargo.create_preview(
                db.session,
                project(),
                release,
                language=form.language.data or None,
                hours=form.hours.data,
                label=form.label.data or "",
                by=current_user,
            )
            db.session.commit()
            created = {"url": url_for("embargo.preview", token=token, _external=True), "link": link}
            flash("Preview link created. Copy it now: it is shown only once.", "ok")
        except TranslateAppError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            status = 400
    else:
        flash_form_errors(form)
        status = 400
    return _page(release, _embargo_form(embargo.embargo_of(db.session, release)), created=created, status=status)


@bp.post("/coordinate/releases/<release>/embargo/previews/<int:link_id>/revoke")
@coordinator_required
def revoke_preview(release: str, link_id: int):
    """Close a preview link at once."""
    if not ActionForm().validate_on_submit():
        abort(400)
    embargo.revoke_preview(db.session, project().require(release), link_id, by=current_user)
    db.session.commit()
    flash(f"Preview link #{link_id} revoked.", "ok")
    return redirect(_back(release, "#previews"))


# -- the preview page: no login, a token ----------------------------------------------------------------

_BANNER_STYLE = (
    ".embargo-banner{background:#7a1f1f;color:#fff;padding:.8rem 1rem;font:600 1rem/1.4 system-ui,sans-serif;"
    "text-align:center}.embargo-banner nav{font-weight:400;margin-top:.3rem}"
    ".embargo-banner a{color:#fff;margin:0 .3rem}.embargo-banner a[aria-current]{font-weight:700}"
)


def _csp_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


@bp.get("/preview/<token>")
@bp.get("/preview/<token>/<language>")
def preview(token: str, language: str | None = None):
    """Show the current translation of an embargoed release to whoever holds an open preview link."""
    from ..core.compiler import PAGE_STYLE

    try:
        link = embargo.find_preview(db.session, token)
    except embargo.PreviewClosedError as exc:
        db.session.commit()
        return render_template("embargo/closed.html", message=str(exc)), 410, {"X-Robots-Tag": "noindex"}
    proj = project()
    languages = [link.language] if link.language else proj.languages(link.release)
    if not languages:
        abort(404)
    code = get_language(language).code if language else languages[0]
    if code not in languages:
        abort(404)
    record = embargo.embargo_of(db.session, link.release)
    db.session.commit()
    if record is not None and record.active():
        notice = "Preview — under embargo until " + record.describe().removeprefix("Embargoed until ")
    else:
        notice = "Preview — not yet published"
    html = embargo.preview_html(proj, link.release, code)
    switch = ""
    if len(languages) > 1:
        items = [
            f'<a href="{url_for("embargo.preview", token=token, language=c)}" lang="{c}"'
            + (' aria-current="page"' if c == code else "")
            + f">{_escape(get_language(c).native_name)}</a>"
            for c in languages
        ]
        switch = f'<nav aria-label="Languages">{" ".join(items)}</nav>'
    banner = f'<div class="embargo-banner" role="note" dir="ltr" lang="en">{_escape(notice)}{switch}</div>'
    html = html.replace("<head>\n", '<head>\n<meta name="robots" content="noindex">\n', 1)
    html = html.replace("</head>", f"<style>{_BANNER_STYLE}</style>\n</head>", 1)
    html = re.sub(r"<body>\n", lambda _: f"<body>\n{banner}\n", html, count=1)
    policy = (
        f"default-src 'none'; style-src {_csp_hash(PAGE_STYLE)} {_csp_hash(_BANNER_STYLE)}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return (
        html,
        200,
        {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": policy,
            "X-Robots-Tag": "noindex",
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


# -- the API -----------------------------------------------------------------------------------------


@api_bp.get("/releases/<release>/embargo")
@login_required
def api_get(release: str):
    """Return a release's embargo (null when it has none); coordinators only."""
    if not current_user.is_coordinator:
        raise PermissionDeniedError("only coordinators see a release's embargo")
    release = project().require(release)
    record = embargo.embargo_of(db.session, release)
    body = {"release": release, "embargo": record.as_api() if record else None}
    db.session.commit()
    return jsonify(body)


@api_bp.put("/releases/<release>/embargo")
@login_required
def api_put(release: str):
    """Set ({"at": "2026-12-02 09:00", "zone": "Europe/Berlin"}) or clear ({"at": null}) a release's embargo."""
    if not current_user.is_coordinator:
        raise PermissionDeniedError("only coordinators set an embargo")
    release = project().require(release)
    data = api._json()  # a JSON object, without text no file or database can store
    if "at" not in data:
        abort(400, 'expected {"at": "YYYY-MM-DD HH:MM" or null, "zone": "Europe/Berlin"}')
    at, zone = data.get("at"), data.get("zone", "UTC")
    if (at is not None and not isinstance(at, str)) or not isinstance(zone, str):
        abort(400, "'at' must be a string or null and 'zone' a string")
    if len(zone) > 64 or (at is not None and len(at) > 40) or "\x00" in zone + (at or ""):
        abort(400, "'at' has at most 40 characters and 'zone' 64, without NUL")
    zone = zone or "UTC"
    if at is None:
        embargo.clear_embargo(db.session, project(), release, by=current_user)
        db.session.commit()
        return jsonify({"release": release, "embargo": None})
    when = embargo.parse_local(at, zone) if "+" not in at and not at.endswith("Z") else _aware(at)
    found = embargo.set_embargo(db.session, project(), release, at=when, zone=zone, by=current_user)
    db.session.commit()
    return jsonify({"release": release, "embargo": found.as_api()})


def _aware(text: str):
    from datetime import UTC, datetime

    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00"))).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise embargo.EmbargoError(f"give the embargo time as YYYY-MM-DD HH:MM, not {text!r}") from exc


# -- helpers for other pages, and the job's thread ---------------------------------------------------


@bp.app_context_processor
def _helpers():
    def embargo_of(release: str):
        return embargo.active_embargo(db.session, release)

    def embargo_panel(release: str):
        return panel(release, back="release")

    return {"embargo_of": embargo_of, "embargo_panel": embargo_panel}


def worker(app: Flask | None = None) -> embargo.EmbargoWorker:
    """Return this process's embargo worker of the app, made on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy, typed as Flask
    if "translate_app.embargo_worker" not in app.extensions:
        app.extensions["translate_app.embargo_worker"] = embargo.EmbargoWorker(
            app.config["SETTINGS"], Database.factory(app)
        )
    return app.extensions["translate_app.embargo_worker"]


@bp.before_app_request
def _start() -> None:
    """Start the embargo thread on a process's first request, for the reason web/sync.py gives (fork).

    Any request starts it (a health check, the login page): nobody needs to be
    logged in. `translate-app serve` also starts it in each worker after the
    fork (web/serve.py). Tests run the job themselves; EMBARGO_THREAD=False keeps it off.
    """
    if not (current_app.testing or current_app.config.get("EMBARGO_THREAD") is False or worker().alive()):
        worker().start()


def register(app: Flask) -> None:
    """Register the embargo's pages (its API comes with the API's blueprint, imported before it is registered)."""
    app.register_blueprint(bp)
    csrf.exempt(api_bp)  # as the API: CSRF checked by api's before_request for session users
