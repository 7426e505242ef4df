"""The fault suite uses the web fixtures: an app on a small project, on SQLite and PostgreSQL."""

import pytest

from tests.web.conftest import app, auth, client, database_url, web_project  # noqa: F401


@pytest.fixture(autouse=True)
def _jobs_end_before_the_database(request):
    """Let pre-translation jobs started by a test end before its database is dropped."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app")  # set up first, so torn down after the jobs ended
    yield
    from translate_app.mt import jobs

    with jobs._running_lock:
        threads = [thread for thread, _ in jobs._running.values()]
    for thread in threads:
        thread.join(timeout=30)
