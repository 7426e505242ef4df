"""The web fixtures (app, client, auth) for the partners' pages."""

from tests.web.conftest import app, auth, client, database_url, web_project  # noqa: F401
