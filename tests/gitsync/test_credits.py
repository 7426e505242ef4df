"""Commit trailers follow how each person chose to be credited (issue 14, identity)."""

from __future__ import annotations

from pathlib import Path

from translate_app import accounts
from translate_app.models import User

from .test_sync import remote_log


def test_trailers_use_the_pseudonym_and_leave_out_the_uncredited(make_instance, remote: Path) -> None:
    service = make_instance()
    with service.sessions() as session:
        accounts.set_credit(
            session.get(User, service.users["olena"]),
            credit="pseudonym",
            display_name="Olena Shevchenko",
            pseudonym="Kestrel",
        )
        accounts.set_credit(session.get(User, service.users["taras"]), credit="none")
        session.commit()
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    service.save("taras", "de", "Protect", "Schützt Kriegsdienstverweigerer.")

    report = service.sync()

    assert report.error is None and report.pushed
    body = remote_log(remote, "%B")[0]
    assert f"Co-authored-by: Kestrel <{service.users['olena']}+olena@users.noreply.example.org>" in body
    assert "Olena Shevchenko" not in body and "taras" not in body and "a volunteer" not in body
    assert "Segments: 2" in body
