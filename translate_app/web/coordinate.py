"""Coordinators' pages: releases, deadlines, pre-translation, publishing, volunteers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import accounts, notifications, workflow
from ..core.errors import TranslateAppError
from ..core.languages import COMMON_LANGUAGES, get_language, language_names, parse_language_list, picker_languages
from ..embargo import EmbargoedError
from ..models import ROLES, AuditLog, Invitation, NotificationSettings, User, as_utc
from . import uploads
from .access import coordinator_required, project, release_language, settings
from .auth import require_button
from .extensions import db

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")
INVITATION_DAYS = 7


class ActionForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""


class NewReleaseForm(FlaskForm):
    """Upload a Markdown file or pick one from source/, choose languages and a deadline."""

    upload = FileField(
        "Markdown file", validators=[FileAllowed(["md", "markdown"], "Only Markdown files (.md or .markdown)")]
    )
    kept = HiddenField()  # token of an upload kept from an earlier attempt (see uploads.py)
    existing = SelectField("…or a file already in source/", choices=[], validate_choice=False)
    title = StringField("Title", validators=[Length(max=300)])
    languages = StringField("Languages", validators=[DataRequired("Choose at least one language.")])
    deadline = DateField("Deadline", validators=[Optional()])


class ReleaseSettingsForm(FlaskForm):
    """Title, deadline and review policy of a release."""

    title = StringField("Title", validators=[Length(max=300)])
    deadline = DateField("Deadline", validators=[Optional()])
    self_review = BooleanField("Allow reviewers to approve their own translations")


class LanguagesForm(FlaskForm):
    """Languages to add to a release."""

    languages = StringField("Languages", validators=[DataRequired("Choose at least one language.")])


class InviteForm(FlaskForm):
    """Invite a volunteer."""

    display_name = StringField("Name as others see it", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)])
    name = StringField("Login name", validators=[Optional(), Length(max=80)])
    role = SelectField("Role", choices=[SelectChoice(r, r) for r in ROLES], default="translator")
    languages = StringField("Languages", validators=[Optional()])
    email = StringField("E-mail the link to", validators=[Optional(), Length(max=254)])


class UserForm(FlaskForm):
    """Change a volunteer's display name, role, languages or access."""

    display_name = StringField("Display name", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)])
    role = SelectField("Role", choices=[SelectChoice(r, r) for r in ROLES])
    languages = StringField("Languages", validators=[Optional()])
    active = BooleanField("Active")
    limited = BooleanField("Only the release they came in for")


@bp.app_template_filter("utc")
def utc_time(value: datetime | None) -> Markup:
    """Show a stored time with its time zone: '2026-11-30 05:03 UTC' in a <time> element."""
    if value is None:
        return Markup("")
    value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return Markup('<time datetime="{}">{} UTC</time>').format(
        value.isoformat(timespec="seconds").replace("+00:00", "Z"), value.strftime("%Y-%m-%d %H:%M")
    )


@bp.app_template_filter("language_names")
def _language_names(codes) -> str:
    """Show language codes ('fr,uk' or a list) as names ('French, Ukrainian')."""
    return language_names(codes)


@bp.get("/languages.json")
@coordinator_required
def languages_json():
    """Return every language for the pickers: common ones first, then by English name."""
    common = set(COMMON_LANGUAGES)
    response = jsonify(
        [
            {
                "code": lang.code,
                "name": lang.english_name,
                "native": lang.native_name,
                "dir": lang.direction,
                "common": lang.code in common,
            }
            for lang in picker_languages()
        ]
    )
    response.cache_control.private = True
    response.cache_control.max_age = 86400
    return response


