"""Volunteers, logins, adding releases and what coordinators read (issue 9, items 1, 3, 11 and 13)."""

from __future__ import annotations

import gzip
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.web.conftest import PASSWORD
from translate_app.core.states import set_approved, set_translated
from translate_app.models import User
from translate_app.storage import edit as edit_catalog
from translate_app.web.extensions import Database

NEW_RELEASE = "# Free the journalists\n\nThe coalition calls for the release of 3 journalists.\n"


def _user(app, name: str) -> User | None:
    with Database.factory(app)() as session:
        return session.scalar(select(User).where(User.name == name))


def _row_form(html: str, user_id: int) -> dict[str, str]:
    """Return what a browser would submit from one person's row on the Volunteers page."""
    form = re.search(rf'<form method="post" action="/coordinate/users/{user_id}">(.*?)</form>', html, re.S).group(1)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r' name="([^"]+)"', tag)
        if name is None:
            continue  # the picker's search box is not submitted
        name = name.group(1)
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data[name] = value.group(1) if value else "y"
        else:
            data[name] = value.group(1) if value else ""
    select_ = re.search(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S)
    data[select_.group(1)] = re.search(
        r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select_.group(2)
    ).group(1)
    return data


# Item 1 -------------------------------------------------------------------


def test_rows_show_each_persons_real_state_after_an_invitation(client, auth, app):
    auth.login("coord")
    token = auth.csrf("/coordinate/users")
    page = client.post(
        "/coordinate/users",
        data={"csrf_token": token, "display_name": "Olena Shevchenko", "role": "translator", "languages": "uk"},
    ).get_data(as_text=True)
    assert "Invitation for Olena Shevchenko" in page
    tr_de = _user(app, "tr_de")
    row = _row_form(page, tr_de.id)
    assert row[f"u{tr_de.id}-active"] == "y"  # ticked, as the person is active
    assert row[f"u{tr_de.id}-role"] == "translator" and row[f"u{tr_de.id}-languages"] == "de"
    # Saving that row as shown keeps the person active and able to log in.
    r = client.post(f"/coordinate/users/{tr_de.id}", data=row)
    assert r.status_code == 302
    assert _user(app, "tr_de").active
    auth.logout()
    assert auth.login("tr_de").status_code == 302


def test_a_deactivated_person_is_told_so_at_login(client, auth, app):
    auth.login("coord")
    tr_de = _user(app, "tr_de")
    token = auth.csrf("/coordinate/users")
    r = client.post(
        f"/coordinate/users/{tr_de.id}",
        data={"csrf_token": token, f"u{tr_de.id}-role": "translator", f"u{tr_de.id}-languages": "de"},
        follow_redirects=True,
    )
    page = r.get_data(as_text=True)
    assert "updated and deactivated" in page and "deactivated</span>" in page
    auth.logout()
    r = auth.login("tr_de")
    assert r.status_code == 403
    assert "Your account is deactivated" in r.get_data(as_text=True)
    # A wrong password learns nothing about the account.
    r = auth.login("tr_de", "not the password at all")
    assert r.status_code == 401 and "Wrong name or password" in r.get_data(as_text=True)


# Item 3 -------------------------------------------------------------------


def _post_release(client, token, **fields):
    data = {"csrf_token": token, "existing": "", "deadline": "", "title": "", **fields}
    return client.post("/coordinate/releases/new", data=data, content_type="multipart/form-data")


