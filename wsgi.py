"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from translate_app import create_app

app = create_app()