@bp.route("/")
@coordinator_required
def overview():
    """Show every release, its languages' progress and deadline risk, and recent activity."""
    today = date.today()
    releases = [(r.record, r.languages) for r in workflow.visible_releases(db.session, project(), current_user, today)]
    activity = db.session.execute(
        select(
            func.coalesce(User.display_name, User.name),
            AuditLog.release,
            AuditLog.language,
            func.count(AuditLog.id),
            func.max(AuditLog.at),
        )
        .join(User, AuditLog.user_id == User.id)
        .group_by(User.id, User.display_name, User.name, AuditLog.release, AuditLog.language)
        .order_by(func.max(AuditLog.at).desc())
        .limit(50)
    ).all()
    db.session.commit()
    return render_template("coordinate/overview.html", releases=releases, activity=activity, today=today)


@bp.route("/releases/new", methods=["GET", "POST"])
@coordinator_required
def new_release():
    """Add a release from an upload or from source/, with its title, languages and deadline."""
    proj = project()
    form = NewReleaseForm()
    form.existing.choices = [SelectChoice("", "—")] + [
        SelectChoice(n, f"source/{n}.md") for n in workflow.unregistered_sources(proj)
    ]
    if request.method != "POST":
        return render_template("coordinate/new_release.html", form=form, kept=None)
    valid = form.validate_on_submit()
    kept = None
    try:
        if "csrf_token" not in form.errors and "upload" not in form.errors:
            kept = _kept_upload(form)
        if valid:
            codes = parse_language_list(form.languages.data)
            source = kept or (proj.source_path(form.existing.data) if form.existing.data else None)
            name = workflow.add_release(
                db.session, proj, source, codes, title=form.title.data, deadline=form.deadline.data
            ).name
            db.session.commit()
            if kept is not None:
                uploads.discard(settings().instance_dir, current_user.id, form.kept.data)
            notifications.release_added(db.session, name, codes, actor=current_user)
            flash(
                f"Release {name} added in {len(codes)} language{'s' if len(codes) != 1 else ''}: "
                f"{language_names(codes)}.",
                "ok",
            )
            return redirect(url_for("coordinate.release", release=name))
    except TranslateAppError as exc:
        flash(str(exc), "error")
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")
    return render_template("coordinate/new_release.html", form=form, kept=kept.name if kept else None), 400


def _kept_upload(form: NewReleaseForm) -> Path | None:
    """Keep a newly uploaded Markdown file (or find the one kept from an earlier attempt) and return its path."""
    root, user_id = settings().instance_dir, current_user.id
    upload = form.upload.data
    if upload and upload.filename:
        filename, data = uploads.checked_source(upload.filename, upload, settings().max_source_bytes)
        uploads.discard(root, user_id, form.kept.data)
        form.kept.data = uploads.keep(root, user_id, filename, data)
    return uploads.find(root, user_id, form.kept.data)