def test_new_release_takes_language_names_and_a_title(client, auth, web_project):
    auth.login("coord")
    token = auth.csrf("/coordinate/releases/new")
    r = _post_release(
        client,
        token,
        languages="German, Ukrainian, pt-BR",
        title="Free them now",
        upload=(io.BytesIO(NEW_RELEASE.encode()), "journalists.md"),
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    assert sorted(p.parent.parent.name for p in web_project.glob("locales/*/LC_MESSAGES/journalists.po")) == [
        "de",
        "pt_BR",
        "uk",
    ]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<h1>Free them now</h1>" in page
    assert "German, Ukrainian, Portuguese (Brazil)" in page  # the flash names them


def test_new_release_keeps_the_file_and_choices_after_an_error(client, auth, web_project):
    auth.login("coord")
    token = auth.csrf("/coordinate/releases/new")
    r = _post_release(
        client,
        token,
        languages="Germn, French",
        title="Free them now",
        upload=(io.BytesIO(NEW_RELEASE.encode()), "journalists.md"),
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "unknown language &#39;Germn&#39;" in page and "did you mean German?" in page
    assert "Your file <strong>journalists.md</strong> is kept" in page
    assert 'value="Germn, French"' in page and 'value="Free them now"' in page
    kept = re.search(r'name="kept" type="hidden" value="([^"]+)"', page).group(1)
    assert not (web_project / "source/journalists.md").exists()
    # The second attempt sends no file: the kept one is used.
    r = _post_release(client, token, languages="German, French", title="Free them now", kept=kept)
    assert r.status_code == 302, r.get_data(as_text=True)
    assert (web_project / "source/journalists.md").read_text(encoding="utf-8") == NEW_RELEASE
    # A kept file belongs to one attempt: it is gone once used.
    r = _post_release(client, token, languages="German", kept=kept)
    assert r.status_code == 400 and "upload a Markdown file" in r.get_data(as_text=True)


def test_new_release_page_offers_languages(client, auth):
    auth.login("coord")
    page = client.get("/coordinate/releases/new").get_data(as_text=True)
    source = re.search(r'class="language-picker" data-target="languages" data-source="([^"]+)"', page).group(1)
    languages = client.get(source).get_json()
    assert len(languages) > 500
    assert [lang["code"] for lang in languages[:3]] == ["en", "de", "fr"]  # common ones first
    assert {"code": "uk", "name": "Ukrainian", "native": "українська", "dir": "ltr", "common": True} in languages


# Item 11 ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/coordinate/releases/appeal", "/coordinate/users", "/coordinate/releases/new"])
def test_pages_carry_no_list_of_every_language(client, auth, path):
    auth.login("coord")
    r = client.get(path)
    page = r.get_data(as_text=True)
    assert len(page.encode()) < 40_000
    assert page.count('type="checkbox"') < 20
    assert "Abkhazian" not in page


def test_pages_are_compressed(client, auth):
    auth.login("coord")
    r = client.get("/coordinate/users", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert "Volunteers" in gzip.decompress(r.get_data()).decode()
    assert "Accept-Encoding" in r.headers["Vary"]


def test_static_files_have_a_content_hash_and_a_long_cache_life(client, auth):
    page = client.get("/login").get_data(as_text=True)
    url = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    r = client.get(url)
    assert r.status_code == 200
    assert "max-age=31536000" in r.headers["Cache-Control"] and "immutable" in r.headers["Cache-Control"]
    # An old or missing hash is never kept: the browser asks again.
    assert "no-cache" in client.get("/static/app.css?v=000000000000").headers["Cache-Control"]
    assert "no-cache" in client.get("/static/app.css").headers["Cache-Control"]


# Item 13 ------------------------------------------------------------------


def _approve_all(web_project, language: str) -> None:
    with edit_catalog(web_project / f"locales/{language}/LC_MESSAGES/appeal.po") as po:
        for entry in po:
            if entry.msgid:
                set_translated(entry, entry.msgid, by="tr_de")
                set_approved(entry, by="rev_de")


def test_zip_link_only_once_something_is_published(client, auth, web_project):
    auth.login("coord")
    page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert "published.zip" not in page and "nothing published yet" in page
    assert client.get("/coordinate/releases/appeal/published.zip").status_code == 404
    _approve_all(web_project, "de")
    token = auth.csrf("/coordinate/releases/appeal")
    client.post("/coordinate/releases/appeal/de/publish", data={"csrf_token": token})
    page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert "published.zip" in page
    assert client.get("/coordinate/releases/appeal/published.zip").status_code == 200


def test_disabled_publish_says_why_in_visible_text(client, auth, web_project):
    auth.login("coord")
    page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    row = re.search(r'<tr data-language="fr">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'<button type="submit"\s+disabled aria-describedby="why-fr">Publish</button>', row)
    assert re.search(r'<span class="why" id="why-fr">\d+ of \d+ segments not approved yet</span>', row)


def test_language_names_and_time_zones_for_coordinators(client, auth, app):
    auth.login("tr_de")
    seg = auth.api("GET", "/api/releases/appeal/de/segments").get_json()[0]
    auth.api(
        "PUT", f"/api/releases/appeal/de/segments/{seg['id']}", {"translation": "Stopp", "version": seg["version"]}
    )
    auth.logout()
    auth.login("coord")
    token = auth.csrf("/coordinate/releases/appeal")
    client.post(
        "/coordinate/releases/appeal",
        data={"csrf_token": token, "title": "Appeal", "deadline": date.today().isoformat()},
    )
    page = client.get("/coordinate/").get_data(as_text=True)
    assert re.search(
        r"3 languages at risk: (German|French|Hebrew), (German|French|Hebrew), "
        r"(German|French|Hebrew)<",
        page,
    )
    activity = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert "<td>German</td>" in activity and "<td>de</td>" not in activity
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>', activity)


def test_invitation_with_a_display_name(client, auth, app):
    auth.login("coord")
    token = auth.csrf("/coordinate/users")
    page = client.post(
        "/coordinate/users",
        data={
            "csrf_token": token,
            "display_name": "Olena Shevchenko",
            "name": "",
            "role": "reviewer",
            "languages": "uk, Russian",
        },
    ).get_data(as_text=True)
    assert "Invitation for Olena Shevchenko (login name olena.shevchenko) as reviewer for Ukrainian, Russian" in page
    assert re.search(r"works once, until <time datetime=\"[^\"]+Z\">[^<]+ UTC</time>", page)
    link = re.search(r'readonly value="http://localhost(/invite/[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "?" not in link and "Olena" not in link  # the name is stored with the invitation, not carried in the link
    auth.logout()
    invite = client.get(link).get_data(as_text=True)
    assert "for Ukrainian, Russian" in invite and "login name is <strong>olena.shevchenko</strong>" in invite
    assert 'value="Olena Shevchenko"' in invite
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', invite).group(1)
    r = client.post(
        link,
        data={"csrf_token": token, "display_name": "Olena Shevchenko", "password": PASSWORD, "confirm": PASSWORD},
        follow_redirects=True,
    )
    assert "Welcome, Olena Shevchenko. Your login name is olena.shevchenko." in r.get_data(as_text=True)
    assert 'class="who">Olena Shevchenko · reviewer<' in r.get_data(as_text=True)
    assert _user(app, "olena.shevchenko").display_name == "Olena Shevchenko"


def test_a_refused_login_name_says_what_is_allowed(client, auth):
    auth.login("coord")
    token = auth.csrf("/coordinate/users")
    page = client.post(
        "/coordinate/users", data={"csrf_token": token, "name": "Olena Shevchenko", "role": "translator"}
    ).get_data(as_text=True)
    assert (
        "&#39;Olena Shevchenko&#39; cannot be a login name: use 2-80 letters, digits or . + - _, no spaces "
        "and no @ (it is recorded in the catalogs) (for example &#39;olena.shevchenko&#39;)"
    ) in page


def test_forced_password_change_shows_no_navigation(client, auth, app):
    with Database.factory(app)() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        user.must_change_password = True
        session.commit()
    r = auth.login("tr_de")
    assert r.headers["Location"].endswith("/account/password")
    page = client.get("/account/password").get_data(as_text=True)
    assert "Choose your password" in page and "Log out" in page
    assert "My languages" not in page and 'href="/"' not in page


def test_favicon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert r.headers["Cache-Control"] == "public, max-age=86400"
    page = client.get("/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert client.get(icon).status_code == 200


def test_login_redirect_has_no_stray_question_mark(client, auth):
    assert client.get("/").headers["Location"] == "/login?next=/"
    assert client.get("/coordinate/?x=1").headers["Location"] == "/login?next=/coordinate/?x%3D1"
    auth.csrf("/login")
    token = auth.csrf("/login")
    r = client.post("/login?next=/?", data={"name": "tr_de", "password": PASSWORD, "csrf_token": token})
    assert r.headers["Location"] == "/"


def test_a_row_sets_a_display_name_and_refuses_one_too_long(client, auth, app):
    auth.login("coord")
    tr_fr = _user(app, "tr_fr")
    row = _row_form(client.get("/coordinate/users").get_data(as_text=True), tr_fr.id)
    r = client.post(
        f"/coordinate/users/{tr_fr.id}",
        data={**row, f"u{tr_fr.id}-display_name": "  Amélie   Dubois "},
        follow_redirects=True,
    )
    assert "Amélie Dubois updated." in r.get_data(as_text=True)
    assert "login name tr_fr" in r.get_data(as_text=True)
    assert _user(app, "tr_fr").display_name == "Amélie Dubois"
    r = client.post(
        f"/coordinate/users/{tr_fr.id}", data={**row, f"u{tr_fr.id}-display_name": "x" * 121}, follow_redirects=True
    )
    assert "Display name: Field cannot be longer than 120 characters." in r.get_data(as_text=True)
    assert _user(app, "tr_fr").display_name == "Amélie Dubois"


def test_cli_user_add_takes_a_display_name(tmp_path):
    from click.testing import CliRunner

    from translate_app.cli import main

    env = {"TRANSLATE_APP_ROOT": str(tmp_path), "TRANSLATE_APP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    result = CliRunner().invoke(
        main,
        ["user", "add", "olena", "--display-name", "Olena Shevchenko", "-l", "Ukrainian, de", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "user Olena Shevchenko (login name olena) (translator) created for Ukrainian, German" in result.output
    result = CliRunner().invoke(
        main, ["user", "add", "Olena Shevchenko", "--password-stdin"], input=PASSWORD + "\n", env=env
    )
    assert result.exit_code == 1
    assert (
        "'Olena Shevchenko' cannot be a login name: use 2-80 letters, digits or . + - _, no spaces and no @ "
        "(it is recorded in the catalogs)"
    ) in result.output


def test_an_email_address_cannot_be_a_login_name(app):
    """Login names are written into catalogs and git history: an e-mail address is refused, with a suggestion."""
    import pytest

    from translate_app import accounts
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session, pytest.raises(accounts.AccountError, match=r"no @ .*for example 'olena'"):
        accounts.create_user(
            session, name="olena@example.org", role="translator", languages=["de"], password="a long secret!"
        )
