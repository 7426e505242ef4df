"""Coordinators' pages: releases, deadlines, pre-translation, publishing, volunteers."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import accounts, workflow
from ..core.errors import TranslateAppError
from ..core.languages import all_languages, get_language, parse_language_list
from ..core.segmenter import decode_source
from ..models import ROLES, AuditLog, User
from .access import coordinator_required, project, release_language, settings
from .extensions import db

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")


class ActionForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""


class NewReleaseForm(FlaskForm):
    """Upload a Markdown file or pick one from source/, choose languages and a deadline."""

    upload = FileField("Markdown file", validators=[FileAllowed(["md", "markdown"], "Only Markdown (.md) files")])
    existing = SelectField("…or a file already in source/", choices=[], validate_choice=False)
    languages = StringField("Languages", validators=[DataRequired()])
    deadline = DateField("Deadline", validators=[Optional()])


class ReleaseSettingsForm(FlaskForm):
    """Title, deadline and review policy of a release."""

    title = StringField("Title", validators=[Length(max=300)])
    deadline = DateField("Deadline", validators=[Optional()])
    self_review = BooleanField("Allow reviewers to approve their own translations")


class LanguagesForm(FlaskForm):
    """Languages to add to a release."""

    languages = StringField("Languages", validators=[DataRequired()])


class InviteForm(FlaskForm):
    """Invite a volunteer."""

    name = StringField("Name", validators=[DataRequired(), Length(min=2, max=80)])
    role = SelectField("Role", choices=[SelectChoice(r, r) for r in ROLES])
    languages = StringField("Languages", validators=[Optional()])


class UserForm(FlaskForm):
    """Change a volunteer's role, languages or access."""

    role = SelectField("Role", choices=[SelectChoice(r, r) for r in ROLES])
    languages = StringField("Languages", validators=[Optional()])
    active = BooleanField("Active")


def _language_choices() -> list[tuple[str, str]]:
    return [(lang.code, f"{lang.english_name} — {lang.native_name}") for lang in all_languages()]


@bp.route("/")
@coordinator_required
def overview():
    """Show every release, its languages' progress and deadline risk, and recent activity."""
    proj = project()
    releases = [(workflow.release_record(db.session, proj, n), workflow.progress(db.session, proj, n))
                for n in proj.releases()]
    activity = db.session.execute(
        select(User.name, AuditLog.release, AuditLog.language, func.count(AuditLog.id), func.max(AuditLog.at))
        .join(User, AuditLog.user_id == User.id)
        .group_by(User.name, AuditLog.release, AuditLog.language)
        .order_by(func.max(AuditLog.at).desc()).limit(50)
    ).all()
    db.session.commit()
    return render_template("coordinate/overview.html", releases=releases, activity=activity, today=date.today())


@bp.route("/releases/new", methods=["GET", "POST"])
@coordinator_required
def new_release():
    """Add a release from an upload or from source/, with its languages and deadline."""
    proj = project()
    form = NewReleaseForm()
    registered = set()
    for name in proj.releases():
        if proj.languages(name):
            registered.add(name)
    form.existing.choices = [SelectChoice("", "—")] + [SelectChoice(n, f"source/{n}.md") for n in proj.releases()
                                                        if n not in registered]
    if form.validate_on_submit():
        try:
            codes = parse_language_list(form.languages.data)
            if form.upload.data:
                name = _add_upload(form.upload.data, codes)
            elif form.existing.data:
                name = proj.add_release(proj.source_path(form.existing.data), codes)
            else:
                raise TranslateAppError("upload a Markdown file or pick one from source/")
        except TranslateAppError as exc:
            flash(str(exc), "error")
            return render_template("coordinate/new_release.html", form=form, languages=_language_choices()), 400
        rel = workflow.register_release(db.session, proj, name)
        rel.deadline = form.deadline.data
        db.session.commit()
        flash(f"Release {name} added with {len(codes)} languages.", "ok")
        return redirect(url_for("coordinate.release", release=name))
    status = 400 if request.method == "POST" else 200
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")
    return render_template("coordinate/new_release.html", form=form, languages=_language_choices()), status


def _add_upload(upload, codes: list[str]) -> str:
    """Check an uploaded Markdown file and register it as a release."""
    filename = Path(upload.filename or "").name
    data = upload.read(settings().max_source_bytes + 1)
    if len(data) > settings().max_source_bytes:
        raise TranslateAppError(f"{filename}: larger than {settings().max_source_bytes} bytes")
    decode_source(data, filename)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / filename
        path.write_bytes(data)
        return project().add_release(path, codes)


