"""Do at start-up what a worker's first requests would otherwise pay for.

gunicorn preloads the app (see serve.GUNICORN_SETTINGS): this runs once in the
master before it forks its workers, so every worker starts with the imports,
the language names, the compiled templates and the parsed releases already in
memory (shared copy-on-write), and no first request waits seconds for them.
"""

from __future__ import annotations

from flask import Flask


def warm_up(app: Flask) -> dict[str, int]:
    """Import, compile and parse what the pages need; return what was warmed (for tests and logs)."""
    from ..core.languages import all_languages
    from ..mt import jobs  # noqa: F401  (providers, deep-translator and requests: the pre-translation form)

    languages = len(all_languages())
    templates = 0
    for name in app.jinja_env.list_templates():
        if name.endswith(".html"):
            app.jinja_env.get_template(name)
            templates += 1
    project = app.config["SETTINGS"].project()
    releases = catalogs = 0
    for name in project.releases():
        project.document(name)
        releases += 1
        for language in project.languages(name):
            project.load_catalog(name, language)
            catalogs += 1
    return {"languages": languages, "templates": templates, "releases": releases, "catalogs": catalogs}
