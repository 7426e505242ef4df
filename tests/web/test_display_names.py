"""Other people see the name a person chose (display name), not their login name, in the editor and its history."""

from __future__ import annotations

from sqlalchemy import select


def test_editor_and_history_show_display_names(app, client, auth):
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        for login, shown in (("tr_de", "Olena Shevchenko"), ("rev_de", "Taras Bulba")):
            session.scalar(select(User).where(User.name == login)).display_name = shown
        session.commit()
    auth.login("tr_de")
    seg = auth.api("GET", "/api/releases/appeal/de/segments").get_json()[0]
    saved = auth.api(
        "PUT",
        f"/api/releases/appeal/de/segments/{seg['id']}",
        json={"translation": "Stoppt die Abschiebung", "version": seg["version"]},
    ).get_json()
    auth.logout()
    auth.login("rev_de")
    assert (
        auth.api(
            "POST", f"/api/releases/appeal/de/segments/{seg['id']}/approve", json={"version": saved["version"]}
        ).status_code
        == 200
    )
    page = client.get("/releases/appeal/de").get_data(as_text=True)
    assert "approved by Taras Bulba" in page and "approved by rev_de" not in page
    assert "Olena Shevchenko" in page  # in the names the page's script uses for live updates
    history = auth.api("GET", f"/api/releases/appeal/de/segments/{seg['id']}/history").get_json()
    assert [c["user"] for c in history["changes"]][:2] in (
        ["Taras Bulba", "Olena Shevchenko"],
        ["Olena Shevchenko", "Taras Bulba"],
    )
