"""Coordinators' pages for partners' translations and the translation memory.

Upload a partner's document (or another tool's PO catalog), look at the
proposed alignment, correct it, and write the confirmed texts as `needs
review` credited to the partner; download and upload the memory as TMX.
Views are thin: partners.py and tmxmemory.py do the work.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from .. import partners, tmxmemory
from ..core.errors import TranslateAppError
from ..core.languages import get_language, language_names
from . import uploads
from .access import coordinator_required, project, release_language, settings
from .extensions import db

bp = Blueprint("partners", __name__, url_prefix="/coordinate")
_UNSAFE = re.compile(r"[^\w.-]+")


class UploadForm(FlaskForm):
    """A partner's document or another tool's catalog, the partner's name, the language."""

    upload = FileField("Translated document or PO catalog")
    kept = HiddenField()  # token of a file kept from an earlier attempt (see uploads.py)
    pasted = TextAreaField("…or paste the translated text")
    partner = StringField("Partner organisation (or tool)", validators=[Length(max=partners.MAX_PARTNER_NAME)])
    language = SelectField("Language", choices=[], validate_choice=True)


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the rows come as lists (segment_id, text, propose)."""


class MemoryForm(FlaskForm):
    """A TMX file and the language of its translations."""

    upload = FileField("TMX file")
    language = SelectField("Language", choices=[], validate_choice=True)


def _languages(release: str) -> list[tuple[str, str]]:
    return [(code, f"{get_language(code).english_name} ({code})") for code in project().languages(release)]


def _valid(form: FlaskForm) -> bool:
    """Validate a posted form; an expired CSRF token is a 400, other errors are flashed for the form."""
    if form.validate_on_submit():
        return True
    if "csrf_token" in form.errors:
        abort(400, "The form expired; reload the page and try again.")
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")
    return False


def _kept_file(form: UploadForm, root: Path, user_id: int) -> tuple[str | None, bytes]:
    """Return (name, bytes) of the file just uploaded, kept for another attempt, or of the one kept before."""
    file = form.upload.data
    if file and file.filename:
        name = _UNSAFE.sub("-", Path(file.filename).name).strip(".-") or "upload"
        suffix = Path(file.filename).suffix.lower()
        name = name if name.lower().endswith(suffix) else name + suffix
        data = file.read(_max_bytes() + 1)
        if len(data) > _max_bytes():
            raise partners.PartnerError(f"{name}: larger than {_max_bytes():,} bytes")
        uploads.discard(root, user_id, form.kept.data)
        form.kept.data = uploads.keep(root, user_id, name, data) if data else ""
        return name, data
    path = uploads.find(root, user_id, form.kept.data)
    return (path.name, path.read_bytes()) if path else (None, b"")


def _max_bytes() -> int:
    return settings().max_source_bytes


@bp.route("/releases/<release>/partners", methods=["GET", "POST"])
@coordinator_required
def upload(release: str):
    """Show the upload form; on POST, align the partner's document and show the alignment screen."""
    release = project().require(release)
    form = UploadForm()
    form.language.choices = _languages(release)
    if request.method == "GET":
        return render_template("partners/upload.html", release=release, form=form)
    valid = _valid(form)
    root, user_id = settings().instance_dir, current_user.id
    proposal = None
    try:
        filename, data = _kept_file(form, root, user_id)
        if valid:
            proposal = _propose(release, form, filename, data)
    except TranslateAppError as exc:
        flash(str(exc), "error")
    if proposal is None:
        kept = uploads.find(root, user_id, form.kept.data)
        return render_template(
            "partners/upload.html", release=release, form=form, kept=kept.name if kept else None
        ), 400
    uploads.discard(root, user_id, form.kept.data)
    return render_template(
        "partners/align.html",
        release=release,
        proposal=proposal,
        form=ConfirmForm(),
        flags=partners.FLAGS,
        language=get_language(proposal.language),
    )


def _propose(release: str, form: UploadForm, filename: str | None, data: bytes) -> partners.Alignment:
    """Align the partner's document (or match another tool's PO) to the release in the chosen language."""
    release, language = release_language(release, form.language.data)
    if data and filename and filename.lower().endswith((".po", ".pot")):
        return partners.match_catalog(
            project(), release, language, form.partner.data, data, filename, max_bytes=_max_bytes()
        )
    markdown, origin = partners.read_document(data, filename, form.pasted.data, max_bytes=_max_bytes())
    return partners.align_document(project(), release, language, form.partner.data, markdown, origin)


@bp.post("/releases/<release>/partners/<language>/write")
@coordinator_required
def write(release: str, language: str):
    """Write the confirmed rows as `needs review` credited to the partner; show what was written and kept."""
    release, language = release_language(release, language)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    ids, texts = request.form.getlist("segment_id"), request.form.getlist("text")
    if len(ids) != len(texts) or not ids:
        abort(400, "the alignment arrived incomplete; align the document again")
    outcome = partners.apply_alignment(
        db.session,
        project(),
        current_user,
        release,
        language,
        request.form.get("partner", ""),
        [{"segment_id": s, "text": t} for s, t in zip(ids, texts, strict=True)],
        propose_kept=request.form.getlist("propose"),
        origin=request.form.get("origin", "")[:200],
    )
    partner = partners.clean_partner(request.form.get("partner", ""))
    return render_template(
        "partners/done.html", release=release, language=get_language(language), partner=partner, outcome=outcome
    )


@bp.route("/memory", methods=["GET", "POST"])
@coordinator_required
def memory():
    """Download each language's memory as TMX; upload a TMX file into the memory pre-translation uses."""
    proj = project()
    codes = tmxmemory.project_languages(proj)
    form = MemoryForm()
    form.language.choices = [(c, f"{get_language(c).english_name} ({c})") for c in codes]
    status = 200
    if request.method == "POST":
        file = form.upload.data
        if not _valid(form):
            status = 400
        elif not file or not file.filename:
            flash("Choose a TMX file.", "error")
            status = 400
        else:
            try:
                report = tmxmemory.import_tmx(
                    proj, form.language.data, file.read(_max_bytes() + 1), file.filename, max_bytes=_max_bytes()
                )
                flash(
                    f"{report.units} translation unit{'s' if report.units != 1 else ''} of {file.filename} taken "
                    f"into the {language_names([report.language])} memory.",
                    "ok",
                )
                return redirect(url_for("partners.memory"))
            except TranslateAppError as exc:
                flash(str(exc), "error")
                status = 400
    files = {code: tmxmemory.imported_files(proj, code) for code in codes}
    return render_template(
        "partners/memory.html", form=form, codes=codes, files=files, language_of=get_language
    ), status


@bp.get("/memory/<language>.tmx")
@coordinator_required
def memory_download(language: str):
    """Download the approved translations of every release in one language as TMX."""
    code = get_language(language).code
    data = tmxmemory.export_tmx(project(), code)
    return Response(
        data,
        mimetype="application/x-tmx+xml",
        headers={"Content-Disposition": f'attachment; filename="memory.{code}.tmx"'},
    )
