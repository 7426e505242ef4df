"""Login throttling: attempts counted atomically, growing delays instead of lockouts, the owner's usual address,
the same work for unknown names, client addresses through trusted proxies, and no write lock held while hashing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from translate_app import accounts
from translate_app.config import Settings
from translate_app.models import AuditLog, LoginAttempt
from translate_app.web.extensions import Database

from .conftest import PASSWORD, Auth

WRONG = "not the password at all"


class Clock:
    """A clock the test moves forward (accounts.utcnow is replaced by it)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(accounts, "utcnow", c)
    return c


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Record every password hash that is checked."""
    seen: list[str] = []
    real = accounts.check_password_hash

    def counting(stored: str, password: str) -> bool:
        seen.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return seen


def login(app, name: str, password: str, address: str):
    """Return the user, None for a wrong password, or the TooManyAttemptsError raised."""
    with Database.factory(app)() as session:
        try:
            return accounts.authenticate(session, name=name, password=password, address=address)
        except accounts.TooManyAttemptsError as exc:
            return exc


def test_parallel_guesses_check_no_more_passwords_than_allowed(app, monkeypatch):
    """40 guesses at once: at most the free allowance of passwords is checked (SQLite and PostgreSQL)."""
    real = accounts.check_password_hash
    checked = []
    lock = threading.Lock()

    def slow_check(stored: str, password: str) -> bool:
        with lock:
            checked.append(password)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", slow_check)
    barrier = threading.Barrier(40)
    results = []

    def guess(i: int) -> None:
        barrier.wait()
        results.append(login(app, "tr_de", f"guess number {i:02d}", f"198.51.100.{i}"))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refused = [r for r in results if isinstance(r, accounts.TooManyAttemptsError)]
    # Attempts stored at the same moment all see each other: under a burst it may be fewer, never more.
    assert len(checked) <= accounts.FREE_FAILURES_PER_NAME, f"{len(checked)} passwords checked"
    assert len(refused) == 40 - len(checked) and all(r is None for r in results if r not in refused)
    with Database.factory(app)() as session:  # refused attempts leave nothing behind to lengthen the wait
        stored = session.scalar(select(func.count()).where(LoginAttempt.key == "name:tr_de"))
    assert stored == len(checked)


def test_failures_bring_growing_delays_not_a_lockout(app, clock, checks):
    for i in range(accounts.FREE_FAILURES_PER_NAME):
        assert login(app, "tr_de", WRONG, f"203.0.113.{i}") is None
    waits = []
    for _ in range(4):
        early = login(app, "tr_de", WRONG, "203.0.113.77")
        assert isinstance(early, accounts.TooManyAttemptsError)
        waits.append(early.retry_after)
        clock.advance(early.retry_after)
        assert login(app, "tr_de", WRONG, "203.0.113.77") is None  # checked (and wrong) once the wait is over
    assert waits == [1, 2, 4, 8]
    early = login(app, "tr_de", PASSWORD, "203.0.113.77")
    assert isinstance(early, accounts.TooManyAttemptsError) and early.retry_after == 16
    n = len(checks)
    clock.advance(16)
    assert login(app, "tr_de", PASSWORD, "203.0.113.77").name == "tr_de"  # never locked out for good
    assert len(checks) == n + 1
    # A refused attempt checks no password and does not make the wait longer.
    with Database.factory(app)() as session:
        assert session.scalar(select(LoginAttempt).where(LoginAttempt.key == "name:tr_de").limit(1)) is not None


def test_the_owner_still_logs_in_from_their_usual_address(app, clock):
    assert login(app, "tr_de", PASSWORD, "192.0.2.10").name == "tr_de"  # the owner's usual address
    clock.advance(3600)
    for _ in range(accounts.FREE_FAILURES_PER_NAME):
        assert login(app, "tr_de", WRONG, "198.51.100.66") is None  # someone else guessing
    assert isinstance(login(app, "tr_de", WRONG, "198.51.100.66"), accounts.TooManyAttemptsError)
    assert isinstance(login(app, "tr_de", PASSWORD, "192.0.2.99"), accounts.TooManyAttemptsError)  # a new address
    assert login(app, "tr_de", PASSWORD, "192.0.2.10").name == "tr_de"  # the usual one: no wait
    # The owner's own typos at the usual address slow only them there.
    for _ in range(accounts.FREE_FAILURES_PER_NAME):
        assert login(app, "tr_de", WRONG, "192.0.2.10") is None
    assert isinstance(login(app, "tr_de", PASSWORD, "192.0.2.10"), accounts.TooManyAttemptsError)


def test_one_address_guessing_many_names_is_slowed_down(app, clock):
    for i in range(accounts.FREE_FAILURES_PER_ADDRESS):
        assert login(app, f"nobody{i}", WRONG, "198.51.100.1") is None
    assert isinstance(login(app, "tr_fr", PASSWORD, "198.51.100.1"), accounts.TooManyAttemptsError)
    assert login(app, "tr_fr", PASSWORD, "198.51.100.2").name == "tr_fr"


def test_an_unknown_name_costs_a_real_password_check(app, checks):
    assert login(app, "no_such_person", WRONG, "192.0.2.1") is None
    assert login(app, "tr_de", WRONG, "192.0.2.1") is None
    assert len(checks) == 2
    unknown, known = checks
    assert unknown.split("$")[0] == known.split("$")[0]  # same method and cost, e.g. scrypt:32768:8:1


def test_the_login_page_answers_429_with_retry_after(client, auth, app):
    for _ in range(accounts.FREE_FAILURES_PER_NAME):
        assert auth.login("tr_de", WRONG).status_code == 401
    r = auth.login("tr_de", PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "try again in" in r.get_data(as_text=True)


def test_client_addresses_come_from_the_trusted_proxy(web_project, database_url):
    """Behind one trusted proxy, each client is throttled on its own address, not the proxy's."""
    from translate_app import create_app

    settings = Settings(
        root=web_project, secret_key="t", database_url=database_url, secure_cookies=False, trusted_proxies=1
    )
    app = create_app({"SETTINGS": settings, "TESTING": True})
    with Database.factory(app)() as session:
        accounts.create_user(session, name="tr_de", role="translator", languages=["de"], password=PASSWORD)
        session.commit()
    try:
        attacker = Auth(app.test_client())
        attacker.client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        for i in range(accounts.FREE_FAILURES_PER_ADDRESS):
            assert attacker.login(f"name{i}", WRONG).status_code == 401
        assert attacker.login("tr_de", PASSWORD).status_code == 429
        honest = Auth(app.test_client())
        honest.client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.10"
        assert honest.login("tr_de", PASSWORD).status_code == 302
        with Database.factory(app)() as session:
            keys = set(session.scalars(select(LoginAttempt.key)))
        assert "addr:203.0.113.9" in keys and "ok:tr_de|203.0.113.10" in keys and "addr:127.0.0.1" not in keys
    finally:
        Database.dispose(app)