@bp.route("/releases/<release>", methods=["GET", "POST"])
@coordinator_required
def release(release: str):
    """Show one release: languages, progress, publications, pre-translation, settings."""
    proj = project()
    rel = workflow.release_record(db.session, proj, release)
    form = ReleaseSettingsForm(obj=rel)
    if form.validate_on_submit():
        workflow.change_release(
            db.session,
            proj,
            release,
            title=form.title.data,
            deadline=form.deadline.data,
            self_review=form.self_review.data,
        )
        db.session.commit()
        flash("Release settings saved.", "ok")
        return redirect(url_for("coordinate.release", release=release))
    from .. import corrections_workflow
    from ..mt.jobs import latest_job, provider_choices
    from ..presskit.jobs import latest_kit

    progress = workflow.progress(db.session, proj, release)
    providers = provider_choices(settings())
    last_job = latest_job(db.session, release)
    db.session.commit()
    return render_template(
        "coordinate/release.html",
        release=rel,
        progress=progress,
        form=form,
        action=ActionForm(),
        languages_form=LanguagesForm(),
        any_published=any(p.publication for p in progress),
        providers=providers,
        default_provider=settings().mt_provider,
        last_job=last_job,
        corrections_pending=corrections_workflow.pending_count(proj, release),
        last_kit=latest_kit(db.session, release),
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
    flash(f"Added {language_names(codes)}.", "ok")
    return redirect(url_for("coordinate.release", release=release))


@bp.post("/releases/<release>/update")
@coordinator_required
def update(release: str):
    """Re-extract a corrected source and merge it into every language."""
    if not ActionForm().validate_on_submit():
        abort(400)
    changes = project().update(project().require(release))
    notifications.source_corrected(db.session, project(), release, changes, actor=current_user)
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
    except EmbargoedError:
        raise  # 409 with its page: the embargo job publishes at the embargo time
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
    return Response(
        body,
        mimetype=mimetype,  # Werkzeug adds "; charset=utf-8" to text types
        headers={"Content-Disposition": f'attachment; filename="{release}.{language}.{fmt}"'},
    )


@bp.get("/releases/<release>/published.zip")
@coordinator_required
def download_zip(release: str):
    """Download every published language of a release as one zip."""
    release = project().require(release)
    if not any(workflow.latest_publication(db.session, release, code) for code in project().languages(release)):
        abort(404, "no language of this release has been published yet")
    data = workflow.published_zip(db.session, project(), release)
    return Response(
        data, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{release}.zip"'}
    )


@bp.route("/users", methods=["GET", "POST"])
@coordinator_required
def users():
    """List volunteers and pending invitations, and invite new ones."""
    form = InviteForm()
    link = None
    if form.validate_on_submit():
        try:
            display = accounts.clean_display_name(form.display_name.data)
            name = (form.name.data or "").strip() or accounts.suggest_login_name(display or "")
            if not name:
                raise TranslateAppError("give the person's name, and a login name if you want a particular one")
            codes = parse_language_list(form.languages.data) if (form.languages.data or "").strip() else []
            token = accounts.create_invitation(
                db.session,
                name=name,
                role=form.role.data,
                display_name=display,
                languages=codes,
                created_by=current_user,
                days=INVITATION_DAYS,
            )
            db.session.commit()
            link = url_for("auth.accept_invitation", token=token, _external=True)
            for_languages = f" for {language_names(codes)}" if codes else ""
            who = f"{display} (login name {name})" if display else name
            flash(f"Invitation for {who} as {form.role.data}{for_languages} created; send them the link below.", "ok")
            address = (form.email.data or "").strip()
            if address:
                _mail_link(
                    "invitation", address, link, role=form.role.data, languages=codes, inviter=current_user.shown_name
                )
        except TranslateAppError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    elif form.errors:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return _people_page(form, link=link)


def _people_page(
    form: InviteForm, *, link: str | None = None, link_for: str | None = None, reset: tuple[str, str] | None = None
):
    """Render the people page; `link` is an invitation link to show once, `reset` a person's name and password link."""
    people = db.session.scalars(select(User).order_by(User.name)).all()
    # formdata=None: each row shows the person as stored, never the fields of the invitation just posted.
    forms = {
        u.id: UserForm(
            formdata=None,
            prefix=f"u{u.id}",
            display_name=u.display_name or "",
            role=u.role,
            languages=",".join(u.languages),
            active=u.active,
            limited=u.release_scope is not None,
        )
        for u in people
    }
    pending = accounts.pending_invitations(db.session)
    db.session.commit()
    return render_template(
        "coordinate/users.html",
        form=form,
        people=people,
        forms=forms,
        link=link,
        link_for=link_for,
        reset=reset,
        pending=pending,
        action=ActionForm(),
        expired={i.id for i in pending if as_utc(i.expires_at) <= accounts.utcnow()},
        name_rule=accounts.NAME_RULE,
        mail_configured=settings().mail_configured,
        expires=datetime.now(UTC) + timedelta(days=INVITATION_DAYS) if link else None,
    )


@bp.post("/invitations/<int:invitation_id>/renew")
@coordinator_required
def renew_invitation(invitation_id: int):
    """Issue a fresh link for a pending invitation (to copy or send again); the earlier link stops working."""
    require_button()
    try:
        token = accounts.reissue_invitation(db.session, invitation_id, days=INVITATION_DAYS)
    except accounts.AccountError:
        abort(404, "no such pending invitation")
    name = db.session.get_one(Invitation, invitation_id).name
    db.session.commit()
    flash(f"New invitation link for {name}: the earlier link no longer works.", "ok")
    return _people_page(
        InviteForm(formdata=None), link=url_for("auth.accept_invitation", token=token, _external=True), link_for=name
    )


@bp.post("/invitations/<int:invitation_id>/revoke")
@coordinator_required
def revoke_invitation(invitation_id: int):
    """Revoke a pending invitation: its link stops working."""
    require_button()
    try:
        inv = accounts.revoke_invitation(db.session, invitation_id)
    except accounts.AccountError:
        abort(404, "no such pending invitation")
    name = inv.name
    db.session.commit()
    flash(f"Invitation for {name} revoked: its link no longer works.", "ok")
    return redirect(url_for("coordinate.users"))


def _mail_link(kind: str, address: str, link: str, **details) -> None:
    """E-mail an invitation or password link when mail is configured, and say on the page what happened.

    The address is used for this one message and not stored (a person's own
    address lives only in their notification settings). The link is shown on
    the page as well, so a refused message loses nothing.
    """
    from .. import mail

    if not settings().mail_configured:
        flash("E-mail is not configured on this server (TRANSLATE_APP_SMTP_HOST): send the link yourself.", "error")
        return
    try:
        if kind == "invitation":
            mail.send_invitation(settings=settings(), to=address, link=link, **details)
        else:
            mail.send_password_reset(settings=settings(), to=address, link=link)
    except TranslateAppError as exc:  # a refused or malformed address, a server that said no
        flash(f"The e-mail could not be sent ({exc}); send the link yourself.", "error")
        return
    flash(
        "The link was also e-mailed"
        + (" to the address they gave in their notification settings." if kind == "password" else "."),
        "ok",
    )


@bp.post("/users/<int:user_id>/password-link")
@coordinator_required
def password_link(user_id: int):
    """Make a one-time link with which a person chooses a new password (earlier such links stop working)."""
    require_button()
    user = db.session.get(User, user_id) or abort(404)
    from .auth import password_reset_link

    try:
        url = password_reset_link(user, created_by=current_user)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("coordinate.users"))
    shown = user.shown_name
    db.session.commit()
    flash(f"Password link for {shown} made; it works once, for {accounts.RESET_HOURS} hours.", "ok")
    address = db.session.scalar(select(NotificationSettings.email).where(NotificationSettings.user_id == user.id))
    if address:
        _mail_link("password", address, url)
    return _people_page(InviteForm(formdata=None), reset=(shown, url))


