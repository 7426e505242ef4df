"""Each person's notification settings page, and the start of this process's delivery thread."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, URLField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional

from .. import notifications
from ..notifications_delivery import NotificationWorker
from .access import settings
from .extensions import Database, db

bp = Blueprint("notify", __name__)


class PreferencesForm(FlaskForm):
    """Where to be told (an address, a webhook) and, for each kind of event, how."""

    email = EmailField("E-mail address", validators=[Optional(), Length(max=254)])
    webhook_url = URLField(
        "Webhook URL (Slack, Mattermost or a Matrix bridge)", validators=[Optional(), Length(max=2000)]
    )


for _preference, _label in notifications.PREFERENCES.items():
    setattr(
        PreferencesForm,
        _preference,
        RadioField(_label, choices=[SelectChoice(k, v) for k, v in notifications.CHANNELS.items()], default="none"),
    )


def worker(app: Flask | None = None) -> NotificationWorker:
    """Return this process's delivery worker of the app, made on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy, typed as Flask
    if "translate_app.notification_worker" not in app.extensions:
        app.extensions["translate_app.notification_worker"] = NotificationWorker(
            app.config["SETTINGS"], Database.factory(app)
        )
    return app.extensions["translate_app.notification_worker"]


@bp.before_app_request
def _start() -> None:
    """Start the delivery thread on a process's first request, for the reason web/sync.py gives (fork).

    Tests run the delivery themselves; NOTIFICATIONS_THREAD=False keeps it off too.
    """
    if not (current_app.testing or current_app.config.get("NOTIFICATIONS_THREAD") is False or worker().alive()):
        worker().start()


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    """Show and save the signed-in person's own notification settings."""
    prefs = notifications.preferences(db.session, current_user.id)
    form = PreferencesForm(
        data={
            "email": prefs.email or "",
            "webhook_url": prefs.webhook_url or "",
            **{p: prefs.choices.get(p, "none") for p in notifications.PREFERENCES},
        }
    )
    status = 200
    if request.method == "POST":
        form = PreferencesForm()
        if form.validate_on_submit():
            try:
                notifications.save_preferences(
                    db.session,
                    user=current_user,
                    email=form.email.data,
                    webhook_url=form.webhook_url.data,
                    choices={p: getattr(form, p).data for p in notifications.PREFERENCES},
                )
            except notifications.InvalidPreferencesError as exc:
                db.session.rollback()
                flash(str(exc), "error")
                status = 400
            else:
                flash("Notification settings saved.", "ok")
                return redirect(url_for("notify.preferences"))
        else:
            status = 400
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "error")
    return render_template(
        "notifications.html",
        form=form,
        preferences=notifications.PREFERENCES,
        mail_configured=settings().mail_configured,
        reviews=current_user.role != "translator",
    ), status
