"""Logging in and out, accepting an invitation, resetting a password, and how a person is credited."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, RadioField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from .. import accounts, sharelinks
from ..models import CREDITS, User
from .extensions import db

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """Name and password."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField("Password", validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD, max=200)])
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ")]
    )


class ActionForm(FlaskForm):
    """Only the CSRF token, for buttons that change something."""


FORM_EXPIRED = "The form expired or was sent twice; reload the page and try again."


def require_button() -> None:
    """Refuse a button's POST without a valid CSRF token (400, saying what to do)."""
    if not ActionForm().validate_on_submit():
        abort(400, FORM_EXPIRED)


def flash_form_errors(form: FlaskForm) -> None:
    """Say each field's error; a stale CSRF token is a 400 of its own."""
    if "csrf_token" in form.errors:
        abort(400, FORM_EXPIRED)
    for field, errors in form.errors.items():
        for error in errors:
            flash(f"{form[field].label.text}: {error}", "error")


class TokenForm(FlaskForm):
    """A new API token: what it is for and when it expires."""

    label = StringField("What it is for", validators=[Optional(), Length(max=accounts.MAX_TOKEN_LABEL)])
    expires_in = IntegerField(
        "Expires after (days)", default=90, validators=[Optional(), NumberRange(1, accounts.MAX_TOKEN_DAYS)]
    )


class InvitationForm(PasswordForm):
    """How the invited person is shown to others, and their password."""

    display_name = StringField(
        "Your name as others see it", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)]
    )


