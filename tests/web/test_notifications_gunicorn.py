"""Under gunicorn with four workers, each starts its delivery thread, and every digest goes out once."""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from datetime import timedelta

from sqlalchemy import select

from tests.notify_servers import SmtpSink, free_port
from tests.web.conftest import PASSWORD, SMALL_RELEASE
from tests.web.test_deployment import _start_gunicorn, _wait_for
from translate_app.models import NotificationEvent, User, utcnow


def test_four_gunicorn_workers_send_each_digest_once(tmp_path):
    from translate_app import accounts, create_app, notifications
    from translate_app.config import Settings
    from translate_app.project import Project
    from translate_app.web.extensions import Database

    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    (root / "source" / "appeal.md").write_text(SMALL_RELEASE, encoding="utf-8")
    Project(root).add_release(root / "source" / "appeal.md", ["de", "he"])
    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    app = create_app(
        {"SETTINGS": Settings(root=root, secret_key="k", database_url=url, secure_cookies=False), "TESTING": True}
    )
    sessions = Database.factory(app)
    earlier = utcnow() - timedelta(minutes=5)
    with sessions() as session:
        for name, language in (("tr_de", "de"), ("tr_he", "he")):
            user = accounts.create_user(session, name=name, role="translator", languages=[language], password=PASSWORD)
            session.commit()
            notifications.save_preferences(
                session, user=user, email=f"{name}@example.org", webhook_url=None, choices={"segment_activity": "email"}
            )
        people = {name: uid for name, uid in session.execute(select(User.name, User.id))}
        for i in range(79):  # a burst for tr_de, waiting for the next delivery
            session.add(
                NotificationEvent(
                    user_id=people["tr_de"],
                    event="commented",
                    channel="email",
                    release="appeal",
                    language="de",
                    segment_id="s1",
                    actor="rev",
                    detail=f"Bemerkung {i}",
                    created_at=earlier,
                    next_attempt_at=earlier,
                )
            )
        session.add(
            NotificationEvent(
                user_id=people["tr_he"],
                event="changed",
                channel="email",
                release="appeal",
                language="he",
                segment_id="s2",
                actor="rev",
                detail="עצרו",
                created_at=earlier,
                next_attempt_at=earlier,
            )
        )
        session.commit()
    Database.dispose(app)

    smtp = SmtpSink().start()
    port = free_port()
    env = {
        **os.environ,
        "TRANSLATE_APP_ROOT": str(root),
        "TRANSLATE_APP_SECRET_KEY": "k",
        "TRANSLATE_APP_SECURE_COOKIES": "0",
        "TRANSLATE_APP_DATABASE_URL": url,
        "TRANSLATE_APP_SMTP_HOST": "127.0.0.1",
        "TRANSLATE_APP_SMTP_PORT": str(smtp.port),
        "TRANSLATE_APP_SMTP_STARTTLS": "0",
        "TRANSLATE_APP_SMTP_FROM": "news@example.org",
    }
    proc = _start_gunicorn(root, env, port)
    try:
        assert _wait_for(port, proc), proc.stdout.read().decode() if proc.poll() is not None else "no answer"
        for _ in range(16):  # spread over the workers: each starts its delivery thread on its first request
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as r:
                assert r.status == 200
        deadline = time.monotonic() + 40
        while len(smtp.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(12)  # one more tick of every worker: nothing more may go out
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=30)[0].decode()
        smtp.stop()
    assert sorted(m["To"] for m in smtp.messages) == ["tr_de@example.org", "tr_he@example.org"], out[-2000:]
    de = next(m for m in smtp.messages if m["To"] == "tr_de@example.org")
    assert de["Subject"] == "appeal: 79 updates"
    he = next(m for m in smtp.messages if m["To"] == "tr_he@example.org")
    assert '<html lang="he" dir="rtl">' in he.get_body(("html",)).get_content()
    app = create_app(
        {"SETTINGS": Settings(root=root, secret_key="k", database_url=url, secure_cookies=False), "TESTING": True}
    )
    with Database.factory(app)() as session:
        assert {e.status for e in session.scalars(select(NotificationEvent))} == {"sent"}
    Database.dispose(app)