def test_no_write_transaction_is_held_while_a_password_is_hashed(app, monkeypatch, database_url):
    """A save's audit insert does not wait for a login's password check (it used to wait on SQLite)."""
    real = accounts.check_password_hash
    outcome = []
    if database_url.startswith("sqlite"):
        writer = create_engine(database_url, connect_args={"timeout": 0.5})
    else:
        writer = create_engine(database_url)

    def check_while_someone_saves(stored: str, password: str) -> bool:
        try:
            with writer.begin() as conn:
                if not database_url.startswith("sqlite"):
                    conn.execute(text("SET LOCAL lock_timeout = '500ms'"))
                conn.execute(
                    AuditLog.__table__.insert().values(
                        at=datetime.now(UTC),
                        release="appeal",
                        language="de",
                        segment_id="x",
                        action="save",
                        old_text="",
                        new_text="",
                        old_state="",
                        new_state="",
                    )
                )
            outcome.append("written")
        except Exception as exc:  # noqa: BLE001 - the failure is the finding
            outcome.append(f"{type(exc).__name__}: {exc}")
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", check_while_someone_saves)
    try:
        assert login(app, "tr_de", WRONG, "192.0.2.5") is None
        assert login(app, "tr_de", PASSWORD, "192.0.2.5").name == "tr_de"
    finally:
        writer.dispose()
    assert outcome == ["written", "written"]