@bp.route("/releases/<release>", methods=["GET", "POST"])
@coordinator_required
def release(release: str):
    """Show one release: languages, progress, publications, pre-translation, settings."""
    proj = project()
    rel = workflow.release_record(db.session, proj, release)
    form = ReleaseSettingsForm(obj=rel)
    if form.validate_on_submit():
        rel = workflow.register_release(db.session, proj, release)
        rel.title = form.title.data.strip() or rel.title
        rel.deadline = form.deadline.data
        rel.self_review = form.self_review.data
        db.session.commit()
        flash("Release settings saved.", "ok")
        return redirect(url_for("coordinate.release", release=release))
    from ..mt.jobs import latest_job, provider_choices

    progress = workflow.progress(db.session, proj, release)
    providers = provider_choices(settings())
    last_job = latest_job(db.session, release)
    db.session.commit()
    return render_template(
        "coordinate/release.html", release=rel, progress=progress, form=form, action=ActionForm(),
        languages_form=LanguagesForm(), language_choices=_language_choices(),
        providers=providers, default_provider=settings().mt_provider, last_job=last_job,
    )


@bp.post("/releases/<release>/languages")
@coordinator_required
def add_languages(release: str):
    """Add target languages to a release."""
    form = LanguagesForm()
    if not form.validate_on_submit():
        abort(400, "choose at least one language")
    codes = parse_language_list(form.languages.data)
    project().update(project().require(release), add_languages=codes)
    flash(f"Added {', '.join(codes)}.", "ok")
    return redirect(url_for("coordinate.release", release=release))


@bp.post("/releases/<release>/update")
@coordinator_required
def update(release: str):
    """Re-extract a corrected source and merge it into every language."""
    if not ActionForm().validate_on_submit():
        abort(400)
    project().update(project().require(release))
    flash("Source re-read; changed segments now need review.", "ok")
    return redirect(url_for("coordinate.release", release=release))


@bp.post("/releases/<release>/<language>/publish")
@coordinator_required
def publish(release: str, language: str):
    """Publish a fully approved language."""
    if not ActionForm().validate_on_submit():
        abort(400)
    release, language = release_language(release, language)
    try:
        workflow.publish(session=db.session, project=project(), user=current_user, release=release, language=language)
        flash(f"{get_language(language).english_name} published.", "ok")
    except TranslateAppError as exc:
        flash(str(exc), "error")
    return redirect(url_for("coordinate.release", release=release))


@bp.get("/releases/<release>/<language>/published.<fmt>")
@coordinator_required
def download(release: str, language: str, fmt: str):
    """Download the latest publication of a language as Markdown or HTML."""
    release, language = release_language(release, language)
    if fmt not in ("md", "html"):
        abort(404)
    pub = workflow.latest_publication(db.session, release, language)
    if pub is None:
        abort(404, "this language has not been published")
    body = pub.markdown if fmt == "md" else pub.html
    mimetype = "text/markdown" if fmt == "md" else "text/html"
    return Response(body, mimetype=mimetype,  # Werkzeug adds "; charset=utf-8" to text types
                    headers={"Content-Disposition": f'attachment; filename="{release}.{language}.{fmt}"'})


@bp.get("/releases/<release>/published.zip")
@coordinator_required
def download_zip(release: str):
    """Download every published language of a release as one zip."""
    data = workflow.published_zip(db.session, project(), project().require(release))
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{release}.zip"'})


@bp.route("/users", methods=["GET", "POST"])
@coordinator_required
def users():
    """List volunteers and invite new ones."""
    form = InviteForm()
    link = None
    if form.validate_on_submit():
        try:
            codes = parse_language_list(form.languages.data) if form.languages.data else []
            token = accounts.create_invitation(db.session, name=form.name.data.strip(), role=form.role.data,
                                               languages=codes, created_by=current_user)
            db.session.commit()
            link = url_for("auth.accept_invitation", token=token, _external=True)
            flash(f"Invitation for {form.name.data} created; send them the link below.", "ok")
        except TranslateAppError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    people = db.session.scalars(select(User).order_by(User.name)).all()
    forms = {u.id: UserForm(prefix=f"u{u.id}", role=u.role, languages=",".join(u.languages), active=u.active)
             for u in people}
    return render_template("coordinate/users.html", form=form, people=people, forms=forms, link=link,
                           language_choices=_language_choices())


@bp.post("/users/<int:user_id>")
@coordinator_required
def edit_user(user_id: int):
    """Change a volunteer's role, languages or access."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        abort(400, "invalid form")
    if user.id == current_user.id and (form.role.data != "coordinator" or not form.active.data):
        flash("You cannot remove your own coordinator access.", "error")
        return redirect(url_for("coordinate.users"))
    try:
        accounts.set_languages(user, parse_language_list(form.languages.data) if form.languages.data else [])
    except TranslateAppError as exc:
        flash(str(exc), "error")
        return redirect(url_for("coordinate.users"))
    user.role = form.role.data
    user.active = form.active.data
    db.session.commit()
    flash(f"{user.name} updated.", "ok")
    return redirect(url_for("coordinate.users"))
