"""Logging in and out, and accepting an invitation."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .. import accounts
from ..models import User
from .extensions import db

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """Name and password."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField("Password", validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD, max=200)])
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ")])


class InvitationForm(PasswordForm):
    """How the invited person is shown to others, and their password."""

    display_name = StringField("Your name as others see it", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)])


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
            user = accounts.authenticate(db.session, name=form.name.data.strip(), password=form.password.data,
                                         address=request.remote_addr or "?")
        except accounts.TooManyAttemptsError as exc:
            flash(str(exc), "error")
            return render_template("login.html", form=form), 429
        except accounts.AccountDeactivatedError as exc:
            flash(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", "error")
            return render_template("login.html", form=form), 403
        if user is not None:
            login_user(user, remember=False)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong name or password.", "error")
        status = 401
    return render_template("login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST, so a link on another site cannot do it)."""
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Let an invited volunteer choose a password and log in."""
    invitation = accounts.open_invitation(db.session, token)
    # The coordinator's spelling of the name rides in the link (?name=...); the person may correct it.
    form = InvitationForm(data={"display_name": request.args.get("name", "")[:accounts.MAX_DISPLAY_NAME]})
    if form.validate_on_submit():
        user = accounts.accept_invitation(db.session, token, form.password.data, display_name=form.display_name.data)
        db.session.commit()
        login_user(user)
        flash(f"Welcome, {user.shown_name}. Your login name is {user.name}.", "ok")
        return redirect(url_for("review.dashboard"))
    return render_template("invite.html", form=form, invitation=invitation)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a person replace their password (required after a printed one-time password)."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)  # the row: a token's user is read-only
        accounts.set_password(user, form.password.data)
        user.must_change_password = False
        db.session.commit()
        flash("Password changed.", "ok")
        return redirect(url_for("review.dashboard"))
    return render_template("password.html", form=form)


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
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and request.endpoint not in ("auth.change_password", "auth.logout", "auth.favicon", "static")):
        if request.path.startswith("/api/"):
            return {"error": "change your one-time password first"}, 403
        return redirect(url_for("auth.change_password"))
    return None
