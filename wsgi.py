"""WSGI entry point for gunicorn: `gunicorn wsgi:app` (gunicorn.conf.py preloads it, then forks)."""

import gc

from translate_app import create_app
from translate_app.web.warmup import warm_up

app = create_app()
warm_up(app)
# gunicorn forks its workers from here: keep the garbage collector off the objects made so far, so that
# its passes do not write to (and so copy, in every worker) the pages they share with the master.
gc.freeze()
