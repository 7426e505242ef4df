"""Share links: the coordinator's links page, entering through a link, and keeping link people in scope."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .. import accounts, sharelinks
from ..core.errors import TranslateAppError
from ..core.languages import get_language
from ..models import User
from .access import coordinator_required, project, visible_release
from .auth import ActionForm, flash_form_errors, require_button, start_session
from .extensions import db
from .ratelimit import RateLimit

bp = Blueprint("links", __name__)

#: Looking at a link (GET, which never writes) is limited in memory per address; entering it is throttled
#: in the database like a login (sharelinks.enter).
LINK_VIEWS = RateLimit("link-views", "20/minute;200/hour")

#: Where a person who came in through a link may go besides their release's pages.
OPEN_TO_LINK_PEOPLE = {
    "static",
    "auth.favicon",
    "auth.logout",
    "auth.settings",
    "auth.change_password",
    "links.home",
    "links.make_account",
    "links.enter",
    "api.checks",
    "api.openapi",
    "notify.preferences",
}

CREDIT_CHOICES = [
    SelectChoice("name", "my name"),
    SelectChoice("pseudonym", "a pseudonym"),
    SelectChoice("organisation", "my organisation"),
    SelectChoice("none", "don't credit me (others see “a volunteer”)"),
]


class LinkForm(FlaskForm):
    """A new share link: languages, role, expiry, use limit and a note for the coordinator."""

    # Not DataRequired: it would make the browser require every box; sharelinks.create_link asks for one.
    languages = SelectMultipleField(
        "Languages", choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    role = SelectField(
        "Role",
        choices=[
            SelectChoice("suggester", "suggest only (a reviewer decides)"),
            SelectChoice("translator", "translate"),
            SelectChoice("reviewer", "review (translate and approve)"),
        ],
    )
    days = IntegerField(
        "Expires after (days)", default=7, validators=[DataRequired(), NumberRange(1, sharelinks.MAX_LINK_DAYS)]
    )
    max_uses = IntegerField("Use limit (people)", validators=[Optional(), NumberRange(1, 10000)])
    label = StringField("Note (for you: who it is for)", validators=[Optional(), Length(max=sharelinks.MAX_LABEL)])


class EnterForm(FlaskForm):
    """What a person coming in through a link gives: a name to show and how to be credited."""

    shown_name = StringField(
        "Your name as others will see it (a pseudonym is fine)",
        validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME)],
    )
    credit = RadioField("Credit me by", choices=CREDIT_CHOICES, default="pseudonym")


class MakeAccountForm(FlaskForm):
    """A login name and password for a link's person who wants to come back without the link."""

    name = StringField("Login name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD, max=200)])
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ")]
    )


# -- the coordinator's page ------------------------------------------------------------


def _language_choices(release: str) -> list[SelectChoice]:
    return [SelectChoice(c, f"{get_language(c).english_name} ({c})") for c in project().languages(release)]


@bp.route("/coordinate/releases/<release>/links", methods=["GET", "POST"])
@coordinator_required
def manage(release: str):
    """List a release's share links with who came in through each, and make new ones."""
    proj = project()
    release = proj.require(release)
    form = LinkForm()
    form.languages.choices = _language_choices(release)
    created = status = None
    if form.validate_on_submit():
        try:
            link, token = sharelinks.create_link(
                db.session,
                proj,
                release=release,
                languages=form.languages.data,
                role=form.role.data,
                days=form.days.data,
                max_uses=form.max_uses.data,
                label=form.label.data or "",
                created_by=current_user,
            )
            db.session.commit()
            created = {"url": url_for("links.enter", token=token, _external=True), "link": link}
            flash("Link created. Copy it now: it is shown only once (only a fingerprint of it is kept).", "ok")
            form = LinkForm(formdata=None)
            form.languages.choices = _language_choices(release)
        except TranslateAppError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            status = 400
    elif form.errors:
        flash_form_errors(form)
        status = 400
    links = sharelinks.links_of(db.session, release)
    people = sharelinks.people_of(db.session, links)
    db.session.commit()
    return render_template(
        "links/manage.html",
        release=release,
        form=form,
        links=links,
        people=people,
        created=created,
        action=ActionForm(),
        now=accounts.utcnow(),
    ), status or 200


@bp.post("/coordinate/releases/<release>/links/<int:link_id>/revoke")
@coordinator_required
def revoke(release: str, link_id: int):
    """Revoke a link: nobody new gets in, and everyone who came in through it without an account is out."""
    require_button()
    try:
        ended = sharelinks.revoke(db.session, link_id, release=release)
    except accounts.AccountError:
        abort(404, "no such link")
    db.session.commit()
    flash(f"Link revoked; {ended} session{'s' if ended != 1 else ''} ended.", "ok")
    return redirect(url_for("links.manage", release=release))