@bp.post("/users/<int:user_id>")
@coordinator_required
def edit_user(user_id: int):
    """Change a volunteer's display name, role, languages or access."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors or not form.errors:
            abort(400, "invalid form")
        for field, errors in form.errors.items():
            flash(f"{user.shown_name}: {form[field].label.text}: {' '.join(errors)}", "error")
        return redirect(url_for("coordinate.users"))
    was_active = user.active
    try:
        accounts.change_person(
            user,
            by=current_user,
            role=form.role.data,
            active=form.active.data,
            languages=parse_language_list(form.languages.data) if form.languages.data else [],
            display_name=form.display_name.data,
        )
    except TranslateAppError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("coordinate.users"))
    if user.release_scope is not None and not form.limited.data:
        user.release_scope = None  # the coordinator opens every release of their languages
    db.session.commit()
    change = "" if was_active == user.active else (" and reactivated" if user.active else " and deactivated")
    flash(f"{user.shown_name} updated{change}.", "ok")
    return redirect(url_for("coordinate.users"))


# -- corrections after publication (issue 15) ---------------------------------------------------------


def _decisions(form) -> dict:
    """Return {segment id: Decision} from the radios named decision-SEGMENT of the corrections form."""
    from ..core.corrections import parse_decision

    return {
        key.removeprefix("decision-"): parse_decision(value)
        for key, value in form.items()
        if key.startswith("decision-") and value
    }


@bp.get("/releases/<release>/corrections")
@coordinator_required
def corrections(release: str):
    """Show the source changes waiting for a decision, once per segment, and the languages ready to republish."""
    from .. import corrections_workflow
    from ..core.corrections import MAX_ERRATA_CHARS

    proj = project()
    rel = workflow.release_record(db.session, proj, release)
    changes = corrections_workflow.pending_changes(db.session, proj, rel.name)
    readiness = corrections_workflow.readiness(db.session, proj, rel.name)
    db.session.commit()
    return render_template(
        "coordinate/corrections.html",
        release=rel,
        changes=changes,
        readiness=readiness,
        decide_form=ActionForm(),
        republish_form=ActionForm(),
        max_errata=MAX_ERRATA_CHARS,
    )


@bp.post("/releases/<release>/corrections")
@coordinator_required
def decide_corrections(release: str):
    """Apply the decision chosen for each source change to every language."""
    from .. import corrections_workflow

    if not ActionForm().validate_on_submit():
        abort(400)
    release = project().require(release)
    try:
        report = corrections_workflow.decide(db.session, project(), current_user, release, _decisions(request.form))
    except TranslateAppError as exc:
        flash(str(exc), "error")
        return redirect(url_for("coordinate.corrections", release=release))
    decided = {sid for by_segment in report.decided.values() for sid in by_segment}
    flash(
        f"{len(decided)} change{'s' if len(decided) != 1 else ''} decided in "
        f"{len(report.decided)} language{'s' if len(report.decided) != 1 else ''}"
        + (f"; {report.told} volunteer notification{'s' if report.told != 1 else ''} recorded" if report.told else "")
        + ".",
        "ok",
    )
    for code, why in report.failed.items():
        flash(f"{get_language(code).english_name}: not changed: {why}", "error")
    return redirect(url_for("coordinate.corrections", release=release))


@bp.post("/releases/<release>/republish")
@coordinator_required
def republish_corrected(release: str):
    """Publish again every published language that is ready, each with the errata note typed for it."""
    from .. import corrections_workflow

    if not ActionForm().validate_on_submit():
        abort(400)
    proj = project()
    release = proj.require(release)
    notes = {code: request.form.get(f"errata-{code}", "") for code in proj.languages(release)}
    try:
        report = corrections_workflow.republish(db.session, proj, current_user, release, notes=notes)
    except TranslateAppError as exc:
        flash(str(exc), "error")
        return redirect(url_for("coordinate.corrections", release=release))
    if report.published:
        with_note = [code for code in report.published if notes.get(code, "").strip()]
        flash(
            f"Republished {len(report.published)} language{'s' if len(report.published) != 1 else ''}: "
            f"{language_names(report.published)}"
            + (f" (with an errata note: {language_names(with_note)})" if with_note else "")
            + ".",
            "ok",
        )
    else:
        flash("No language was ready to republish.", "error")
    for code, why in report.skipped.items():
        if why != "not published yet (publish it from the release page)":
            flash(f"{get_language(code).english_name} not republished: {why}", "error")
    return redirect(url_for("coordinate.corrections", release=release))


@bp.get("/releases/<release>/<language>/press/<kind>")
@coordinator_required
def press_document(release: str, language: str, kind: str):
    """Download one press document of a published language: DOCX, ODT, PDF or an e-mail body (HTML, text)."""
    from ..presskit.jobs import cache_folder
    from ..presskit.kit import DOCUMENTS, DocumentCache, document
    from ..presskit.published import published_texts

    release, language = release_language(release, language)
    if kind not in DOCUMENTS:
        abort(404)
    text = published_texts(db.session, release, [language]).get(language)
    db.session.commit()
    if text is None:
        abort(404, "this language has not been published")
    data = document(
        kind, text.markdown, language, title=text.title, cache=DocumentCache(cache_folder(project(), release))
    )
    ending, mimetype = DOCUMENTS[kind]
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{release}-{language}.{ending}"'},
    )
