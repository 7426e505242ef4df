"""A malformed catalog (a hand edit in one language) shows that language as broken, with file and line;
everything else keeps working, and no answer names a server folder."""

from __future__ import annotations

import re


def _break_french(web_project):
    path = web_project / "locales" / "fr" / "LC_MESSAGES" / "appeal.po"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(12, 'msgstr "a second msgstr where none belongs\n')  # an unterminated string, as a bad paste gives
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_one_broken_language_leaves_the_pages_working(client, auth, web_project):
    _break_french(web_project)
    auth.login("coord")
    for path in ("/coordinate/", "/coordinate/releases/appeal", "/"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert "catalog broken" in html
        assert re.search(r"locales/fr/LC_MESSAGES/appeal\.po:\d+: malformed catalog", html), path
        assert str(web_project) not in html
    release = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    french_row = release[release.index('data-language="fr"') :].split("</tr>")[0]
    assert re.search(r"<button type=\"submit\"\s+disabled", french_row)  # nothing to publish from a broken file
    assert "the catalog cannot be read" in french_row
    releases = auth.api("GET", "/api/releases").get_json()
    assert set(releases[0]["broken"]) == {"fr"}
    assert releases[0]["languages"]["de"]["untranslated"] > 0  # the others counted as usual
    assert client.get("/releases/appeal/de").status_code == 200


def test_the_broken_language_itself_is_a_server_fault_naming_file_and_line(client, auth, web_project):
    _break_french(web_project)
    auth.login("coord")
    answer = client.get("/releases/appeal/fr")
    assert answer.status_code == 500
    html = answer.get_data(as_text=True)
    assert re.search(r"locales/fr/LC_MESSAGES/appeal\.po:\d+", html) and str(web_project) not in html
    api = auth.api("GET", "/api/releases/appeal/fr/segments")
    assert api.status_code == 500 and str(web_project) not in api.get_json()["error"]


def test_a_translator_of_another_language_does_not_see_it(client, auth, web_project):
    _break_french(web_project)
    auth.login("tr_de")
    page = client.get("/").get_data(as_text=True)
    assert "catalog broken" not in page
    assert auth.api("GET", "/api/releases").get_json()[0]["broken"] == {}
