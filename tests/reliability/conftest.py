"""The fault suite uses the web fixtures: an app on a small project, on SQLite and PostgreSQL."""

from tests.web.conftest import app, auth, client, database_url, web_project  # noqa: F401
