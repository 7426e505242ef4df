"""gunicorn reads this file when started from the project folder: `gunicorn wsgi:app`.

Command-line options override it (`gunicorn -w 8 wsgi:app`). The values are
the ones `translate-app serve` uses; see translate_app/web/serve.py for why.
"""

from translate_app.web.serve import GUNICORN_SETTINGS

workers = GUNICORN_SETTINGS["workers"]
worker_class = GUNICORN_SETTINGS["worker_class"]
threads = GUNICORN_SETTINGS["threads"]
timeout = GUNICORN_SETTINGS["timeout"]
preload_app = GUNICORN_SETTINGS["preload_app"]
