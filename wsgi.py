"""WSGI entry point for gunicorn: `gunicorn wsgi:app` (gunicorn.conf.py preloads it, then forks)."""

from translate_app import create_app
from translate_app.web.warmup import warm_up

app = create_app()
warm_up(app)