# -- coming in through a link ---------------------------------------------------------


@bp.route("/join/<token>", methods=["GET", "POST"])
def enter(token: str):
    """Ask a person opening a link for a name to show, then start their session in the link's release."""
    address = request.remote_addr or "?"
    if request.method == "GET" and not LINK_VIEWS.hit(address):
        wait = LINK_VIEWS.retry_after(address)
        return (
            render_template("error.html", code=429, message=f"Too many links opened; try again in {wait} s."),
            429,
            {"Retry-After": str(wait)},
        )
    form = EnterForm()
    try:
        link = sharelinks.find_link(db.session, token)
    except sharelinks.LinkClosedError as exc:
        if request.method == "GET":
            return render_template("links/closed.html", message=_sentence(exc)), 410
        link = None  # a POST counts the attempt first (throttling), then says so
    if form.validate_on_submit():
        try:
            person = sharelinks.enter(
                db.session, token, shown_name=form.shown_name.data or "", credit=form.credit.data, address=address
            )
        except accounts.TooManyAttemptsError as exc:
            return (
                render_template("error.html", code=429, message=_sentence(exc)),
                429,
                {"Retry-After": str(exc.retry_after)},
            )
        except sharelinks.LinkClosedError as exc:
            return render_template("links/closed.html", message=_sentence(exc)), 410
        except accounts.AccountError as exc:
            flash(_sentence(exc), "error")
            return render_template("links/enter.html", form=form, link=link), 400
        if current_user.is_authenticated:
            session.clear()
        start_session(person)
        session["_link"] = person.link_id  # for a clear message when the link ends (auth.check_session)
        return redirect(url_for("links.home"))
    if form.errors:
        flash_form_errors(form)
    if link is None:
        abort(400)
    db.session.commit()
    return render_template("links/enter.html", form=form, link=link)


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return f"{text[:1].upper()}{text[1:]}."


@bp.get("/here")
@login_required
def home():
    """Show a link's person their release and languages (straight to the editor when there is one language)."""
    if getattr(current_user, "release_scope", None) is None:
        return redirect(url_for("review.dashboard"))
    release = visible_release(current_user.release_scope)  # 404 while under an embargo they were not invited to
    codes = [c for c in project().languages(release) if c in current_user.languages]
    if len(codes) == 1 and not request.args.get("stay"):
        return redirect(url_for("review.editor", release=release, language=codes[0]))
    return render_template("links/home.html", release=release, languages=[get_language(c) for c in codes])


@bp.route("/account/make", methods=["GET", "POST"])
@login_required
def make_account():
    """Let a link's person choose a login name and password, to come back without the link."""
    me = db.session.get(User, current_user.id) if isinstance(current_user._get_current_object(), User) else None
    if me is None or me.link_id is None or me.has_account:
        abort(404, "only a person who came in through a share link can make an account of it")
    form = MakeAccountForm()
    if form.validate_on_submit():
        try:
            sharelinks.make_account(db.session, me, name=form.name.data.strip(), password=form.password.data)
        except accounts.AccountError as exc:
            flash(_sentence(exc), "error")
            return render_template("links/make_account.html", form=form, rule=accounts.NAME_RULE), 400
        session["_gen"] = me.session_generation  # this session goes on
        session.pop("_link", None)
        flash(f"Your account is ready: log in as {me.name} next time.", "ok")
        return redirect(url_for("links.home", stay=1))
    if form.errors:
        flash_form_errors(form)
    return render_template("links/make_account.html", form=form, rule=accounts.NAME_RULE)


# -- keeping link people inside their release and languages ----------------------------


@bp.before_app_request
def _keep_in_scope():
    """Refuse a release-limited person anything outside their release and languages, on every page and API call.

    Checked here, once for every endpoint (those added later too): a request
    naming another release or language, or a page about no release (other than
    the few in OPEN_TO_LINK_PEOPLE), is refused.
    """
    if not current_user.is_authenticated:
        return None
    scope = getattr(current_user, "release_scope", None)
    if scope is None or request.endpoint in OPEN_TO_LINK_PEOPLE:
        return None
    args = request.view_args or {}
    if args.get("release") == scope and _my_language(args.get("language")):
        return None
    if request.endpoint == "review.dashboard":
        return redirect(url_for("links.home", stay=1))
    message = f"Your access is limited to the release {scope} in {', '.join(current_user.languages) or 'no language'}."
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), 403
    return render_template("error.html", code=403, message=message), 403


def _my_language(language: str | None) -> bool:
    if language is None:
        return True
    try:
        return get_language(language).code in current_user.languages
    except TranslateAppError:
        return False