def _safe_next(target: str | None) -> str:
    target = (target or "").rstrip("?")  # a path without its query string still carries the '?' of full_path
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("review.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and log a person in."""
    if current_user.is_authenticated:
        return redirect(url_for("review.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            with accounts.LOGIN_GATE.enter():
                user = accounts.authenticate(
                    db.session,
                    name=form.name.data.strip(),
                    password=form.password.data,
                    address=request.remote_addr or "?",
                )
        except accounts.LoginBusyError as exc:
            flash(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", "error")
            return render_template("login.html", form=form), 503, {"Retry-After": str(exc.retry_after)}
        except accounts.TooManyAttemptsError as exc:
            flash(str(exc), "error")
            return render_template("login.html", form=form), 429, {"Retry-After": str(exc.retry_after)}
        except accounts.AccountDeactivatedError as exc:
            flash(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", "error")
            return render_template("login.html", form=form), 403
        if user is not None:
            start_session(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong name or password.", "error")
        status = 401
    return render_template("login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST, so a link on another site cannot do it); the session cookie stops working everywhere.

    Copies of the cookie (another tab, a stolen one, the same person's other
    devices) end too: the person's session generation goes up.
    """
    if current_user.is_authenticated and isinstance(current_user._get_current_object(), User):
        user = db.session.get_one(User, current_user.id)
        accounts.end_sessions(user)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def start_session(user: User) -> None:
    """Log a person in, remembering in the session which generation of their sessions it belongs to."""
    login_user(user, remember=False)
    session.pop("_link_ended", None)
    session["_gen"] = user.session_generation or 0


def check_session():
    """Refuse a session cookie whose person logged out, changed password or was deactivated since (before each request).

    A person who came in through a share link is also refused once the link is
    revoked or expired, with a message that says so (they have no login to go back to).
    """
    if "_user_id" not in session:
        if session.get("_link_ended") and request.endpoint not in _ALWAYS_OPEN:
            return _link_ended()  # every later request of that browser says why, not just the first
        return None
    user = current_user._get_current_object()
    if isinstance(user, User):
        if session.get("_gen", 0) == (user.session_generation or 0) and sharelinks.link_state(db.session, user) in (
            None,
            "open",
        ):
            return None
    elif user.is_authenticated:
        return None  # a bearer token's person, the session's one being gone
    via_link = session.get("_link") is not None
    logout_user()
    session.clear()
    if via_link:
        session["_link_ended"] = True
    if request.endpoint in _ALWAYS_OPEN:
        return None
    if via_link:
        return _link_ended()
    if request.path.startswith("/api/"):
        return jsonify({"error": "your session has ended; log in again"}), 401
    flash("Your session has ended (a logout, a new password or a change of access). Please log in again.", "error")
    return redirect(url_for("auth.login"))


_ALWAYS_OPEN = ("auth.login", "auth.favicon", "static", "links.enter")


def _link_ended():
    """Answer a person whose share link was revoked or expired: they have no login to go back to."""
    message = (
        "Your access through the share link has ended: a coordinator revoked the link or it expired. "
        "Ask the coordinator for a new link."
    )
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), 401
    return render_template("links/closed.html", message=message), 401


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Let an invited volunteer choose a password and log in (409 once someone has accepted the invitation)."""
    try:
        invitation = accounts.open_invitation(db.session, token)
    except accounts.InvitationUsedError as exc:
        abort(409, f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
    # The coordinator's spelling of the name is stored with the invitation (never in the link); the person may
    # correct it.
    form = InvitationForm(data={"display_name": invitation.display_name or ""})
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(
                db.session, token, form.password.data, display_name=form.display_name.data
            )
        except accounts.InvitationUsedError as exc:
            abort(409, f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
        start_session(user)
        flash(f"Welcome, {user.shown_name}. Your login name is {user.name}.", "ok")
        return redirect(url_for("review.dashboard"))
    return render_template("invite.html", form=form, invitation=invitation)


def password_reset_link(user: User, *, created_by: User | None) -> str:
    """Create a one-time password link for a person and return its full address (to copy, or to mail).

    The caller commits. Needs a request (or SERVER_NAME) to know the address.
    """
    token = accounts.create_password_reset(db.session, user, created_by=created_by)
    return url_for("auth.reset_password", token=token, _external=True)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Let a person choose a new password through a one-time link from a coordinator; their other sessions end."""
    try:
        reset = accounts.open_password_reset(db.session, token)
    except accounts.AccountError as exc:
        return render_template("error.html", code=410, message=f"{str(exc)[:1].upper()}{str(exc)[1:]}."), 410
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.use_password_reset(db.session, token, form.password.data)
        except accounts.AccountError as exc:
            return render_template("error.html", code=409, message=f"{str(exc)[:1].upper()}{str(exc)[1:]}."), 409
        session.clear()
        start_session(user)
        flash("Password set. Your other sessions have ended and your API tokens were revoked.", "ok")
        return redirect(url_for("review.dashboard"))
    name = reset.user.name
    db.session.commit()
    return render_template("password.html", form=form, reset_for=name)


class CreditForm(FlaskForm):
    """How a person is shown to other volunteers."""

    credit = RadioField(
        "Show me to others as",
        choices=[
            SelectChoice("name", "my name"),
            SelectChoice("pseudonym", "a pseudonym"),
            SelectChoice("organisation", "my organisation"),
            SelectChoice("none", "nobody: don't credit me (others see “a volunteer”)"),
        ],
    )
    display_name = StringField("Name", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)])
    pseudonym = StringField("Pseudonym", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)])


@bp.route("/account/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Let a person choose how they are credited: name, pseudonym, organisation or not at all."""
    if not isinstance(current_user._get_current_object(), User):
        abort(403, "log in with your password to change your settings")
    me = db.session.get_one(User, current_user.id)
    form = CreditForm(obj=me)
    if form.validate_on_submit():
        try:
            accounts.set_credit(
                me,
                credit=form.credit.data,
                display_name=form.display_name.data,
                pseudonym=form.pseudonym.data,
                organisation=form.organisation.data,
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            flash(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", "error")
            return render_template("settings.html", form=form, me=me), 400
        db.session.commit()
        flash(f"Saved: others now see you as {me.shown_name}.", "ok")
        return redirect(url_for("auth.settings"))
    if form.errors:
        flash_form_errors(form)
    if form.credit.data not in CREDITS:
        form.credit.data = "name"
    db.session.commit()
    return render_template("settings.html", form=form, me=me)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a person replace their password (required after a printed one-time password)."""
    if not getattr(current_user, "password_hash", "x"):  # a share link's person: a login name first
        return redirect(url_for("links.make_account"))
    form = PasswordForm()
    if form.validate_on_submit():
        user = db.session.get_one(User, current_user.id)  # the row: a token's user is read-only
        accounts.set_password(user, form.password.data)
        user.must_change_password = False
        db.session.commit()
        session["_gen"] = user.session_generation  # this session goes on; every other one has ended
        flash("Password changed. Your other sessions have ended and your API tokens were revoked.", "ok")
        return redirect(url_for("review.dashboard"))
    return render_template("password.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List a person's API tokens (a coordinator: everyone's) and create new ones."""
    me = db.session.get_one(User, current_user.id)
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        created = accounts.create_token(
            db.session, me, expires_in_days=form.expires_in.data, label=form.label.data or ""
        )
        db.session.commit()
        flash("Token created. Copy it now: it is shown only once.", "ok")
        form = TokenForm(formdata=None)  # an empty form for the next one
    elif form.errors:
        flash_form_errors(form)
    mine = accounts.tokens_of(db.session, me)
    others = [t for t in accounts.tokens_of(db.session) if t.user_id != me.id] if me.is_coordinator else []
    db.session.commit()
    return render_template(
        "tokens.html", form=form, created=created, mine=mine, others=others, action=ActionForm(), now=accounts.utcnow()
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one API token: one's own, or anyone's for a coordinator (404 otherwise)."""
    require_button()
    try:
        token = accounts.revoke_token(db.session, token_id, by=current_user)
    except accounts.AccountError:
        abort(404, "no such token")
    owner = token.user.shown_name if token.user_id != current_user.id else "your"
    db.session.commit()
    flash(f"Token {token_id}{' of ' + owner if owner != 'your' else ''} revoked: it no longer works.", "ok")
    return redirect(url_for("auth.tokens"))


@bp.get("/favicon.ico")
def favicon():
    """Serve the icon that browsers ask for on pages without a <link rel="icon"> (previews, JSON)."""
    response = current_app.send_static_file("favicon.ico")
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.before_app_request
def _force_password_change():
    """Send people with a one-time password to choose their own before anything else."""
    if (
        current_user.is_authenticated
        and getattr(current_user, "must_change_password", False)
        and request.endpoint not in ("auth.change_password", "auth.logout", "auth.favicon", "static")
    ):
        if request.path.startswith("/api/"):
            return {"error": "change your one-time password first"}, 403
        return redirect(url_for("auth.change_password"))
    return None
